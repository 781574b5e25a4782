import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readNpy, writeNpy } from '@basin/analysis';
import { basin, expected, fixture, tempFiles } from './analysis-test-helpers';

describe('basin mistakes', () => {
  const L = fixture('mistakes', 'labels.npy');
  const A = fixture('mistakes', 'logits_a.npy');
  const B = fixture('mistakes', 'preds_b.npy');
  it('multiclass JSON keys name the quantities and match NumPy', async () => {
    const r = await basin('mistakes', '--labels', L, A, B, '--json');
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    const e = expected.mistakes;
    assert.equal(j.task, 'multiclass');
    for (const k of ['n', 'common', 'onlyA', 'onlyB', 'bothCorrect', 'accuracyA', 'accuracyB', 'agreement']) {
      assert.equal(j[k], e[k], k);
    }
    assert.equal(j.uncommon, e.onlyA + e.onlyB);
  });
  it('prints a table', async () => {
    const r = await basin('mistakes', '--labels', L, A, B);
    assert.match(r.stdout, /^common \(both wrong\)\s+26\s+\(13\.00%\)$/m);
    assert.match(r.stdout, /^only A wrong\s+69/m);
  });
  it('multilabel with --threshold', async () => {
    const r = await basin(
      'mistakes',
      '--labels',
      fixture('mistakes', 'ml_labels.npy'),
      fixture('mistakes', 'ml_probs_a.npy'),
      fixture('mistakes', 'ml_probs_b.npy'),
      '--threshold',
      '0.7',
      '--json',
    );
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.task, 'multilabel');
    assert.deepEqual(
      j.perLabel.map((l: { onlyB: number }) => l.onlyB),
      expected.multilabel['0.7'].onlyB,
    );
  });
  it('one-hot labels with --task multiclass, and (n, 1) labels, give the same counts', async () => {
    const ids = Array.from(readNpy(new Uint8Array(readFileSync(L))).data as BigInt64Array, Number);
    const oneHot = new Float32Array(ids.length * 5);
    ids.forEach((c, i) => {
      oneHot[i * 5 + c] = 1;
    });
    const dir = tempFiles({
      'onehot.npy': writeNpy({ dtype: 'float32', shape: [ids.length, 5], data: oneHot }),
      'col.npy': writeNpy({ dtype: 'int32', shape: [ids.length, 1], data: Int32Array.from(ids) }),
    });
    for (const extra of [
      ['--labels', join(dir, 'onehot.npy'), '--task', 'multiclass'],
      ['--labels', join(dir, 'col.npy')],
    ]) {
      const r = await basin('mistakes', ...extra, A, B, '--json');
      assert.equal(r.code, 0, r.stderr);
      const j = JSON.parse(r.stdout);
      assert.deepEqual([j.task, j.common, j.onlyA, j.onlyB], ['multiclass', 26, 69, 24]);
    }
  });

  it('exits 2 on bad input', async () => {
    const noLabels = await basin('mistakes', A, B);
    assert.equal(noLabels.code, 2);
    assert.match(noLabels.stderr, /--labels L\.npy is required/);
    const mismatch = await basin('mistakes', '--labels', L, A, fixture('npy', 'rows10.npy'));
    assert.equal(mismatch.code, 2);
    assert.match(mismatch.stderr, /rows10\.npy has 10 examples but .*labels\.npy has 200/);
    const threshold = await basin('mistakes', '--labels', L, A, B, '--threshold', 'x');
    assert.equal(threshold.code, 2);
  });
});
