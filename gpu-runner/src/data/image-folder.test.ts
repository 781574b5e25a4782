import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempDir, writeImage, writeText } from './fixtures.test-helper';
import { imageFolderDataset } from './image-folder';

const tmp = tempDir('imagefolder');
after(tmp.cleanup);
const root = tmp.dir;

before(async () => {
  for (const [split, n] of [
    ['train', 3],
    ['test', 1],
  ] as const)
    for (const [k, cls] of ['dog', 'cat'].entries())
      for (let i = 0; i < n; i++)
        await writeImage(join(root, split, cls, `${i}.${i % 2 ? 'jpg' : 'png'}`), [k * 200]);
  writeText(join(root, 'train', 'cat', 'notes.txt'), 'ignored');
});

describe('ImageFolder loader', () => {
  it('labels by sorted folder name and streams RGB batches', async () => {
    const d = await imageFolderDataset({ root, side: 4, normalization: { mean: [0], std: [1] } });
    assert.deepEqual(d.info.classes, ['cat', 'dog']);
    assert.equal(d.info.trainSize, 6);
    assert.equal(d.info.testSize, 2);
    assert.deepEqual(d.info.shape, [4, 4, 3]);
    const seen: number[] = [];
    for await (const b of d.train.batches(4, { shuffle: true, seed: 2 }))
      for (let r = 0; r < b.n; r++) {
        seen.push(b.y[r]!);
        // cat was written with gray 200, dog with 0.
        assert.ok(Math.abs(b.x[r * 48]! - (b.y[r] === 0 ? 200 / 255 : 0)) < 0.02);
      }
    assert.deepEqual(seen.sort(), [0, 0, 0, 1, 1, 1]);
  });

  it('rejects a test class that train does not have', async () => {
    await writeImage(join(root, 'test', 'emu', '0.png'), [1]);
    await assert.rejects(imageFolderDataset({ root }), /test\/emu is a class not present in train\//);
  });
});
