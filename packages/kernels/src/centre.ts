/**
 * Centring for CKA on typed arrays: rows of features widened to float64 minus the column means, and float64 column
 * sums. Native (threaded, vectorised) for Float32Array and Float64Array sources where the addon loaded; plain JS
 * loops otherwise and for any other array of numbers (integer typed arrays from `.npy` files).
 */
import { addon } from './addon';

/** The block of `src` that {@link centre} reads and where it writes. */
export interface CentreArgs {
  rows: number;
  cols: number;
  /** Index of the block's first value in `src`. Default 0. */
  srcOffset?: number;
  /** Distance between the starts of two rows in `src`. Default `cols`. */
  srcStride?: number;
  /** Distance between the starts of two rows in `out`. Default `cols`. */
  outStride?: number;
}

function count(name: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 0)
    throw new RangeError(`${name} must be a non-negative integer, got ${v}`);
}

function need(name: string, a: { length: number }, n: number): void {
  if (a.length < n) throw new RangeError(`${name} has ${a.length} elements, needs at least ${n}`);
}

const span = (rows: number, cols: number, stride: number) =>
  rows === 0 || cols === 0 ? 0 : (rows - 1) * stride + cols;

/** out[r·outStride + c] = src[srcOffset + r·srcStride + c] − mean[c] for r < rows, c < cols, in float64. */
export function centre(
  src: ArrayLike<number>,
  mean: Float64Array,
  out: Float64Array,
  args: CentreArgs,
): void {
  const { rows, cols, srcOffset = 0, srcStride = cols, outStride = cols } = args;
  for (const [k, v] of Object.entries({ rows, cols, srcOffset, srcStride, outStride })) count(k, v);
  if (rows > 1 && (srcStride < cols || outStride < cols))
    throw new RangeError(
      `srcStride (${srcStride}) and outStride (${outStride}) must be at least cols (${cols})`,
    );
  if (rows * cols === 0) return;
  need('src', src, srcOffset + span(rows, cols, srcStride));
  need('mean', mean, cols);
  need('out', out, span(rows, cols, outStride));
  const native = addon();
  if (native && (src instanceof Float32Array || src instanceof Float64Array)) {
    native.centre(src, srcOffset, srcStride, rows, cols, mean, out, outStride);
    return;
  }
  for (let r = 0; r < rows; r++) {
    const s = srcOffset + r * srcStride;
    const o = r * outStride;
    for (let c = 0; c < cols; c++) out[o + c] = (src[s + c] as number) - (mean[c] as number);
  }
}

/** out[c] = Σ_r src[r·cols + c] over `rows` rows, accumulated in float64. */
export function columnSums(src: ArrayLike<number>, rows: number, cols: number, out: Float64Array): void {
  count('rows', rows);
  count('cols', cols);
  need('src', src, rows * cols);
  need('out', out, cols);
  const native = addon();
  if (native && (src instanceof Float32Array || src instanceof Float64Array)) {
    native.columnSums(src, rows, cols, out);
    return;
  }
  out.fill(0, 0, cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) out[c] = (out[c] as number) + (src[o + c] as number);
  }
}
