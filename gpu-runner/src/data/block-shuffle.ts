import { permutation } from './memory';
import type { Batch, BatchOptions, DataSplit, Dataset } from './types';

/** Divisors of n, for error messages. */
function divisors(n: number): number[] {
  const out: number[] = [];
  for (let d = 1; d <= n; d++) if (n % d === 0) out.push(d);
  return out;
}

/**
 * The gather map of a block shuffle (DESIGN.md §4) for images of shape [h, w, c]: output value `i` is input
 * value `map[i]`.
 *
 * @remarks The image is cut into non-overlapping b×b blocks (all channels move together) and the blocks are
 * permuted with ONE permutation drawn from `seed` (`permutation(blocks, seed)`: output block j shows input
 * block p[j], blocks numbered row-major). `blockSize` must divide h and w; b = h = w is the identity;
 * `blockSize` 0 is the "*" pixel shuffle, permuting every one of the h·w·c values.
 */
export function blockShuffleMap(
  shape: [number, number, number],
  blockSize: number,
  seed: number,
): Int32Array {
  const [h, w, c] = shape;
  if (!Number.isInteger(blockSize) || blockSize < 0)
    throw new Error(`block size must be a non-negative integer (0 = pixel shuffle "*"), got ${blockSize}`);
  if (blockSize === 0) return permutation(h * w * c, seed);
  for (const [name, side] of [
    ['height', h],
    ['width', w],
  ] as const) {
    if (side % blockSize !== 0)
      throw new Error(
        `block size ${blockSize} does not divide the image ${name} ${side} (use one of ${divisors(side).join(', ')}, or 0 for "*")`,
      );
  }
  const bh = h / blockSize;
  const bw = w / blockSize;
  const p = permutation(bh * bw, seed);
  const map = new Int32Array(h * w * c);
  for (let j = 0; j < bh * bw; j++) {
    const src = p[j]!;
    const oy = Math.floor(j / bw) * blockSize;
    const ox = (j % bw) * blockSize;
    const sy = Math.floor(src / bw) * blockSize;
    const sx = (src % bw) * blockSize;
    for (let dy = 0; dy < blockSize; dy++)
      for (let dx = 0; dx < blockSize; dx++) {
        const o = ((oy + dy) * w + ox + dx) * c;
        const s = ((sy + dy) * w + sx + dx) * c;
        for (let k = 0; k < c; k++) map[o + k] = s + k;
      }
  }
  return map;
}

/** Applies a gather map to every example of `x` (n·exampleSize values), returning new values. */
export function applyShuffleMap(x: Float32Array, map: Int32Array): Float32Array {
  const size = map.length;
  if (x.length % size !== 0)
    throw new Error(`applyShuffleMap: ${x.length} values is not a multiple of ${size}`);
  const out = new Float32Array(x.length);
  for (let base = 0; base < x.length; base += size)
    for (let i = 0; i < size; i++) out[base + i] = x[base + map[i]!]!;
  return out;
}

function shuffledSplit(split: DataSplit, map: Int32Array): DataSplit {
  return {
    size: split.size,
    async *batches(batchSize: number, options?: BatchOptions): AsyncIterable<Batch> {
      for await (const b of split.batches(batchSize, options)) yield { ...b, x: applyShuffleMap(b.x, map) };
    },
  };
}

/**
 * Wraps a dataset so every train and test image is block-shuffled with the same permutation, drawn from the
 * run's `seed`. `blockSize` null or undefined leaves the dataset as is; 0 is the "*" pixel shuffle; a size
 * that does not divide the image side throws, naming both. See {@link blockShuffleMap}.
 */
export function blockShuffled(dataset: Dataset, blockSize: number | null | undefined, seed: number): Dataset {
  if (blockSize === null || blockSize === undefined) return dataset;
  const map = blockShuffleMap(dataset.info.shape, blockSize, seed);
  const label = blockSize === 0 ? 'pixel shuffle *' : `block shuffle ${blockSize}`;
  return {
    info: { ...dataset.info, name: `${dataset.info.name} (${label}, seed ${seed})` },
    train: shuffledSplit(dataset.train, map),
    test: shuffledSplit(dataset.test, map),
  };
}
