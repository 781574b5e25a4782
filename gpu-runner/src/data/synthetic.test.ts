import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it, test } from 'node:test';
import {
  NORMALIZATION_SAMPLE,
  SYNTHETIC_CLASSES,
  SYNTHETIC_DOMAINS,
  syntheticDataset,
  syntheticExample,
  syntheticNormalization,
} from './synthetic';
import { writePreview } from './synthetic/preview.test-helper';
import type { Batch } from './types';

async function first(it: AsyncIterable<Batch>): Promise<Batch> {
  for await (const b of it) return b;
  throw new Error('empty');
}

/** Mean absolute difference of two unit-range images. */
function distance(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

describe('synthetic multi-domain generator', () => {
  it('streams any size with balanced labels and the requested shape', async () => {
    for (const [side, channels] of [
      [32, 3],
      [28, 1],
    ] as const) {
      const d = syntheticDataset({ domain: 'sketch', trainSize: 1_000_000, testSize: 30, side, channels });
      assert.equal(d.train.size, 1_000_000);
      assert.deepEqual(d.info.shape, [side, side, channels]);
      assert.deepEqual(d.info.classes, [...SYNTHETIC_CLASSES]);
      const b = await first(d.test.batches(30));
      assert.equal(b.x.length, 30 * side * side * channels);
      assert.deepEqual([...b.y].slice(0, 12), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
      // standardised with the domain's statistics: [0, 1] maps to [−mean/std, (1 − mean)/std]
      const { mean, std } = syntheticNormalization('sketch', { side, channels });
      for (const v of b.x)
        assert.ok(v >= -mean / std - 1e-5 && v <= (1 - mean) / std + 1e-5, 'normalised (v − mean) / std');
    }
  });

  it('is deterministic by seed, and train and test differ', async () => {
    const a = syntheticDataset({ domain: 'photo', trainSize: 16, testSize: 16, dataSeed: 3 });
    const b = syntheticDataset({ domain: 'photo', trainSize: 16, testSize: 16, dataSeed: 3 });
    const c = syntheticDataset({ domain: 'photo', trainSize: 16, testSize: 16, dataSeed: 4 });
    const xa = (await first(a.train.batches(16))).x;
    assert.deepEqual(xa, (await first(b.train.batches(16))).x);
    assert.notDeepEqual(xa, (await first(c.train.batches(16))).x);
    assert.notDeepEqual(xa, (await first(a.test.batches(16))).x);
    // Shuffled order is a permutation of the same examples (each example depends only on its index).
    const shuffled = (await first(a.train.batches(16, { shuffle: true, seed: 1 }))).y;
    assert.deepEqual(
      [...shuffled].sort((p, q) => p - q),
      [...(await first(a.train.batches(16))).y].sort((p, q) => p - q),
    );
  });

  it('draws the classes differently from each other, and near domains are nearer than far ones', () => {
    const side = 32;
    const avg = (domain: (typeof SYNTHETIC_DOMAINS)[number], n: number) => {
      let s = 0;
      for (let i = 0; i < n; i++) {
        const { pixels } = syntheticExample(domain, 'test', i, { side });
        for (const v of pixels) s += v;
      }
      return s / (n * side * side * 3);
    };
    // Stroke domains are mostly white paper; the photo domain is mid-grey on average.
    assert.ok(avg('quickdraw', 20) > 0.85);
    assert.ok(avg('sketch', 20) > 0.8);
    assert.ok(avg('photo', 20) < 0.7);
    // Same example index = same shape and pose in every domain; quickdraw is closer to sketch than to photo.
    let near = 0;
    let far = 0;
    for (let i = 0; i < 20; i++) {
      const q = syntheticExample('quickdraw', 'train', i).pixels;
      near += distance(q, syntheticExample('sketch', 'train', i).pixels);
      far += distance(q, syntheticExample('photo', 'train', i).pixels);
    }
    assert.ok(near < far, `near ${near} < far ${far}`);
    let paintPhoto = 0;
    let paintQuick = 0;
    for (let i = 0; i < 20; i++) {
      const p = syntheticExample('painting', 'train', i).pixels;
      paintPhoto += distance(p, syntheticExample('photo', 'train', i).pixels);
      paintQuick += distance(p, syntheticExample('quickdraw', 'train', i).pixels);
    }
    assert.ok(
      paintPhoto < paintQuick,
      `painting nearer photo (${paintPhoto}) than quickdraw (${paintQuick})`,
    );
    // Two classes in the same pose differ; two poses of one class differ.
    const circle = syntheticExample('clipart', 'train', 0).pixels;
    assert.ok(distance(circle, syntheticExample('clipart', 'train', 1).pixels) > 0.02);
    assert.ok(distance(circle, syntheticExample('clipart', 'train', 10).pixels) > 0.02);
  });

  it('rejects an unknown domain, naming the choices', () => {
    assert.throws(
      () => syntheticDataset({ domain: 'oil' }),
      /unknown domain 'oil' \(expected one of photo, clipart, sketch, quickdraw, painting\)/,
    );
    assert.throws(
      () => syntheticDataset({ domain: 'photo', channels: 2 as 3 }),
      /channels must be 1 or 3, got 2/,
    );
  });

  it('writes a preview grid when BASIN_PREVIEW_DIR is set (for eyeballing)', {
    skip: !process.env.BASIN_PREVIEW_DIR,
  }, async () => {
    await writePreview(join(process.env.BASIN_PREVIEW_DIR!, 'synthetic-32.png'), 20, 32, 4);
  });
});

test('each domain is standardised with its own training statistics (quickdraw-like white paper too)', async () => {
  for (const domain of SYNTHETIC_DOMAINS) {
    for (const channels of [1, 3] as const) {
      const ds = syntheticDataset({
        domain,
        side: 16,
        channels,
        trainSize: NORMALIZATION_SAMPLE,
        testSize: 0,
      });
      let sum = 0;
      let sq = 0;
      let n = 0;
      for await (const b of ds.train.batches(64))
        for (const v of b.x) {
          sum += v;
          sq += v * v;
          n++;
        }
      const mean = sum / n;
      assert.ok(Math.abs(mean) < 1e-4, `${domain}/${channels}: mean ${mean}`);
      assert.ok(Math.abs(Math.sqrt(sq / n - mean * mean) - 1) < 1e-3, `${domain}/${channels}: std`);
    }
  }
  const q = syntheticNormalization('quickdraw', { side: 28, channels: 1 });
  assert.ok(q.mean > 0.8, `quickdraw is mostly white paper (mean ${q.mean})`);
});
