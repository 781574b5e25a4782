import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { close, expected, loadNpy, randn } from '../test/fixtures';
import { linearCka } from './cka';
import { CkaAccumulator } from './cka-stream';
import type { Tensor } from './tensor';

/** Feeds rows of x and y to an accumulator in batches of the given sizes (cycled). */
function stream(x: Tensor, y: Tensor, sizes: number[], chunk = 256): CkaAccumulator {
  const n = x.shape[0]!;
  const dx = x.data.length / n;
  const dy = y.data.length / n;
  const acc = new CkaAccumulator(dx, dy, { chunk });
  for (let r = 0, k = 0; r < n; k++) {
    const b = Math.min(sizes[k % sizes.length]!, n - r);
    acc.add(
      { data: x.data.subarray(r * dx, (r + b) * dx), shape: [b, ...x.shape.slice(1)] },
      { data: y.data.subarray(r * dy, (r + b) * dy), shape: [b, ...y.shape.slice(1)] },
    );
    r += b;
  }
  return acc;
}

describe('CkaAccumulator (streamed CKA)', () => {
  it('matches the NumPy reference on the fixtures, batch by batch', () => {
    for (const name of ['tall', 'wide']) {
      const x = loadNpy('cka', `${name}_x.npy`);
      const y = loadNpy('cka', `${name}_y.npy`);
      const acc = stream(x, y, [7, 1, 13, 64], 5);
      assert.equal(acc.n, x.shape[0]);
      close(acc.result(), expected.cka[name].linear, 1e-10, name);
      close(acc.result(true), expected.cka[name].debiased, 1e-10, `${name} debiased`);
    }
  });

  it('stays exact with large column means (shifted accumulation)', () => {
    const n = 500;
    const x = randn(n * 6, 21).map((v, i) => 1e4 + (i % 6) * 100 + v);
    const y = randn(n * 4, 22).map((v, i) => -5e3 + v + 0.3 * x[Math.floor(i / 4) * 6]!);
    const tx = { data: x, shape: [n, 6] };
    const ty = { data: y, shape: [n, 4] };
    for (const debiased of [false, true]) {
      const want = linearCka(tx, ty, { debiased }).cka;
      close(stream(tx, ty, [33, 100]).result(debiased), want, 1e-9, `debiased=${debiased}`);
    }
  });

  it('refuses mismatched batches and too few examples', () => {
    const acc = new CkaAccumulator(2, 3);
    assert.throws(
      () =>
        acc.add({ data: new Float64Array(4), shape: [2, 2] }, { data: new Float64Array(9), shape: [3, 3] }),
      /X batch has 2 examples but Y batch has 3/,
    );
    assert.throws(
      () =>
        acc.add({ data: new Float64Array(6), shape: [2, 3] }, { data: new Float64Array(6), shape: [2, 3] }),
      /X: batch has 3 features per example, expected 2/,
    );
    acc.add(
      { data: Float64Array.from([1, 2, 3, 4]), shape: [2, 2] },
      { data: Float64Array.from([1, 0, 0, 0, 1, 1]), shape: [2, 3] },
    );
    assert.throws(() => acc.result(true), /at least 4 examples, got 2/);
    close(acc.result(), 1, 1e-12);
    const nan = new CkaAccumulator(1, 1, { names: ['a.npy', 'b.npy'] });
    assert.throws(
      () =>
        nan.add(
          { data: Float64Array.from([Number.NaN]), shape: [1, 1] },
          { data: new Float64Array(1), shape: [1, 1] },
        ),
      /a\.npy: NaN/,
    );
  });
});
