import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { close, expected, loadNpy, randn } from '../test/fixtures';
import { chooseCkaMethod, ckaMatrix, linearCka } from './cka';
import { AnalysisInputError, type Tensor } from './tensor';

const t = (data: Float64Array | Float32Array, ...shape: number[]): Tensor => ({ data, shape });

/** Y = X Q for a random orthogonal Q (Gram–Schmidt), so CKA(X, Y) must be 1. */
function rotate(x: Float64Array, n: number, d: number, seed: number): Float64Array {
  const q = randn(d * d, seed);
  for (let j = 0; j < d; j++) {
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < d; i++) dot += q[i * d + j]! * q[i * d + k]!;
      for (let i = 0; i < d; i++) q[i * d + j] = q[i * d + j]! - dot * q[i * d + k]!;
    }
    let norm = 0;
    for (let i = 0; i < d; i++) norm += q[i * d + j]! ** 2;
    for (let i = 0; i < d; i++) q[i * d + j] = q[i * d + j]! / Math.sqrt(norm);
  }
  const y = new Float64Array(n * d);
  for (let r = 0; r < n; r++)
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += x[r * d + k]! * q[k * d + j]!;
      y[r * d + j] = s;
    }
  return y;
}

describe('linear CKA against Kornblith et al.’s NumPy reference', () => {
  for (const name of ['tall', 'wide']) {
    for (const debiased of [false, true]) {
      for (const method of ['feature', 'gram', 'auto'] as const) {
        it(`${name} ${debiased ? 'debiased' : 'linear'} via ${method}`, () => {
          const x = loadNpy('cka', `${name}_x.npy`);
          const y = loadNpy('cka', `${name}_y.npy`);
          const want = expected.cka[name][debiased ? 'debiased' : 'linear'];
          const r = linearCka(x, y, { debiased, method, chunk: 37 });
          close(r.cka, want, 1e-10, `${name}`);
          if (method === 'auto') assert.equal(r.method, name === 'tall' ? 'feature' : 'gram');
        });
      }
    }
  }

  it('CKA matrix over layer pairs (both forms)', () => {
    const xs = [0, 1, 2].map((i) => loadNpy('cka', `layer_a${i}.npy`));
    const ys = [0, 1].map((j) => loadNpy('cka', `layer_b${j}.npy`));
    for (const debiased of [false, true]) {
      for (const method of ['feature', 'gram'] as const) {
        const { cka } = ckaMatrix(xs, ys, { debiased, method });
        const want: number[][] = expected.ckaMatrix[debiased ? 'debiased' : 'linear'];
        for (const [i, row] of want.entries()) {
          for (const [j, v] of row.entries()) close(cka[i]![j]!, v, 1e-10, `[${i}][${j}]`);
        }
      }
    }
  });
});

describe('CKA closed forms and invariances', () => {
  const n = 90;
  const d = 13;
  const x = randn(n * d, 1);
  for (const method of ['feature', 'gram'] as const) {
    it(`CKA(X, X) = 1 and debiased CKA(X, X) = 1 (${method})`, () => {
      close(linearCka(t(x, n, d), t(x, n, d), { method }).cka, 1, 1e-12);
      close(linearCka(t(x, n, d), t(x, n, d), { method, debiased: true }).cka, 1, 1e-12);
    });
    it(`invariant to orthogonal transforms, isotropic scaling and translation (${method})`, () => {
      const y = randn(n * 7, 2);
      const base = linearCka(t(x, n, d), t(y, n, 7), { method }).cka;
      const rx = rotate(x, n, d, 3);
      close(linearCka(t(rx, n, d), t(x, n, d), { method }).cka, 1, 1e-10);
      close(linearCka(t(rx, n, d), t(y, n, 7), { method }).cka, base, 1e-10);
      const scaled = x.map((v, i) => 7.5 * v + (i % d));
      close(linearCka(t(scaled, n, d), t(y, n, 7), { method }).cka, base, 1e-10);
      const db = linearCka(t(x, n, d), t(y, n, 7), { method, debiased: true }).cka;
      close(
        linearCka(
          t(rx, n, d),
          t(
            y.map((v) => -3 * v),
            n,
            7,
          ),
          { method, debiased: true },
        ).cka,
        db,
        1e-10,
      );
    });
    it(`symmetric (${method})`, () => {
      const y = randn(n * 40, 4);
      for (const debiased of [false, true]) {
        const a = linearCka(t(x, n, d), t(y, n, 40), { method, debiased }).cka;
        const b = linearCka(t(y, n, 40), t(x, n, d), { method, debiased }).cka;
        close(a, b, 1e-12);
      }
    });
  }

  it('independent-column closed form: X with orthogonal centred columns vs a subset of them', () => {
    // X = [e1, e2] scaled (a, b); Y = e1 only → CKA = a² / sqrt(a⁴ + b⁴)
    const e = new Float64Array([1, 1, -1, -1, 1, -1, 1, -1]); // columns (1,1,-1,-1) and (1,-1,1,-1), n = 4
    const xs = new Float64Array(8);
    const ys = new Float64Array(4);
    for (let i = 0; i < 4; i++) {
      xs[i * 2] = 2 * e[i]!;
      xs[i * 2 + 1] = 3 * e[4 + i]!;
      ys[i] = e[i]!;
    }
    close(linearCka(t(xs, 4, 2), t(ys, 4, 1)).cka, 4 / Math.sqrt(16 + 81), 1e-14);
  });

  it('float32 and N-D inputs give the float64 2-D answer', () => {
    const x32 = Float32Array.from(x);
    const y = randn(n * 12, 5);
    const want = linearCka(t(Float64Array.from(x32), n, d), t(y, n, 12)).cka;
    close(linearCka(t(x32, n, d), t(y, n, 2, 3, 2)).cka, want, 1e-13);
  });

  it('many examples never build an n×n matrix (40,000 × 3: feature form, Gram form refused)', () => {
    const n = 40_000;
    const big = randn(n * 3, 9);
    const other = big.map((v, i) => v * (1 + (i % 3)) + Math.sin(i));
    const r = linearCka(t(big, n, 3), t(other, n, 3));
    assert.equal(r.method, 'feature');
    assert.ok(r.cka > 0 && r.cka <= 1);
    assert.throws(
      () => linearCka(t(big, n, 3), t(other, n, 3), { method: 'gram' }),
      /Gram form needs 2 matrices of 40000×40000/,
    );
  });

  it('picks the Gram form only when d ≫ n and it fits', () => {
    assert.equal(chooseCkaMethod(10_000, [2048], [2048]), 'feature');
    assert.equal(chooseCkaMethod(2_000, [16_384], [16_384]), 'gram');
    assert.equal(chooseCkaMethod(50_000, [4096], [4096]), 'feature');
    assert.equal(chooseCkaMethod(20_000, [100_000], [100_000], 2 ** 30), 'feature');
  });
});

describe('CKA refuses bad input', () => {
  const ok = t(randn(20, 9), 10, 2);
  const cases: [Tensor, Tensor, RegExp][] = [
    [t(new Float64Array(0), 0, 3), ok, /X: empty array/],
    [ok, t(randn(22, 9), 11, 2), /X has 10 examples but Y has 11/],
    [
      t(
        Float64Array.from({ length: 20 }, (_, i) => (i === 13 ? Number.NaN : i)),
        10,
        2,
      ),
      ok,
      /X: NaN at example 6, feature 1/,
    ],
    [
      ok,
      t(
        Float64Array.from({ length: 20 }, (_, i) => (i === 4 ? -Infinity : i)),
        10,
        2,
      ),
      /Y: -Infinity at example 2, feature 0/,
    ],
    [t(new Float64Array(20).fill(3), 10, 2), ok, /X: all 10 examples are identical/],
    [t(new Float64Array(2), 1, 2), t(new Float64Array(2), 1, 2), /at least 2 examples/],
    [t(new Float64Array(5), 2, 2), ok, /needs 4 values but the data has 5/],
  ];
  for (const [x, y, re] of cases) {
    it(String(re), () => {
      assert.throws(
        () => linearCka(x, y),
        (e: unknown) => e instanceof AnalysisInputError && re.test(e.message),
      );
    });
  }
  it('debiased needs n ≥ 4', () => {
    const x = t(randn(6, 1), 3, 2);
    assert.throws(() => linearCka(x, x, { debiased: true }), /at least 4 examples/);
  });
});
