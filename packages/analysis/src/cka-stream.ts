/**
 * Linear and debiased CKA accumulated batch by batch, for activations that are produced (and dropped) a batch at a
 * time: memory is dx² + dy² + dx·dy doubles, whatever the number of examples.
 *
 * @remarks Everything is accumulated on data shifted by the first batch's column means (which keeps the final
 * centring well conditioned), then centred exactly at the end: XcᵀYc = XᵀY − n·μxμyᵀ. The debiased form also needs
 * Σ rx_i·ry_i over centred row norms r, which expands into sums that can be kept per batch (see `rowTerm`).
 */
import { gemmTN } from './gemm';
import { sharedFloat64 } from './gemm-parallel';
import { AnalysisInputError, asRows, type Tensor } from './tensor';

class Side {
  readonly shift: Float64Array;
  /** Σ x (shifted). */
  readonly sum: Float64Array;
  /** Σ xxᵀ (upper triangle). */
  readonly gram: Float64Array;
  /** Σ a_i x_i and Σ b_i x_i (a, b: squared norms of this and the other side's shifted rows). */
  readonly ownWeighted: Float64Array;
  readonly otherWeighted: Float64Array;
  /** Σ a_i and Σ a_i². */
  norms = 0;
  norms2 = 0;
  buf: Float64Array = new Float64Array(0);
  rowNorm: Float64Array = new Float64Array(0);
  shifted = false;

  constructor(readonly d: number) {
    this.shift = new Float64Array(d);
    this.sum = new Float64Array(d);
    this.gram = sharedFloat64(d * d);
    this.ownWeighted = new Float64Array(d);
    this.otherWeighted = new Float64Array(d);
  }

  /** Copies rows r0..r0+r of t, shifted, into buf and their squared norms into rowNorm. */
  load(t: Tensor, r0: number, r: number, name: string): void {
    const { d } = this;
    if (this.buf.length < r * d) {
      this.buf = sharedFloat64(r * d);
      this.rowNorm = new Float64Array(r);
    }
    const x = t.data;
    for (let k = 0; k < r; k++) {
      let s2 = 0;
      const src = (r0 + k) * d;
      for (let f = 0; f < d; f++) {
        const v = x[src + f]! - this.shift[f]!;
        if (!Number.isFinite(v)) {
          throw new AnalysisInputError(
            `${name}: ${x[src + f]} at batch row ${r0 + k}, feature ${f}; features must be finite`,
          );
        }
        this.buf[k * d + f] = v;
        this.sum[f] = this.sum[f]! + v;
        s2 += v * v;
      }
      this.rowNorm[k] = s2;
      this.norms += s2;
      this.norms2 += s2 * s2;
    }
    gemmTN(this.buf, this.buf, d, d, r, this.gram, { upper: true });
  }

  /** ownWeighted += Σ own_i x_i, otherWeighted += Σ other_i x_i over the loaded rows. */
  weigh(r: number, other: Float64Array): void {
    const { d } = this;
    for (let k = 0; k < r; k++) {
      const a = this.rowNorm[k]!;
      const b = other[k]!;
      for (let f = 0; f < d; f++) {
        const v = this.buf[k * d + f]!;
        this.ownWeighted[f] = this.ownWeighted[f]! + a * v;
        this.otherWeighted[f] = this.otherWeighted[f]! + b * v;
      }
    }
  }
}

const dot = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

/** Options for {@link CkaAccumulator}. */
export interface CkaAccumulatorOptions {
  /** Rows per GEMM call; default 256. */
  chunk?: number;
  /** Names for error messages; default `X`, `Y`. */
  names?: [string, string];
}

/**
 * Streams CKA over batches of the same examples: `add(xBatch, yBatch)` any number of times, then `result()`.
 * Agrees with {@link linearCka} on the concatenated batches (to rounding).
 */
export class CkaAccumulator {
  private readonly x: Side;
  private readonly y: Side;
  private readonly cross: Float64Array;
  private ab = 0;
  private count = 0;
  private readonly chunk: number;
  private readonly names: [string, string];

  /** @param dx - features per example of X (product of the trailing dimensions); likewise `dy`. */
  constructor(dx: number, dy: number, opts: CkaAccumulatorOptions = {}) {
    for (const d of [dx, dy]) {
      if (!Number.isInteger(d) || d < 1)
        throw new AnalysisInputError(`features per example must be ≥ 1, got ${d}`);
    }
    this.x = new Side(dx);
    this.y = new Side(dy);
    this.cross = sharedFloat64(dx * dy);
    this.chunk = Math.max(1, Math.floor(opts.chunk ?? 256));
    this.names = opts.names ?? ['X', 'Y'];
  }

  /** Examples added so far. */
  get n(): number {
    return this.count;
  }

  /** Adds one batch: `x` is (b, …) with dx features per example, `y` is (b, …) with dy, the same b examples. */
  add(x: Tensor, y: Tensor): void {
    const [nx, ny] = this.names;
    const a = asRows(x, nx);
    const b = asRows(y, ny);
    if (a.d !== this.x.d)
      throw new AnalysisInputError(`${nx}: batch has ${a.d} features per example, expected ${this.x.d}`);
    if (b.d !== this.y.d)
      throw new AnalysisInputError(`${ny}: batch has ${b.d} features per example, expected ${this.y.d}`);
    if (a.n !== b.n)
      throw new AnalysisInputError(`${nx} batch has ${a.n} examples but ${ny} batch has ${b.n}`);
    if (a.n === 0) return;
    for (const [side, t, d] of [
      [this.x, x, a.d],
      [this.y, y, b.d],
    ] as const) {
      if (side.shifted) continue;
      for (let i = 0; i < a.n; i++)
        for (let f = 0; f < d; f++) side.shift[f] = side.shift[f]! + t.data[i * d + f]!;
      for (let f = 0; f < d; f++) side.shift[f] = side.shift[f]! / a.n;
      side.shifted = true;
    }
    for (let r0 = 0; r0 < a.n; r0 += this.chunk) {
      const r = Math.min(this.chunk, a.n - r0);
      this.x.load(x, r0, r, nx);
      this.y.load(y, r0, r, ny);
      gemmTN(this.x.buf, this.y.buf, this.x.d, this.y.d, r, this.cross);
      this.x.weigh(r, this.y.rowNorm);
      this.y.weigh(r, this.x.rowNorm);
      for (let k = 0; k < r; k++) this.ab += this.x.rowNorm[k]! * this.y.rowNorm[k]!;
    }
    this.count += a.n;
  }

  /** CKA of everything added (debiased: unbiased HSIC, needs n ≥ 4). */
  result(debiased = false): number {
    const n = this.count;
    const [nx, ny] = this.names;
    if (n < (debiased ? 4 : 2)) {
      throw new AnalysisInputError(`CKA needs at least ${debiased ? 4 : 2} examples, got ${n}`);
    }
    const mx = this.x.sum.map((v) => v / n);
    const my = this.y.sum.map((v) => v / n);
    const cx = dot(mx, mx);
    const cy = dot(my, my);
    // ‖centred cross-products‖²_F
    const xy = frob(this.cross, this.x.d, this.y.d, n, mx, my, false);
    const xx = frob(this.x.gram, this.x.d, this.x.d, n, mx, mx, true);
    const yy = frob(this.y.gram, this.y.d, this.y.d, n, my, my, true);
    for (const [v, name] of [
      [xx, nx],
      [yy, ny],
    ] as const) {
      if (!(v > 0))
        throw new AnalysisInputError(
          `${name}: all ${n} examples are identical (zero variance); CKA is undefined`,
        );
    }
    if (!debiased) return xy / Math.sqrt(xx * yy);
    // Σ r_i (centred row norms) and Σ rx_i·ry_i from the kept sums
    const sx = this.x.norms - n * cx;
    const sy = this.y.norms - n * cy;
    const rxry =
      this.ab -
      2 * dot(this.y.otherWeighted, my) -
      2 * dot(this.x.otherWeighted, mx) +
      4 * bilinear(this.cross, mx, my, false) +
      cy * this.x.norms +
      cx * this.y.norms -
      3 * n * cx * cy;
    const rxrx =
      this.x.norms2 -
      4 * dot(this.x.ownWeighted, mx) +
      4 * bilinear(this.x.gram, mx, mx, true) +
      2 * cx * this.x.norms -
      3 * n * cx * cx;
    const ryry =
      this.y.norms2 -
      4 * dot(this.y.ownWeighted, my) +
      4 * bilinear(this.y.gram, my, my, true) +
      2 * cy * this.y.norms -
      3 * n * cy * cy;
    const h = (v: number, rr: number, s1: number, s2: number) =>
      v - (n / (n - 2)) * rr + (s1 * s2) / ((n - 1) * (n - 2));
    const hx = h(xx, rxrx, sx, sx);
    const hy = h(yy, ryry, sy, sy);
    if (!(hx > 0 && hy > 0)) {
      throw new AnalysisInputError(
        `unbiased HSIC of ${hx > 0 ? ny : nx} with itself is not positive; debiased CKA is undefined`,
      );
    }
    return h(xy, rxry, sx, sy) / Math.sqrt(hx * hy);
  }
}

/** uᵀ S v, S m×m symmetric stored as its upper triangle when `upper`, else a dense m×len(v) matrix. */
function bilinear(s: Float64Array, u: Float64Array, v: Float64Array, upper: boolean): number {
  const m = u.length;
  const w = v.length;
  let total = 0;
  for (let i = 0; i < m; i++) {
    let row = 0;
    if (upper) {
      for (let j = 0; j < i; j++) row += s[j * w + i]! * v[j]!;
      for (let j = i; j < w; j++) row += s[i * w + j]! * v[j]!;
    } else {
      for (let j = 0; j < w; j++) row += s[i * w + j]! * v[j]!;
    }
    total += u[i]! * row;
  }
  return total;
}

/** ‖S − n·u vᵀ‖²_F for S m×w (upper triangle only when `upper`, then m = w). */
function frob(
  s: Float64Array,
  m: number,
  w: number,
  n: number,
  u: Float64Array,
  v: Float64Array,
  upper: boolean,
): number {
  let diag = 0;
  let off = 0;
  for (let i = 0; i < m; i++) {
    const ui = n * u[i]!;
    for (let j = upper ? i : 0; j < w; j++) {
      const e = s[i * w + j]! - ui * v[j]!;
      if (upper && j === i) diag += e * e;
      else off += e * e;
    }
  }
  return upper ? diag + 2 * off : off;
}
