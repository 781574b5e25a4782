/**
 * SGEMM and DGEMM on typed arrays: `C = alpha·op(A)·op(B) + beta·C`, row-major, writing into the caller's `C`.
 * The native addon does the work where it loaded; otherwise a plain-JS loop gives the same results (slowly).
 */
import { addon } from './addon';

/** Shape, transposes and scalars of one GEMM. */
export interface GemmArgs {
  /** Rows of op(A) and C. */
  m: number;
  /** Columns of op(B) and C. */
  n: number;
  /** Columns of op(A), rows of op(B). */
  k: number;
  /** op(A) = Aᵀ, A stored k×m. Default false (A stored m×k). */
  transA?: boolean;
  /** op(B) = Bᵀ, B stored n×k. Default false (B stored k×n). */
  transB?: boolean;
  /** Default 1. */
  alpha?: number;
  /** Default 0: C is overwritten (never read, so it may hold NaN); 1 accumulates. */
  beta?: number;
  /** Row stride of A as stored; default its column count. */
  lda?: number;
  /** Row stride of B as stored; default its column count. */
  ldb?: number;
  /** Row stride of C; default `n`. */
  ldc?: number;
  /**
   * Only the upper triangle (j ≥ i) of a square C is computed; entries below the diagonal are left untouched
   * (for AᵀA, whose lower half mirrors the upper). Default false.
   */
  upper?: boolean;
}

interface Resolved {
  m: number;
  n: number;
  k: number;
  ta: boolean;
  tb: boolean;
  alpha: number;
  beta: number;
  lda: number;
  ldb: number;
  ldc: number;
  upper: boolean;
}

function resolve(g: GemmArgs): Resolved {
  const ta = g.transA ?? false;
  const tb = g.transB ?? false;
  return {
    m: g.m,
    n: g.n,
    k: g.k,
    ta,
    tb,
    alpha: g.alpha ?? 1,
    beta: g.beta ?? 0,
    lda: g.lda ?? (ta ? g.m : g.k),
    ldb: g.ldb ?? (tb ? g.k : g.n),
    ldc: g.ldc ?? g.n,
    upper: g.upper ?? false,
  };
}

/** The JS fallback: i-p-j loops (contiguous inner loop for untransposed B), float64 sums for the transposed case. */
export function gemmJs(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  c: Float32Array | Float64Array,
  g: GemmArgs,
): void {
  const { m, n, k, ta, tb, alpha, beta, lda, ldb, ldc, upper } = resolve(g);
  const row = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    row.fill(0);
    for (let p = 0; p < k; p++) {
      const av = ta ? a[p * lda + i]! : a[i * lda + p]!;
      if (av === 0) continue;
      if (tb) for (let j = 0; j < n; j++) row[j] = row[j]! + av * b[j * ldb + p]!;
      else {
        const o = p * ldb;
        for (let j = 0; j < n; j++) row[j] = row[j]! + av * b[o + j]!;
      }
    }
    const o = i * ldc;
    for (let j = upper ? i : 0; j < n; j++)
      c[o + j] = beta === 0 ? alpha * row[j]! : beta * c[o + j]! + alpha * row[j]!;
  }
}

/** Single-precision GEMM into `c` (see {@link GemmArgs}); native where available. */
export function sgemm(a: Float32Array, b: Float32Array, c: Float32Array, g: GemmArgs): void {
  const r = resolve(g);
  const native = addon();
  if (native) native.sgemm(r.ta, r.tb, r.m, r.n, r.k, r.alpha, a, r.lda, b, r.ldb, r.beta, c, r.ldc, r.upper);
  else gemmJs(a, b, c, g);
}

/** Double-precision GEMM into `c` (see {@link GemmArgs}); native where available. */
export function dgemm(a: Float64Array, b: Float64Array, c: Float64Array, g: GemmArgs): void {
  const r = resolve(g);
  const native = addon();
  if (native) native.dgemm(r.ta, r.tb, r.m, r.n, r.k, r.alpha, a, r.lda, b, r.ldb, r.beta, c, r.ldc, r.upper);
  else gemmJs(a, b, c, g);
}
