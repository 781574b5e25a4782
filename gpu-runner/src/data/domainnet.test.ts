import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { domainNetDataset } from './domainnet';
import { tempDir, writeImage, writeText } from './fixtures.test-helper';
import type { Batch, DataSplit } from './types';

const tmp = tempDir('domainnet');
after(tmp.cleanup);
const root = tmp.dir;
// Alphabetical classes, as DomainNet numbers them; each class is one solid colour.
const CLASSES = ['apple', 'bee', 'cat'];
const COLORS = [
  [255, 0, 0],
  [0, 255, 0],
  [0, 0, 255],
];

async function collect(split: DataSplit, batchSize = 4): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of split.batches(batchSize)) out.push(b);
  return out;
}

before(async () => {
  const train: string[] = [];
  const test: string[] = [];
  for (const [k, cls] of CLASSES.entries()) {
    for (let i = 0; i < 3; i++) {
      const path = `clipart/${cls}/clipart_${k}_${i}.${i % 2 ? 'png' : 'jpg'}`;
      await writeImage(join(root, path), COLORS[k]!, { width: 20 + i, height: 16 });
      (i < 2 ? train : test).push(`${path} ${k}`);
    }
  }
  writeText(join(root, 'clipart_train.txt'), `${train.join('\n')}\n`);
  writeText(join(root, 'clipart_test.txt'), `${test.join('\r\n')}\r\n`);
});

describe('DomainNet loader', () => {
  it('reads the published layout: alphabetical classes, RGB, resized and normalised', async () => {
    const d = await domainNetDataset({
      root,
      domain: 'clipart',
      side: 8,
      normalization: { mean: [0.5], std: [0.5] },
    });
    assert.deepEqual(d.info.classes, CLASSES);
    assert.deepEqual(d.info.shape, [8, 8, 3]);
    assert.equal(d.info.domain, 'clipart');
    assert.equal(d.info.trainSize, 6);
    assert.equal(d.info.testSize, 3);
    const batches = await collect(d.train);
    assert.deepEqual(
      batches.map((b) => b.n),
      [4, 2],
    );
    for (const b of batches)
      for (let r = 0; r < b.n; r++) {
        const label = b.y[r]!;
        const px = [...b.x.subarray(r * 192, r * 192 + 3)].map((v) => Math.round(v));
        assert.deepEqual(
          px,
          COLORS[label]!.map((c) => (c > 0 ? 1 : -1)),
          `class ${label} colour`,
        );
      }
  });

  it('draws subsets by seed and serves the same values from its cache and from disk', async () => {
    const a = await domainNetDataset({ root, domain: 'clipart', side: 6, trainSize: 3, dataSeed: 1 });
    const b = await domainNetDataset({
      root,
      domain: 'clipart',
      side: 6,
      trainSize: 3,
      dataSeed: 1,
      cacheBytes: 0,
    });
    const [xa] = await collect(a.train, 3);
    const [xb] = await collect(b.train, 3);
    assert.deepEqual(xa!.x, xb!.x);
    const [again] = await collect(a.train, 3);
    assert.deepEqual(again!.x, xa!.x, 'second epoch from the cache');
    await assert.rejects(
      domainNetDataset({ root, domain: 'clipart', trainSize: 7 }),
      /requested 7 examples but 6/,
    );
  });

  it('names the file, line and value of a bad label', async () => {
    writeText(
      join(root, 'bad_train.txt'),
      'clipart/apple/clipart_0_0.jpg 0\nclipart/bee/clipart_1_0.jpg 7\n',
    );
    writeText(join(root, 'bad_test.txt'), '');
    const open = (domain: string) => domainNetDataset({ root, domain });
    writeText(join(root, 'bad', 'apple', '.keep'), '');
    writeText(join(root, 'bad', 'bee', '.keep'), '');
    writeText(join(root, 'bad', 'cat', '.keep'), '');
    await assert.rejects(open('bad'), /bad_train\.txt line 2: label '7' is outside the class range 0\.\.2/);
    writeText(join(root, 'bad_train.txt'), 'clipart/apple/clipart_0_0.jpg 1\n');
    await assert.rejects(
      open('bad'),
      /line 1: label 1 is class 'bee' \(alphabetical\), but the path is in 'apple'/,
    );
    writeText(join(root, 'bad_train.txt'), 'clipart/apple/clipart_0_0.jpg\n');
    await assert.rejects(
      open('bad'),
      /line 1: expected 'path label', got 'clipart\/apple\/clipart_0_0\.jpg'/,
    );
  });

  it('names a missing image before training and a corrupt one when it is read', async () => {
    writeText(join(root, 'gone_train.txt'), 'clipart/apple/clipart_0_0.jpg 0\nclipart/bee/missing.jpg 1\n');
    writeText(join(root, 'gone_test.txt'), '');
    writeText(join(root, 'gone', 'apple', '.keep'), '');
    writeText(join(root, 'gone', 'bee', '.keep'), '');
    writeText(join(root, 'gone', 'cat', '.keep'), '');
    await assert.rejects(
      domainNetDataset({ root, domain: 'gone' }),
      /image not found: .*clipart\/bee\/missing\.jpg \(gone_train\.txt line 2\)/,
    );
    writeText(join(root, 'clipart/bee/broken.jpg'), 'garbage');
    writeText(join(root, 'gone_train.txt'), 'clipart/apple/clipart_0_0.jpg 0\nclipart/bee/broken.jpg 1\n');
    const d = await domainNetDataset({ root, domain: 'gone' });
    await assert.rejects(collect(d.train), /cannot decode image: .*broken\.jpg \(gone_train\.txt line 2\)/);
  });

  it('says which root or domain is missing', async () => {
    await assert.rejects(
      domainNetDataset({ root: join(root, 'nope'), domain: 'clipart' }),
      /root .*nope does not exist/,
    );
    await assert.rejects(domainNetDataset({ root, domain: 'real' }), /no real_train\.txt in/);
  });
});
