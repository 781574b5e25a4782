/**
 * Float64 GEMM: `C (m×n) += Aᵀ B` with A stored k×m and B stored k×n, both row-major.
 *
 * @remarks This is the one kernel CKA spends its time in, kept behind {@link gemmTN} so a native implementation
 * can replace it. It follows the Goto/BLIS layout: blocks of KC rows of A and B are packed into contiguous
 * MR- and NR-wide panels (so the inner loop streams memory linearly, whatever the leading dimensions), and a
 * 4×4 register-blocked micro-kernel accumulates 16 entries of C across the whole KC block. Three tiers, fastest
 * first: the f64x2 WebAssembly SIMD macro-kernel (gemm-wasm.ts) split over worker threads (gemm-parallel.ts), the
 * same on the calling thread, and the plain-TS kernel here ({@link gemmTNJs}) where WebAssembly SIMD is missing.
 * Above them all, where its addon is built, `@basin/kernels`' native DGEMM (AVX-512/AVX2, both cores); `BASIN_GEMM`
 * set to `wasm` or `js` skips it.
 */
import { available as nativeAvailable, dgemm as nativeDgemm } from '@basin/kernels';
import { gemmTNParallel } from './gemm-parallel';
import { WASM_MR, WASM_NR, type WasmKernel, wasmKernel } from './gemm-wasm';

/** Rows of C one micro-kernel call produces. */
const MR = 4;
/** Columns of C one micro-kernel call produces. */
const NR = 4;
/** Depth of one packed block (rows of A and B). */
const KC = 256;
/** Columns of A packed at once: KC × MC doubles stay in L2. */
const MC = 128;
/** Columns of B packed at once: KC × NC doubles stay in L2/L3. */
const NC = 1024;

/** Options for {@link gemmTN}. */
export interface GemmOptions {
  /** Leading dimension (row stride) of A; default `m`. */
  lda?: number;
  /** Leading dimension (row stride) of B; default `n`. */
  ldb?: number;
  /** Leading dimension (row stride) of C; default `n`. */
  ldc?: number;
  /** Element offset of A's first entry; default 0. */
  offsetA?: number;
  /** Element offset of B's first entry; default 0. */
  offsetB?: number;
  /**
   * Only the upper triangle (j ≥ i) of C is needed, as for AᵀA: micro-tiles wholly below the diagonal are skipped
   * and those entries left untouched. Default false.
   */
  upper?: boolean;
}

let packA = new Float64Array(0);
let packB = new Float64Array(0);

/**
 * Packs rows p0..p0+kc, columns c0..c0+w of a row-major matrix into `w/R` panels of `kc × R` (zero-padded).
 * Self-contained (worker threads receive its source).
 */
export function pack(
  src: Float64Array,
  ld: number,
  off: number,
  p0: number,
  kc: number,
  c0: number,
  w: number,
  dst: Float64Array,
  R = 4,
): void {
  let o = 0;
  for (let c = 0; c < w; c += R) {
    const full = c + R <= w;
    for (let p = 0; p < kc; p++) {
      const s = off + (p0 + p) * ld + c0 + c;
      if (R === 4 && full) {
        dst[o] = src[s]!;
        dst[o + 1] = src[s + 1]!;
        dst[o + 2] = src[s + 2]!;
        dst[o + 3] = src[s + 3]!;
      } else if (full) {
        for (let r = 0; r < R; r++) dst[o + r] = src[s + r]!;
      } else {
        for (let r = 0; r < R; r++) dst[o + r] = c + r < w ? src[s + r]! : 0;
      }
      o += R;
    }
  }
}

/** C[i0..i0+4, j0..j0+4] += Apanelᵀ Bpanel over kc, writing only the `mr × nr` valid corner. */
// biome-ignore format: the 4×4 register block reads best as a grid
function kernel4x4(
  kc: number,
  ap: Float64Array,
  ao: number,
  bp: Float64Array,
  bo: number,
  c: Float64Array,
  co: number,
  ldc: number,
  mr: number,
  nr: number,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  const end = ao + 4 * kc;
  for (let a = ao, b = bo; a < end; a += 4, b += 4) {
    const a0 = ap[a]!, a1 = ap[a + 1]!, a2 = ap[a + 2]!, a3 = ap[a + 3]!;
    const b0 = bp[b]!, b1 = bp[b + 1]!, b2 = bp[b + 2]!, b3 = bp[b + 3]!;
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
  }
  if (mr === 4 && nr === 4) {
    let o = co;
    c[o] = c[o]! + c00; c[o + 1] = c[o + 1]! + c01; c[o + 2] = c[o + 2]! + c02; c[o + 3] = c[o + 3]! + c03;
    o += ldc;
    c[o] = c[o]! + c10; c[o + 1] = c[o + 1]! + c11; c[o + 2] = c[o + 2]! + c12; c[o + 3] = c[o + 3]! + c13;
    o += ldc;
    c[o] = c[o]! + c20; c[o + 1] = c[o + 1]! + c21; c[o + 2] = c[o + 2]! + c22; c[o + 3] = c[o + 3]! + c23;
    o += ldc;
    c[o] = c[o]! + c30; c[o + 1] = c[o + 1]! + c31; c[o + 2] = c[o + 2]! + c32; c[o + 3] = c[o + 3]! + c33;
    return;
  }
  const t = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
  for (let i = 0; i < mr; i++) for (let j = 0; j < nr; j++) c[co + i * ldc + j] = c[co + i * ldc + j]! + t[i * 4 + j]!;
}

const useNative = (): boolean => {
  const forced = typeof process !== 'undefined' ? process.env.BASIN_GEMM : undefined;
  return (forced === undefined || forced === '' || forced === 'native') && nativeAvailable();
};

/** Which kernel {@link gemmTN} runs: `native` (@basin/kernels), else `wasm-simd` (f64x2) where available, else `js`. */
export function gemmBackend(): 'native' | 'wasm-simd' | 'js' {
  if (useNative()) return 'native';
  return wasmKernel() ? 'wasm-simd' : 'js';
}

/**
 * `C += Aᵀ B`: C is m×n, A is k×m, B is k×n, all row-major Float64Arrays (strides and offsets in `opts`).
 * C is accumulated into, never cleared, so callers can sum over chunks of rows. Large products on
 * SharedArrayBuffer-backed arrays (see `sharedFloat64`) are split across worker threads.
 */
export function gemmTN(
  a: Float64Array,
  b: Float64Array,
  m: number,
  n: number,
  k: number,
  c: Float64Array,
  opts: GemmOptions = {},
): void {
  if (m === 0 || n === 0 || k === 0) return;
  if ((!opts.upper || m === n) && useNative()) {
    const { offsetA = 0, offsetB = 0, lda = m, ldb = n, ldc = n, upper = false } = opts;
    nativeDgemm(a.subarray(offsetA), b.subarray(offsetB), c, {
      m,
      n,
      k,
      transA: true,
      lda,
      ldb,
      ldc,
      beta: 1,
      upper,
    });
    return;
  }
  const wasm = wasmKernel();
  if (wasm) {
    if (!gemmTNParallel(a, b, m, n, k, c, opts))
      gemmWasmRange(wasm, a, b, m, n, k, c, opts, 0, n, WASM_BLOCKING, pack);
  } else gemmTNJs(a, b, m, n, k, c, opts);
}

/**
 * `C += A Bᵀ`: C is m×n, A is m×k, B is n×k, all row-major and contiguous. The native DGEMM takes this layout
 * directly; elsewhere A and B are transposed into scratch arrays and {@link gemmTN} runs.
 */
export function gemmNT(
  a: Float64Array,
  b: Float64Array,
  m: number,
  n: number,
  k: number,
  c: Float64Array,
  opts: Pick<GemmOptions, 'upper'> = {},
): void {
  if (m === 0 || n === 0 || k === 0) return;
  const upper = opts.upper ?? false;
  if ((!upper || m === n) && useNative()) {
    nativeDgemm(a, b, c, { m, n, k, transB: true, beta: 1, upper });
    return;
  }
  const transpose = (src: Float64Array, rows: number): Float64Array => {
    const t = new Float64Array(k * rows);
    for (let i = 0; i < rows; i++) for (let p = 0; p < k; p++) t[p * rows + i] = src[i * k + p]!;
    return t;
  };
  const at = transpose(a, m);
  gemmTN(at, b === a && m === n ? at : transpose(b, n), m, n, k, c, { upper });
}

/** Block sizes handed to {@link gemmWasmRange} (a parameter so the function is self-contained, see below). */
export interface WasmBlocking {
  KC: number;
  MC: number;
  NC: number;
  MR: number;
  NR: number;
}

/** The blocking the SIMD path uses. */
export const WASM_BLOCKING: WasmBlocking = { KC, MC, NC, MR: WASM_MR, NR: WASM_NR };

/**
 * The SIMD GEMM over columns `jStart..jEnd` of C. It touches nothing outside its parameters (the packing routine
 * comes in as `packFn`), so its source can be shipped to worker threads as is (see gemm-parallel.ts).
 */
export function gemmWasmRange(
  w: WasmKernel,
  a: Float64Array,
  b: Float64Array,
  m: number,
  n: number,
  k: number,
  c: Float64Array,
  opts: GemmOptions,
  jStart: number,
  jEnd: number,
  cfg: WasmBlocking,
  packFn: typeof pack,
): void {
  const { KC, MC, NC, MR, NR } = cfg;
  const lda = opts.lda ?? m;
  const ldb = opts.ldb ?? n;
  const ldc = opts.ldc ?? n;
  const offA = opts.offsetA ?? 0;
  const offB = opts.offsetB ?? 0;
  const upper = opts.upper ?? false;
  const aBytes = KC * (MC + MR) * 8;
  const bBytes = KC * (NC + NR) * 8;
  const tBytes = (MC + MR) * (NC + NR) * 8;
  const need = aBytes + bBytes + tBytes;
  if (w.memory.buffer.byteLength < need)
    w.memory.grow(Math.ceil((need - w.memory.buffer.byteLength) / 65536));
  const buf = w.memory.buffer;
  const ap = new Float64Array(buf, 0, aBytes / 8);
  const bp = new Float64Array(buf, aBytes, bBytes / 8);
  const tile = new Float64Array(buf, aBytes + bBytes, tBytes / 8);
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = Math.min(KC, k - p0);
    for (let j0 = jStart; j0 < jEnd; j0 += NC) {
      const nc = Math.min(NC, jEnd - j0);
      const ncPad = Math.ceil(nc / NR) * NR;
      packFn(b, ldb, offB, p0, kc, j0, nc, bp, NR);
      for (let i0 = 0; i0 < m; i0 += MC) {
        if (upper && i0 >= j0 + nc) break;
        const mc = Math.min(MC, m - i0);
        const mcPad = Math.ceil(mc / MR) * MR;
        packFn(a, lda, offA, p0, kc, i0, mc, ap, MR);
        w.kernel(0, aBytes, aBytes + bBytes, mcPad, ncPad, kc, upper ? 1 : 0, i0 - j0);
        // tile is row-major: C[i0+i, j0+j] += tile[i*ncPad + j]
        for (let i = 0; i < mc; i++) {
          const row = (i0 + i) * ldc + j0;
          const t = i * ncPad;
          const from = upper ? Math.max(0, i0 + i - j0) : 0;
          for (let j = from; j < nc; j++) c[row + j] = c[row + j]! + tile[t + j]!;
        }
      }
    }
  }
}

/** The plain-JS kernel alone (what {@link gemmTN} falls back to); same contract as {@link gemmTN}. */
export function gemmTNJs(
  a: Float64Array,
  b: Float64Array,
  m: number,
  n: number,
  k: number,
  c: Float64Array,
  opts: GemmOptions = {},
): void {
  const lda = opts.lda ?? m;
  const ldb = opts.ldb ?? n;
  const ldc = opts.ldc ?? n;
  const offA = opts.offsetA ?? 0;
  const offB = opts.offsetB ?? 0;
  const upper = opts.upper ?? false;
  const needA = KC * (MC + MR);
  const needB = KC * (NC + NR);
  if (packA.length < needA) packA = new Float64Array(needA);
  if (packB.length < needB) packB = new Float64Array(needB);
  const ap = packA;
  const bp = packB;
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = Math.min(KC, k - p0);
    for (let j0 = 0; j0 < n; j0 += NC) {
      const nc = Math.min(NC, n - j0);
      if (upper && j0 + nc <= 0) continue;
      pack(b, ldb, offB, p0, kc, j0, nc, bp);
      for (let i0 = 0; i0 < m; i0 += MC) {
        const mc = Math.min(MC, m - i0);
        if (upper && i0 >= j0 + nc) break;
        pack(a, lda, offA, p0, kc, i0, mc, ap);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = Math.min(NR, nc - jr);
          const bo = (jr / NR) * kc * NR;
          for (let ir = 0; ir < mc; ir += MR) {
            if (upper && i0 + ir > j0 + jr + NR - 1) break;
            const mr = Math.min(MR, mc - ir);
            kernel4x4(kc, ap, (ir / MR) * kc * MR, bp, bo, c, (i0 + ir) * ldc + j0 + jr, ldc, mr, nr);
          }
        }
      }
    }
  }
}
