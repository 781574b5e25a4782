import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lazySplit } from './lazy';
import { memorySplit } from './memory';

describe('lazySplit', () => {
  const size = 10;
  const x = Float32Array.from({ length: size * 2 }, (_, i) => Math.floor(i / 2));
  const y = Int32Array.from({ length: size }, (_, i) => i);
  const lazy = lazySplit({
    size,
    exampleSize: 2,
    async fill(indices, bx, by) {
      indices.forEach((idx, r) => {
        bx.set(x.subarray(idx * 2, idx * 2 + 2), r * 2);
        by[r] = idx;
      });
    },
  });

  it('yields the same batches as an in-memory split, shuffled or not, with dropLast', async () => {
    const memory = memorySplit(x, y, 2);
    for (const options of [
      {},
      { shuffle: true, seed: 5 },
      { shuffle: true, seed: 5, dropLast: true },
      { shuffle: true, seed: 5, skipBatches: 1 },
    ]) {
      const a: number[][] = [];
      const b: number[][] = [];
      for await (const batch of lazy.batches(4, options)) a.push([...batch.y]);
      for await (const batch of memory.batches(4, options)) b.push([...batch.y]);
      assert.deepEqual(a, b);
    }
  });

  it('skips batches of the same order when resuming', async () => {
    const all: number[][] = [];
    const rest: number[][] = [];
    for await (const b of lazy.batches(3, { shuffle: true, seed: 1 })) all.push([...b.y]);
    for await (const b of lazy.batches(3, { shuffle: true, seed: 1, skipBatches: 2 })) rest.push([...b.y]);
    assert.deepEqual(rest, all.slice(2));
  });

  it('rejects a bad batch size and surfaces a failing example', async () => {
    await assert.rejects(async () => {
      for await (const _ of lazy.batches(0)) break;
    }, /batchSize must be a positive integer, got 0/);
    const failing = lazySplit({
      size: 3,
      exampleSize: 1,
      fill(indices) {
        if (indices.includes(2)) throw new Error('example 2 is broken');
      },
    });
    const seen: number[] = [];
    await assert.rejects(async () => {
      for await (const b of failing.batches(2)) seen.push(b.n);
    }, /example 2 is broken/);
    assert.deepEqual(seen, [2]);
  });
});
