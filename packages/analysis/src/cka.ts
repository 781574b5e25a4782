/**
 * Linear CKA (Kornblith et al. 2019) and debiased CKA (unbiased HSIC, Song et al. 2012; Nguyen et al. 2021).
 *
 * With column-centred X (n × dx) and Y (n × dy), K = XXᵀ and L = YYᵀ:
 * - CKA = ‖YᵀX‖²_F / (‖XᵀX‖_F ‖YᵀY‖_F) = ⟨K, L⟩ / (‖K‖ ‖L‖);
 * - debiased CKA replaces each ⟨·,·⟩ by h(⟨K, L⟩) = ⟨K, L⟩ − n/(n−2)·(r_x·r_y) + (Σr_x)(Σr_y)/((n−1)(n−2)), where
 *   r_x = diag K (squared norms of the centred rows); this equals the U-centred Gram inner product.
 *
 * Two ways to the same numbers: the feature form accumulates XᵀY, XᵀX, YᵀY over chunks of rows (memory d², no
 * n×n matrix, the choice when n ≫ d); the Gram form builds K and L chunk by chunk over features (memory n², the
 * choice when d ≫ n). All sums are float64, whatever the input type.
 */
import { centre, columnSums } from '@basin/kernels';
import { gemmBackend, gemmNT, gemmTN } from './gemm';
import { sharedFloat64 } from './gemm-parallel';
import { AnalysisInputError, asRows, type NumericArray, type Tensor } from './tensor';

/** `feature`: accumulate d×d cross-products over row chunks. `gram`: build the n×n Gram matrices. */
export type CkaMethod = 'feature' | 'gram';

/** Options for {@link linearCka} and {@link ckaMatrix}. */
export interface CkaOptions {
  /** Debiased CKA (unbiased HSIC); needs n ≥ 4. Default `false`. */
  debiased?: boolean;
  /** `auto` (default) picks the form with fewer multiply-adds whose memory fits `gramBudgetBytes`. */
  method?: CkaMethod | 'auto';
  /** Rows per chunk in the feature form, features per chunk in the Gram form. Default 256. */
  chunk?: number;
  /** Largest total size of Gram matrices `auto` may choose, in bytes. Default 1 GiB. */
  gramBudgetBytes?: number;
}

/** What {@link linearCka} returns. */
export interface CkaResult {
  cka: number;
  debiased: boolean;
  method: CkaMethod;
  n: number;
  dx: number;
  dy: number;
}

interface Prepared {
  name: string;
  data: NumericArray;
  n: number;
  d: number;
  /** Column means. */
  mean: Float64Array;
  /** Squared norm of each centred row (the diagonal of the centred Gram matrix); debiased CKA only, else empty. */
  rowSq: Float64Array;
  rowSqSum: number;
}

function prepare(t: Tensor, name: string, debiased: boolean): Prepared {
  const { n, d } = asRows(t, name);
  if (n === 0) throw new AnalysisInputError(`${name}: empty array (0 examples)`);
  if (d === 0)
    throw new AnalysisInputError(`${name}: examples have no features (shape [${t.shape.join(', ')}])`);
  const x = t.data;
  const mean = new Float64Array(d);
  columnSums(x, n, d, mean);
  for (let f = 0; f < d; f++) {
    if (!Number.isFinite(mean[f]!)) {
      for (let i = 0; i < n; i++) {
        const v = x[i * d + f]!;
        if (!Number.isFinite(v)) {
          throw new AnalysisInputError(
            `${name}: ${v} at example ${i}, feature ${f}; features must be finite`,
          );
        }
      }
      throw new AnalysisInputError(`${name}: values in feature ${f} are too large to sum`);
    }
    mean[f] = mean[f]! / n;
  }
  const rowSq = new Float64Array(debiased ? n : 0);
  let rowSqSum = 0;
  for (let i = 0; i < rowSq.length; i++) {
    const o = i * d;
    let s = 0;
    for (let f = 0; f < d; f++) {
      const v = x[o + f]! - mean[f]!;
      s += v * v;
    }
    rowSq[i] = s;
    rowSqSum += s;
  }
  return { name, data: x, n, d, mean, rowSq, rowSqSum };
}

/** Copies rows r0..r0+r of p, centred, into buf (r × d). */
function centreRows(p: Prepared, r0: number, r: number, buf: Float64Array): void {
  centre(p.data, p.mean, buf, { rows: r, cols: p.d, srcOffset: r0 * p.d });
}

/** Copies features f0..f0+w of p, centred and transposed, into buf (w × n). */
function centreColumnsT(p: Prepared, f0: number, w: number, buf: Float64Array): void {
  const { data, d, n, mean } = p;
  for (let i = 0; i < n; i++) {
    const s = i * d + f0;
    for (let f = 0; f < w; f++) buf[f * n + i] = data[s + f]! - mean[f0 + f]!;
  }
}

function sumSq(c: Float64Array, len: number): number {
  let s = 0;
  for (let i = 0; i < len; i++) s += c[i]! * c[i]!;
  return s;
}

/** ⟨A, B⟩ for symmetric m×m matrices of which only the upper triangle is valid. */
function upperDot(a: Float64Array, b: Float64Array, m: number): number {
  let diag = 0;
  let off = 0;
  for (let i = 0; i < m; i++) {
    const o = i * m;
    diag += a[o + i]! * b[o + i]!;
    for (let j = i + 1; j < m; j++) off += a[o + j]! * b[o + j]!;
  }
  return diag + 2 * off;
}

/** ‖XcᵀYc‖²_F by the feature form. */
function crossFeature(x: Prepared, y: Prepared, chunk: number, c: Float64Array): number {
  const { n } = x;
  const cx = sharedFloat64(chunk * x.d);
  const cy = sharedFloat64(chunk * y.d);
  c.fill(0, 0, x.d * y.d);
  for (let r0 = 0; r0 < n; r0 += chunk) {
    const r = Math.min(chunk, n - r0);
    centreRows(x, r0, r, cx);
    centreRows(y, r0, r, cy);
    gemmTN(cx, cy, x.d, y.d, r, c);
  }
  return sumSq(c, x.d * y.d);
}

/** ‖XcᵀXc‖²_F by the feature form, computing the upper triangle only. */
function selfFeature(x: Prepared, chunk: number, c: Float64Array): number {
  const cx = sharedFloat64(chunk * x.d);
  c.fill(0, 0, x.d * x.d);
  for (let r0 = 0; r0 < x.n; r0 += chunk) {
    const r = Math.min(chunk, x.n - r0);
    centreRows(x, r0, r, cx);
    gemmTN(cx, cx, x.d, x.d, r, c, { upper: true });
  }
  return upperDot(c, c, x.d);
}

/** Copies features f0..f0+w of p, centred, into buf (n × w, row-major: contiguous runs, no transposition). */
function centreColumns(p: Prepared, f0: number, w: number, buf: Float64Array): void {
  centre(p.data, p.mean.subarray(f0, f0 + w), buf, { rows: p.n, cols: w, srcOffset: f0, srcStride: p.d });
}

/**
 * Upper triangle of the centred Gram matrix Xc Xcᵀ (n × n), accumulated over chunks of features.
 *
 * @remarks With the native GEMM the chunk is copied row-major and multiplied as B·Bᵀ; the wasm/JS kernels take
 * Aᵀ·B only, so there the chunk is transposed while it is centred.
 */
function gramUpper(x: Prepared, chunk: number): Float64Array {
  const { n, d } = x;
  const k = sharedFloat64(n * n);
  const buf = sharedFloat64(chunk * n);
  const native = gemmBackend() === 'native';
  for (let f0 = 0; f0 < d; f0 += chunk) {
    const w = Math.min(chunk, d - f0);
    if (native) {
      centreColumns(x, f0, w, buf);
      gemmNT(buf, buf, n, n, w, k, { upper: true });
    } else {
      centreColumnsT(x, f0, w, buf);
      gemmTN(buf, buf, n, n, w, k, { upper: true });
    }
  }
  return k;
}

/** The debiasing map h of the module comment (Kornblith et al.'s `_debiased_dot_product_similarity_helper`). */
function debias(dot: number, x: Prepared, y: Prepared): number {
  const { n } = x;
  let rr = 0;
  for (let i = 0; i < n; i++) rr += x.rowSq[i]! * y.rowSq[i]!;
  return dot - (n / (n - 2)) * rr + (x.rowSqSum * y.rowSqSum) / ((n - 1) * (n - 2));
}

function finish(xy: number, xx: number, yy: number, x: Prepared, y: Prepared, debiased: boolean): number {
  for (const [v, p] of [
    [xx, x],
    [yy, y],
  ] as const) {
    if (!(v > 0)) {
      throw new AnalysisInputError(
        `${p.name}: all ${p.n} examples are identical (zero variance); CKA is undefined`,
      );
    }
  }
  if (!debiased) return xy / Math.sqrt(xx * yy);
  const hx = debias(xx, x, x);
  const hy = debias(yy, y, y);
  for (const [h, p] of [
    [hx, x],
    [hy, y],
  ] as const) {
    if (!(h > 0)) {
      throw new AnalysisInputError(
        `${p.name}: unbiased HSIC(X, X) = ${h} is not positive; debiased CKA is undefined`,
      );
    }
  }
  return debias(xy, x, y) / Math.sqrt(hx * hy);
}

/** Which form {@link ckaMatrix} would use: the one with fewer multiply-adds whose Gram matrices fit the budget. */
export function chooseCkaMethod(
  n: number,
  dxs: number[],
  dys: number[],
  gramBudgetBytes = 2 ** 30,
): CkaMethod {
  const sx = dxs.reduce((a, b) => a + b, 0);
  const sy = dys.reduce((a, b) => a + b, 0);
  const sq = (ds: number[]) => ds.reduce((a, d) => a + d * d, 0);
  const featureCost = n * ((sq(dxs) + sq(dys)) / 2 + sx * sy);
  const gramCost = ((n * n) / 2) * (sx + sy) + dxs.length * dys.length * n * n;
  const gramBytes = (dxs.length + dys.length) * n * n * 8;
  return gramCost < featureCost && gramBytes <= gramBudgetBytes ? 'gram' : 'feature';
}

function checkPair(x: Prepared, y: Prepared, debiased: boolean): void {
  if (x.n !== y.n) {
    throw new AnalysisInputError(
      `${x.name} has ${x.n} examples but ${y.name} has ${y.n}; CKA compares the same examples`,
    );
  }
  if (x.n < 2) throw new AnalysisInputError(`${x.name}: CKA needs at least 2 examples, got ${x.n}`);
  if (debiased && x.n < 4) {
    throw new AnalysisInputError(`${x.name}: debiased CKA needs at least 4 examples, got ${x.n}`);
  }
}

/**
 * CKA between every layer of one model and every layer of another on the same n examples: `cka[i][j]` compares
 * `xs[i]` with `ys[j]`. Each layer is an `(n, …)` tensor, flattened per example. Self-similarities are computed once
 * per layer; in the Gram form each layer's Gram matrix is built once.
 *
 * @param names - Names for error messages, default `X0…`, `Y0…`.
 * @throws {@link AnalysisInputError} for empty inputs, NaN/Inf, differing example counts, zero variance.
 */
export function ckaMatrix(
  xs: Tensor[],
  ys: Tensor[],
  opts: CkaOptions = {},
  names?: { x?: string[]; y?: string[] },
): { cka: number[][]; method: CkaMethod } {
  const debiased = opts.debiased ?? false;
  const chunk = Math.max(1, Math.floor(opts.chunk ?? 256));
  const px = xs.map((t, i) => prepare(t, names?.x?.[i] ?? `X${i}`, debiased));
  const py = ys.map((t, i) => prepare(t, names?.y?.[i] ?? `Y${i}`, debiased));
  const all = [...px, ...py];
  const first = all[0];
  if (!first) return { cka: [], method: 'feature' };
  for (const p of all) checkPair(first, p, debiased);
  const n = first.n;
  const method =
    opts.method && opts.method !== 'auto'
      ? opts.method
      : chooseCkaMethod(
          n,
          px.map((p) => p.d),
          py.map((p) => p.d),
          opts.gramBudgetBytes,
        );
  const gramBytes = all.length * n * n * 8;
  const budget = opts.gramBudgetBytes ?? 2 ** 30;
  if (method === 'gram' && gramBytes > budget) {
    throw new AnalysisInputError(
      `the Gram form needs ${all.length} matrices of ${n}×${n} (${(gramBytes / 2 ** 20).toFixed(0)} MiB), over ` +
        `gramBudgetBytes (${(budget / 2 ** 20).toFixed(0)} MiB); use the feature form`,
    );
  }
  const cka: number[][] = [];
  if (method === 'gram') {
    const kx = px.map((p) => gramUpper(p, chunk));
    const ky = py.map((p) => gramUpper(p, chunk));
    const sx = kx.map((k) => upperDot(k, k, n));
    const sy = ky.map((k) => upperDot(k, k, n));
    for (let i = 0; i < px.length; i++) {
      cka.push(py.map((q, j) => finish(upperDot(kx[i]!, ky[j]!, n), sx[i]!, sy[j]!, px[i]!, q, debiased)));
    }
  } else {
    const maxD = Math.max(...all.map((p) => p.d));
    const c = sharedFloat64(maxD * maxD);
    const sx = px.map((p) => selfFeature(p, chunk, c));
    const sy = py.map((p) => selfFeature(p, chunk, c));
    for (let i = 0; i < px.length; i++) {
      const p = px[i]!;
      cka.push(py.map((q, j) => finish(crossFeature(p, q, chunk, c), sx[i]!, sy[j]!, p, q, debiased)));
    }
  }
  return { cka, method };
}

/**
 * Linear (or debiased) CKA between two `(n, …)` feature arrays over the same n examples.
 *
 * @example linearCka({ data: x, shape: [n, d] }, { data: y, shape: [n, 4, 4] }, { debiased: true }).cka
 * @throws {@link AnalysisInputError} naming `names[0]`/`names[1]` (default `X`, `Y`) and the problem.
 */
export function linearCka(
  x: Tensor,
  y: Tensor,
  opts: CkaOptions = {},
  names: [string, string] = ['X', 'Y'],
): CkaResult {
  const { cka, method } = ckaMatrix([x], [y], opts, { x: [names[0]], y: [names[1]] });
  return {
    cka: cka[0]![0]!,
    debiased: opts.debiased ?? false,
    method,
    n: x.shape[0]!,
    dx: x.data.length / x.shape[0]!,
    dy: y.data.length / y.shape[0]!,
  };
}
