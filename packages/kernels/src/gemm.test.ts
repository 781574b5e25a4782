import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { available, dgemm, gemmJs, info, sgemm, useIsa } from './index';
import { rand } from './kernels.test-helper';

interface Case {
  m: number;
  n: number;
  k: number;
  ta: boolean;
  tb: boolean;
  pad: number;
}

/** Reference in float64, straight from the definition. */
function reference(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  c0: ArrayLike<number>,
  x: Case,
  alpha: number,
  beta: number,
) {
  const lda = (x.ta ? x.m : x.k) + x.pad;
  const ldb = (x.tb ? x.k : x.n) + x.pad;
  const ldc = x.n + x.pad;
  const out = Float64Array.from(c0);
  for (let i = 0; i < x.m; i++)
    for (let j = 0; j < x.n; j++) {
      let s = 0;
      for (let p = 0; p < x.k; p++)
        s += (x.ta ? a[p * lda + i]! : a[i * lda + p]!) * (x.tb ? b[j * ldb + p]! : b[p * ldb + j]!);
      out[i * ldc + j] = alpha * s + beta * c0[i * ldc + j]!;
    }
  return out;
}

const CASES: Case[] = [];
for (const [m, n, k] of [
  [1, 1, 1],
  [7, 5, 3],
  [13, 17, 19],
  [33, 16, 144],
  [100, 3, 257],
  [37, 70, 500],
  [129, 131, 67],
  [250, 270, 390],
  [5, 400, 9],
] as const)
  for (const ta of [false, true])
    for (const tb of [false, true]) CASES.push({ m, n, k, ta, tb, pad: (m + n) % 3 });

function relErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let e = 0;
  let s = 0;
  for (let i = 0; i < want.length; i++) {
    e = Math.max(e, Math.abs(got[i]! - want[i]!));
    s = Math.max(s, Math.abs(want[i]!));
  }
  return e / (s || 1);
}

function check(run: 'sgemm' | 'dgemm' | 'js32' | 'js64', x: Case, seed: number): number {
  const lda = (x.ta ? x.m : x.k) + x.pad;
  const ldb = (x.tb ? x.k : x.n) + x.pad;
  const ldc = x.n + x.pad;
  const a = rand((x.ta ? x.k : x.m) * lda, seed);
  const b = rand((x.tb ? x.n : x.k) * ldb, seed + 1);
  const c = rand(x.m * ldc, seed + 2);
  const alpha = 0.75;
  const beta = seed % 2 === 0 ? 0 : 1.5;
  const want = reference(a, b, c, x, alpha, beta);
  const args = { m: x.m, n: x.n, k: x.k, transA: x.ta, transB: x.tb, lda, ldb, ldc, alpha, beta };
  const single = run === 'sgemm' || run === 'js32';
  const A = single ? Float32Array.from(a) : a;
  const B = single ? Float32Array.from(b) : b;
  const C = single ? Float32Array.from(c) : Float64Array.from(c);
  // the reference must see the rounded inputs the kernel sees
  const wantR = single ? reference(A, B, Float32Array.from(c), x, alpha, beta) : want;
  if (run === 'sgemm') sgemm(A as Float32Array, B as Float32Array, C as Float32Array, args);
  else if (run === 'dgemm') dgemm(A as Float64Array, B as Float64Array, C as Float64Array, args);
  else gemmJs(A, B, C, args);
  return relErr(C, wantR);
}

const isas = available() ? (['avx512', 'avx2', 'generic'] as const) : [];

describe('sgemm / dgemm (native)', {
  skip: available() ? false : `addon not loaded: ${info().reason}`,
}, () => {
  for (const isa of isas) {
    it(`${isa}: every transpose, odd sizes, strides, alpha/beta (fp32 < 1e-5, fp64 < 1e-13)`, (t) => {
      if (!useIsa(isa)) {
        t.skip(`this CPU lacks ${isa}`);
        return;
      }
      try {
        CASES.forEach((x, i) => {
          const e32 = check('sgemm', x, 10 + i);
          assert.ok(e32 < 1e-5, `sgemm ${JSON.stringify(x)}: relative error ${e32}`);
          const e64 = check('dgemm', x, 1000 + i);
          assert.ok(e64 < 1e-13, `dgemm ${JSON.stringify(x)}: relative error ${e64}`);
        });
      } finally {
        useIsa('best');
      }
    });
  }
  it('upper: computes j ≥ i only and leaves the rest untouched (threaded split included)', () => {
    for (const [n, k] of [
      [37, 11],
      [300, 260],
    ] as const) {
      const a = rand(k * n, n);
      const c = new Float64Array(n * n).fill(Number.NaN);
      dgemm(a, a, c, { m: n, n, k, transA: true, beta: 0, upper: true });
      const want = reference(
        a,
        a,
        new Float64Array(n * n),
        { m: n, n, k, ta: true, tb: false, pad: 0 },
        1,
        0,
      );
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          if (j >= i) assert.ok(Math.abs(c[i * n + j]! - want[i * n + j]!) < 1e-12, `${i},${j}`);
          else assert.ok(Number.isNaN(c[i * n + j]!), `below the diagonal ${i},${j} was written`);
        }
    }
  });
  it('a large product split across threads matches (fp32 and fp64)', () => {
    const x: Case = { m: 513, n: 600, k: 300, ta: false, tb: true, pad: 1 };
    assert.ok(check('sgemm', x, 5) < 1e-5);
    assert.ok(check('dgemm', x, 6) < 1e-13);
  });
  it('rejects arrays too short for the shape and strides', () => {
    assert.throws(
      () => sgemm(new Float32Array(5), new Float32Array(6), new Float32Array(6), { m: 2, n: 3, k: 3 }),
      /A has 5 elements, needs at least 6/,
    );
    assert.throws(
      () =>
        dgemm(new Float32Array(4) as unknown as Float64Array, new Float64Array(4), new Float64Array(4), {
          m: 2,
          n: 2,
          k: 2,
        }),
      /Float64Array/,
    );
  });
});

describe('gemmJs (the fallback)', () => {
  it('matches the reference on every transpose', () => {
    CASES.slice(0, 20).forEach((x, i) => {
      assert.ok(check('js32', x, 300 + i) < 1e-5);
      assert.ok(check('js64', x, 400 + i) < 1e-13);
    });
  });
});
