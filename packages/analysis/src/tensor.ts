/** Plain numeric arrays and N-D tensors as the analyses take them. */

/** Any typed array whose elements are JS numbers. */
export type NumericArray =
  | Float64Array
  | Float32Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray;

/** A row-major N-D array: `data.length` equals the product of `shape`. */
export interface Tensor {
  data: NumericArray;
  shape: readonly number[];
}

/** Bad input to an analysis (shape, size, NaN…); the message names the input and the problem. */
export class AnalysisInputError extends Error {
  override name = 'AnalysisInputError';
}

/** Product of the dimensions (1 for a scalar). */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/**
 * Views an `(n, …)` tensor as an n × d matrix (d = product of the trailing dimensions).
 *
 * @param name - Names the input in errors (e.g. a file path).
 * @throws {@link AnalysisInputError} for a 0-D tensor or a data length that does not match the shape.
 */
export function asRows(t: Tensor, name: string): { n: number; d: number } {
  if (t.shape.length === 0) throw new AnalysisInputError(`${name}: expected an (n, …) array, got a scalar`);
  const n = t.shape[0]!;
  const d = sizeOf(t.shape.slice(1));
  if (t.data.length !== n * d) {
    throw new AnalysisInputError(
      `${name}: shape [${t.shape.join(', ')}] needs ${n * d} values but the data has ${t.data.length}`,
    );
  }
  return { n, d };
}
