import { permutation } from './memory';
import type { Batch, BatchOptions, DataSplit } from './types';

/** How a lazy split produces examples: fill the rows of one batch, given the example indices. */
export interface LazySplitSource {
  /** Examples in the split. */
  size: number;
  /** Values per example (h·w·c). */
  exampleSize: number;
  /** Label values per example: 1 for multiclass, k for multilabel. Default 1. */
  labelWidth?: number;
  /** 'int' for class indices (Int32Array), 'float' for 0/1 label vectors (Float32Array). Default 'int'. */
  labelType?: 'int' | 'float';
  /**
   * Writes example `indices[r]` into row `r` of `x` (exampleSize values) and `y` (labelWidth values).
   * May be async (disk); it is called for one batch at a time, with the next one prefetched.
   */
  fill(indices: Int32Array, x: Float32Array, y: Int32Array | Float32Array): void | Promise<void>;
}

/**
 * A split whose examples are produced on demand, batch by batch, so any size streams without being held in
 * memory. While the consumer works on batch k, batch k+1 is already being produced (one batch of prefetch).
 */
export function lazySplit(source: LazySplitSource): DataSplit {
  const { size, exampleSize } = source;
  const labelWidth = source.labelWidth ?? 1;
  const makeBatch = async (indices: Int32Array): Promise<Batch> => {
    const n = indices.length;
    const x = new Float32Array(n * exampleSize);
    const y =
      source.labelType === 'float' ? new Float32Array(n * labelWidth) : new Int32Array(n * labelWidth);
    await source.fill(indices, x, y);
    return { x, y, n };
  };
  return {
    size,
    async *batches(batchSize: number, options: BatchOptions = {}): AsyncIterable<Batch> {
      if (!Number.isInteger(batchSize) || batchSize < 1)
        throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
      const skip = options.skipBatches ?? 0;
      if (!Number.isInteger(skip) || skip < 0)
        throw new Error(`skipBatches must be a non-negative integer, got ${skip}`);
      const order = options.shuffle ? permutation(size, options.seed ?? 0) : null;
      const starts: number[] = [];
      for (let s = skip * batchSize; s < size; s += batchSize) {
        if (size - s < batchSize && options.dropLast) break;
        starts.push(s);
      }
      const indicesAt = (start: number): Int32Array => {
        const n = Math.min(batchSize, size - start);
        if (order) return order.slice(start, start + n);
        const idx = new Int32Array(n);
        for (let i = 0; i < n; i++) idx[i] = start + i;
        return idx;
      };
      let next: Promise<Batch> | null = starts.length > 0 ? makeBatch(indicesAt(starts[0]!)) : null;
      for (let k = 0; k < starts.length; k++) {
        const current = next!;
        next = k + 1 < starts.length ? makeBatch(indicesAt(starts[k + 1]!)) : null;
        // Keep a rejected prefetch from surfacing as an unhandled rejection if the consumer stops early.
        next?.catch(() => {});
        yield await current;
      }
    },
  };
}
