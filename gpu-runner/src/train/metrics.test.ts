import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accuracy, meanRocAuc, rocAuc } from './metrics';

describe('metrics', () => {
  it('accuracy is the fraction of rows whose arg-max is the label', () => {
    const logits = Float32Array.from([0.1, 0.9, 2, -1, 0, 0.5]);
    assert.equal(accuracy(logits, Int32Array.from([1, 0, 0]), 2), 2 / 3);
  });

  it('ROC AUC matches closed-form cases', () => {
    assert.equal(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75); // the scikit-learn docs example
    assert.equal(rocAuc([1, 2, 3], [0, 1, 1]), 1);
    assert.equal(rocAuc([3, 2, 1], [0, 1, 1]), 0);
    assert.equal(rocAuc([1, 1, 1, 1], [0, 1, 0, 1]), 0.5); // all tied
    // Pairs (pos, neg): (2,1)>, (2,2)½, (3,1)>, (3,2)> → 3.5 / 4.
    assert.equal(rocAuc([1, 2, 2, 3], [0, 0, 1, 1]), 0.875);
    assert.ok(Number.isNaN(rocAuc([1, 2], [1, 1])));
  });

  it('mean AUC averages the labels where both classes occur', () => {
    const scores = Float32Array.from([0.1, 0.9, 0.4, 0.2, 0.35, 0.3, 0.8, 0.1]);
    const targets = Float32Array.from([0, 1, 0, 1, 1, 1, 1, 1]);
    const { mean, perLabel } = meanRocAuc(scores, targets, 2);
    assert.equal(perLabel[0], 0.75);
    assert.ok(Number.isNaN(perLabel[1]!));
    assert.equal(mean, 0.75);
  });
});
