import { permutation } from './memory';

/**
 * Mixes a seed with further integers into one 32-bit seed (murmur3-style finaliser), so that
 * example `i` of split `s` gets its own reproducible random stream without drawing 0..i-1 first.
 */
export function mixSeed(seed: number, ...parts: number[]): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b) >>> 0;
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** Train and test example indices into a pool of `total` examples. */
export interface SubsetIndices {
  train: Int32Array;
  test: Int32Array;
}

/**
 * Splits a pool of `total` examples into disjoint train and test subsets.
 *
 * @remarks The test subset depends only on `testSize` (a fixed order, seed 0x7e57), so every run on a
 * dataset is evaluated on the same examples, whatever its data seed; the train subset is drawn from the
 * remaining examples by `dataSeed`. Throws when the pool is too small, naming the sizes.
 */
export function splitPool(
  total: number,
  trainSize: number,
  testSize: number,
  dataSeed: number,
  what: string,
): SubsetIndices {
  for (const [name, v] of [
    ['trainSize', trainSize],
    ['testSize', testSize],
  ] as const) {
    if (!Number.isInteger(v) || v < 0)
      throw new Error(`${what}: ${name} must be a non-negative integer, got ${v}`);
  }
  if (trainSize + testSize > total)
    throw new Error(
      `${what}: trainSize ${trainSize} + testSize ${testSize} = ${trainSize + testSize} exceeds the ${total} examples available`,
    );
  const fixed = permutation(total, 0x7e57);
  const test = fixed.slice(0, testSize);
  const rest = fixed.subarray(testSize);
  const pick = permutation(rest.length, dataSeed);
  const train = new Int32Array(trainSize);
  for (let i = 0; i < trainSize; i++) train[i] = rest[pick[i]!]!;
  return { train, test };
}
