import type { Batch, BatchOptions, DataSplit, Dataset, DatasetInfo } from './types';

/** Deterministic PRNG (mulberry32): example order must be reproducible from a run's seed on every backend. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates permutation of 0..n-1 drawn from `seed`. */
export function permutation(n: number, seed: number): Int32Array {
  const rand = mulberry32(seed);
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

/**
 * A split held in memory: `x` is n·h·w·c NHWC floats, `y` n labels (or n·k for multilabel).
 * `labelWidth` is 1 for multiclass, k for multilabel.
 */
export function memorySplit(
  x: Float32Array,
  y: Int32Array | Float32Array,
  exampleSize: number,
  labelWidth = 1,
): DataSplit {
  const size = x.length / exampleSize;
  if (!Number.isInteger(size))
    throw new Error(`memorySplit: ${x.length} values is not a multiple of ${exampleSize}`);
  if (y.length !== size * labelWidth)
    throw new Error(`memorySplit: ${y.length} labels for ${size} examples × ${labelWidth}`);
  return {
    size,
    async *batches(batchSize: number, options: BatchOptions = {}): AsyncIterable<Batch> {
      if (!Number.isInteger(batchSize) || batchSize < 1)
        throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
      const skip = options.skipBatches ?? 0;
      if (!Number.isInteger(skip) || skip < 0)
        throw new Error(`skipBatches must be a non-negative integer, got ${skip}`);
      const order = options.shuffle ? permutation(size, options.seed ?? 0) : null;
      for (let start = skip * batchSize; start < size; start += batchSize) {
        const n = Math.min(batchSize, size - start);
        if (n < batchSize && options.dropLast) return;
        if (!order) {
          yield {
            x: x.subarray(start * exampleSize, (start + n) * exampleSize),
            y: y.subarray(start * labelWidth, (start + n) * labelWidth),
            n,
          };
          continue;
        }
        const bx = new Float32Array(n * exampleSize);
        const by =
          y instanceof Int32Array ? new Int32Array(n * labelWidth) : new Float32Array(n * labelWidth);
        for (let i = 0; i < n; i++) {
          const src = order[start + i]!;
          bx.set(x.subarray(src * exampleSize, (src + 1) * exampleSize), i * exampleSize);
          by.set(y.subarray(src * labelWidth, (src + 1) * labelWidth), i * labelWidth);
        }
        yield { x: bx, y: by, n };
      }
    },
  };
}

/** A whole dataset from in-memory arrays (tests, generated data, small real sets). */
export function memoryDataset(
  info: DatasetInfo,
  train: { x: Float32Array; y: Int32Array | Float32Array },
  test: { x: Float32Array; y: Int32Array | Float32Array },
): Dataset {
  const [h, w, c] = info.shape;
  const labelWidth = info.task === 'MULTILABEL' ? info.classes.length : 1;
  return {
    info,
    train: memorySplit(train.x, train.y, h * w * c, labelWidth),
    test: memorySplit(test.x, test.y, h * w * c, labelWidth),
  };
}
