import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyShuffleMap, blockShuffled, blockShuffleMap } from './block-shuffle';
import { memoryDataset } from './memory';
import type { Dataset } from './types';

/** An image whose value encodes (row, col, channel), so where each value went can be read back. */
function coded(h: number, w: number, c: number): Float32Array {
  const x = new Float32Array(h * w * c);
  for (let r = 0; r < h; r++)
    for (let q = 0; q < w; q++) for (let k = 0; k < c; k++) x[(r * w + q) * c + k] = r * 1000 + q * 10 + k;
  return x;
}

describe('block shuffle', () => {
  it('moves whole b×b blocks with all channels, each block exactly once', () => {
    const [h, w, c, b] = [8, 8, 3, 2];
    const out = applyShuffleMap(coded(h, w, c), blockShuffleMap([h, w, c], b, 42));
    const seen = new Set<string>();
    for (let by = 0; by < h / b; by++)
      for (let bx = 0; bx < w / b; bx++) {
        const at = (dy: number, dx: number, k: number) => out[((by * b + dy) * w + bx * b + dx) * c + k]!;
        const r0 = Math.floor(at(0, 0, 0) / 1000);
        const q0 = Math.floor((at(0, 0, 0) % 1000) / 10);
        assert.equal(r0 % b, 0, 'blocks stay aligned to the grid');
        assert.equal(q0 % b, 0);
        for (let dy = 0; dy < b; dy++)
          for (let dx = 0; dx < b; dx++)
            for (let k = 0; k < c; k++) assert.equal(at(dy, dx, k), (r0 + dy) * 1000 + (q0 + dx) * 10 + k);
        seen.add(`${r0},${q0}`);
      }
    assert.equal(seen.size, (h / b) * (w / b), 'a permutation of the blocks');
  });

  it('is the identity when b equals the side, and differs from it otherwise', () => {
    const x = coded(28, 28, 1);
    assert.deepEqual(applyShuffleMap(x, blockShuffleMap([28, 28, 1], 28, 5)), x);
    assert.notDeepEqual(applyShuffleMap(x, blockShuffleMap([28, 28, 1], 7, 5)), x);
  });

  it('preserves the pixel histogram, including the pixel shuffle "*"', () => {
    const x = coded(4, 4, 3);
    for (const b of [0, 1, 2, 4]) {
      const out = applyShuffleMap(x, blockShuffleMap([4, 4, 3], b, 9));
      assert.deepEqual(
        [...out].sort((p, q) => p - q),
        [...x].sort((p, q) => p - q),
      );
    }
    // "*" moves values across channels too: channel 0 no longer holds only k = 0 values.
    const star = applyShuffleMap(x, blockShuffleMap([4, 4, 3], 0, 9));
    assert.ok([0, 3, 6, 9, 12].some((i) => star[i]! % 10 !== 0));
  });

  it('same seed, same permutation; different seeds differ', () => {
    assert.deepEqual(blockShuffleMap([32, 32, 3], 4, 1), blockShuffleMap([32, 32, 3], 4, 1));
    assert.notDeepEqual(blockShuffleMap([32, 32, 3], 4, 1), blockShuffleMap([32, 32, 3], 4, 2));
    assert.notDeepEqual(blockShuffleMap([32, 32, 3], 0, 1), blockShuffleMap([32, 32, 3], 0, 2));
  });

  it('rejects a block size that does not divide the side, naming both', () => {
    assert.throws(
      () => blockShuffleMap([28, 28, 1], 5, 0),
      /block size 5 does not divide the image height 28 \(use one of 1, 2, 4, 7, 14, 28/,
    );
    assert.throws(() => blockShuffleMap([28, 28, 1], -1, 0), /non-negative integer/);
  });

  it('wraps a dataset: one permutation for every train and test image', async () => {
    const shape: [number, number, number] = [4, 4, 1];
    const img = coded(4, 4, 1);
    const two = new Float32Array([...img, ...img]);
    const base: Dataset = memoryDataset(
      {
        kind: 'MNIST',
        name: 'toy',
        domain: null,
        task: 'MULTICLASS',
        classes: ['a', 'b'],
        shape,
        trainSize: 2,
        testSize: 2,
      },
      { x: two, y: new Int32Array([0, 1]) },
      { x: two.slice(), y: new Int32Array([1, 0]) },
    );
    const d = blockShuffled(base, 2, 3);
    assert.match(d.info.name, /block shuffle 2, seed 3/);
    const got: Float32Array[] = [];
    for (const split of [d.train, d.test])
      for await (const b of split.batches(1, { shuffle: true, seed: 4 })) got.push(b.x);
    assert.equal(got.length, 4);
    assert.notDeepEqual(got[0], img);
    for (const x of got) assert.deepEqual(x, got[0]);
    assert.equal(blockShuffled(base, null, 3), base);
  });
});
