import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randn } from '../test/fixtures';
import { gemmBackend, gemmNT, gemmTN, gemmTNJs } from './gemm';
import { gemmThreads, gemmTNParallel, sharedFloat64 } from './gemm-parallel';

function naive(a: Float64Array, b: Float64Array, m: number, n: number, k: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let p = 0; p < k; p++)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) c[i * n + j] = c[i * n + j]! + a[p * m + i]! * b[p * n + j]!;
  return c;
}

for (const [name, gemm] of [
  [`gemmTN (${gemmBackend()})`, gemmTN],
  ['gemmTNJs', gemmTNJs],
] as const) {
  describe(name, () => {
    for (const [m, n, k] of [
      [1, 1, 1],
      [3, 5, 7],
      [4, 4, 4],
      [131, 1029, 300],
      [17, 9, 513],
    ] as const) {
      it(`C += AᵀB for m=${m} n=${n} k=${k} (ragged edges, several K blocks)`, () => {
        const a = randn(k * m, m + n);
        const b = randn(k * n, k);
        const c = new Float64Array(m * n).fill(1);
        gemm(a, b, m, n, k, c);
        const want = naive(a, b, m, n, k);
        for (let i = 0; i < m * n; i++) assert.ok(Math.abs(c[i]! - 1 - want[i]!) < 1e-10, `entry ${i}`);
      });
    }
    it('uses the wasm SIMD kernel where WebAssembly SIMD exists (Node ≥ 16.4)', () => {
      if (name === 'gemmTNJs') return;
      assert.equal(gemmBackend() === 'js', process.env.BASIN_GEMM === 'js');
    });
    it('honours strides, offsets and the upper-triangle mode', () => {
      const k = 260;
      const m = 150;
      const a = randn(k * (m + 5) + 3, 9);
      const c = new Float64Array(m * m);
      gemm(a, a, m, m, k, c, { lda: m + 5, ldb: m + 5, offsetA: 3, offsetB: 3, upper: true });
      const dense = new Float64Array(k * m);
      for (let p = 0; p < k; p++) for (let i = 0; i < m; i++) dense[p * m + i] = a[3 + p * (m + 5) + i]!;
      const want = naive(dense, dense, m, m, k);
      for (let i = 0; i < m; i++)
        for (let j = i; j < m; j++)
          assert.ok(Math.abs(c[i * m + j]! - want[i * m + j]!) < 1e-10, `${i},${j}`);
    });
  });
}

describe('gemmTNParallel', () => {
  for (const upper of [false, true]) {
    it(`splits a large product across threads and matches the naive product (upper: ${upper})`, () => {
      const [m, n, k] = [401, 398, 310];
      const a = sharedFloat64(k * m);
      const b = sharedFloat64(k * n);
      a.set(randn(k * m, 11));
      b.set(randn(k * n, 12));
      const c = sharedFloat64(m * n);
      const ran = gemmTNParallel(a, b, m, n, k, c, { upper });
      assert.equal(ran, gemmThreads() > 1 && gemmBackend() !== 'js');
      if (!ran) gemmTN(a, b, m, n, k, c, { upper });
      const want = naive(a, b, m, n, k);
      for (let i = 0; i < m; i++)
        for (let j = upper ? i : 0; j < n; j++)
          assert.ok(Math.abs(c[i * n + j]! - want[i * n + j]!) < 1e-9, `${i},${j}`);
    });
  }
  it('leaves small or unshared products to the caller', () => {
    assert.equal(
      gemmTNParallel(new Float64Array(16), new Float64Array(16), 4, 4, 4, new Float64Array(16), {}),
      false,
    );
  });
});

describe(`gemmNT (${gemmBackend()}, and the transposing fallback with BASIN_GEMM=js)`, () => {
  for (const forced of [undefined, 'js'] as const)
    for (const [m, n, k, upper] of [
      [3, 5, 7, false],
      [131, 97, 300, false],
      [150, 150, 260, true],
    ] as const) {
      it(`C += ABᵀ, m=${m} n=${n} k=${k}${upper ? ', upper' : ''}${forced ? ', BASIN_GEMM=js' : ''}`, () => {
        const before = process.env.BASIN_GEMM;
        if (forced) process.env.BASIN_GEMM = forced;
        try {
          const a = randn(m * k, m + 3 * k);
          const b = upper ? a : randn(n * k, n);
          const c = new Float64Array(m * n).fill(1);
          gemmNT(a, b, m, n, k, c, { upper });
          // the reference from Aᵀ and Bᵀ, written out
          const at = new Float64Array(k * m);
          const bt = new Float64Array(k * n);
          for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) at[p * m + i] = a[i * k + p]!;
          for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) bt[p * n + j] = b[j * k + p]!;
          const want = naive(at, bt, m, n, k);
          for (let i = 0; i < m; i++)
            for (let j = upper ? i : 0; j < n; j++)
              assert.ok(Math.abs(c[i * n + j]! - 1 - want[i * n + j]!) < 1e-10, `${i},${j}`);
        } finally {
          if (before === undefined) delete process.env.BASIN_GEMM;
          else process.env.BASIN_GEMM = before;
        }
      });
    }
});
