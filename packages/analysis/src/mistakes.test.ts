import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { close, expected, loadNpy } from '../test/fixtures';
import { multiclassMistakes, multilabelMistakes, predictedClasses } from './mistakes';
import { AnalysisInputError } from './tensor';

describe('mistakes against NumPy', () => {
  it('multiclass: int64 labels, float32 logits (argmax) vs int32 predictions', () => {
    const r = multiclassMistakes(
      loadNpy('mistakes', 'labels.npy'),
      loadNpy('mistakes', 'logits_a.npy'),
      loadNpy('mistakes', 'preds_b.npy'),
    );
    const e = expected.mistakes;
    for (const k of ['n', 'common', 'onlyA', 'onlyB', 'bothCorrect'] as const) assert.equal(r[k], e[k], k);
    close(r.accuracyA, e.accuracyA, 1e-15);
    close(r.accuracyB, e.accuracyB, 1e-15);
    close(r.agreement, e.agreement, 1e-15);
    assert.equal(r.uncommon, e.onlyA + e.onlyB);
    assert.equal(r.common + r.uncommon + r.bothCorrect, r.n);
  });

  for (const t of ['0.5', '0.7']) {
    it(`multilabel at threshold ${t} (per label and totals)`, () => {
      const r = multilabelMistakes(
        loadNpy('mistakes', 'ml_labels.npy'),
        loadNpy('mistakes', 'ml_probs_a.npy'),
        loadNpy('mistakes', 'ml_probs_b.npy'),
        Number(t),
      );
      const e = expected.multilabel[t];
      assert.deepEqual(
        r.perLabel.map((l) => l.common),
        e.common,
      );
      assert.deepEqual(
        r.perLabel.map((l) => l.onlyA),
        e.onlyA,
      );
      assert.deepEqual(
        r.perLabel.map((l) => l.onlyB),
        e.onlyB,
      );
      r.perLabel.forEach((l, i) => {
        close(l.agreement, e.agreement[i], 1e-15);
      });
      assert.equal(
        r.common,
        e.common.reduce((a: number, b: number) => a + b, 0),
      );
      assert.equal(r.n, 120 * 4);
    });
  }
});

describe('mistakes closed cases and bad input', () => {
  const v = (...xs: number[]) => ({ data: Float64Array.from(xs), shape: [xs.length] });
  it('identical models have no uncommon mistakes and agree everywhere', () => {
    const r = multiclassMistakes(v(0, 1, 2, 1), v(0, 2, 2, 0), v(0, 2, 2, 0));
    assert.deepEqual([r.common, r.onlyA, r.onlyB, r.agreement, r.commonShare], [2, 0, 0, 1, 1]);
  });
  it('argmax takes the first maximum on ties', () => {
    assert.deepEqual(
      [...predictedClasses({ data: Float32Array.from([1, 3, 3, 0, 0, 0]), shape: [2, 3] }, 'A')],
      [1, 0],
    );
  });
  it('refuses mismatched rows, non-integer class ids, non-binary labels', () => {
    assert.throws(
      () => multiclassMistakes(v(0, 1), v(0, 1, 1), v(0, 1)),
      /A has 3 examples but labels has 2/,
    );
    assert.throws(
      () => multiclassMistakes(v(0, 1), v(0, 1.5), v(0, 1)),
      /A: value 1.5 at index 1 is not a class id/,
    );
    assert.throws(() => multiclassMistakes(v(), v(), v()), AnalysisInputError);
    const two = { data: Float64Array.from([0, 2]), shape: [1, 2] };
    assert.throws(() => multilabelMistakes(two, two, two), /label 1 is not 0\/1/);
  });
});
