import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempDir, writeImage } from './fixtures.test-helper';
import { datasetAvailable, datasetUnavailableReason, openDataset } from './registry';

const tmp = tempDir('registry');
after(tmp.cleanup);

before(async () => {
  for (const split of ['train', 'test']) await writeImage(join(tmp.dir, split, 'only', 'a.png'), [9, 9, 9]);
});

describe('openDataset', () => {
  it('opens each in-process kind with the spec applied', async () => {
    const m = await openDataset({ kind: 'MNIST', trainSize: 50, testSize: 20, side: 32, channels: 3 });
    assert.deepEqual([m.info.kind, m.info.trainSize, m.info.testSize], ['MNIST', 50, 20]);
    assert.deepEqual(m.info.shape, [32, 32, 3]);
    const s = await openDataset({
      kind: 'SYNTHETIC_DOMAIN',
      domain: 'clipart',
      trainSize: 10,
      testSize: 5,
      side: 28,
      channels: 1,
    });
    assert.deepEqual(s.info.shape, [28, 28, 1]);
    assert.equal(s.info.domain, 'clipart');
    const f = await openDataset({ kind: 'IMAGE_FOLDER', root: tmp.dir, side: 8 });
    assert.deepEqual(f.info.classes, ['only']);
  });

  it('block-shuffles with the run seed, and rejects a block size that does not divide the side', async () => {
    const plain = await openDataset({ kind: 'SYNTHETIC_DOMAIN', domain: 'photo', trainSize: 2, testSize: 2 });
    const shuffled = await openDataset({
      kind: 'SYNTHETIC_DOMAIN',
      domain: 'photo',
      trainSize: 2,
      testSize: 2,
      blockSize: 8,
      seed: 1,
    });
    assert.match(shuffled.info.name, /block shuffle 8, seed 1/);
    const a: Float32Array[] = [];
    for (const d of [plain, shuffled]) for await (const b of d.train.batches(2)) a.push(b.x);
    assert.notDeepEqual(a[0], a[1]);
    assert.deepEqual(
      [...a[0]!].sort((p, q) => p - q),
      [...a[1]!].sort((p, q) => p - q),
    );
    await assert.rejects(
      openDataset({ kind: 'MNIST', trainSize: 1, testSize: 1, blockSize: 5 }),
      /block size 5 does not divide the image height 28/,
    );
  });

  it('gives clear errors for an unknown kind, a missing domain or root', async () => {
    await assert.rejects(
      openDataset({ kind: 'CIFAR' }),
      /unknown dataset kind 'CIFAR' \(expected one of MNIST, FASHION_MNIST/,
    );
    await assert.rejects(
      openDataset({ kind: 'SYNTHETIC_DOMAIN' }),
      /needs a domain \(one of photo, clipart, sketch, quickdraw, painting\)/,
    );
    await assert.rejects(openDataset({ kind: 'SYNTHETIC_DOMAIN', domain: 'real' }), /unknown domain 'real'/);
    await assert.rejects(openDataset({ kind: 'CHEXPERT' }), /CHEXPERT is read from disk and needs a root/);
    await assert.rejects(
      openDataset({ kind: 'DOMAINNET', root: '/no/such/dir', domain: 'real' }),
      /root \/no\/such\/dir does not exist/,
    );
  });
});

describe('datasetAvailable', () => {
  it('says what this machine can serve, and why not', async () => {
    assert.equal(await datasetAvailable({ kind: 'MNIST' }), true);
    assert.equal(await datasetAvailable({ kind: 'FASHION_MNIST' }), true);
    assert.equal(await datasetAvailable({ kind: 'SYNTHETIC_DOMAIN', domain: 'sketch' }), true);
    assert.equal(await datasetAvailable({ kind: 'IMAGE_FOLDER', root: tmp.dir }), true);
    assert.equal(await datasetAvailable({ kind: 'DOMAINNET', root: tmp.dir, domain: 'real' }), false);
    assert.match(
      (await datasetUnavailableReason({ kind: 'DOMAINNET', root: tmp.dir, domain: 'real' }))!,
      /lacks real, real_train\.txt, real_test\.txt/,
    );
    assert.match(
      (await datasetUnavailableReason({ kind: 'CHEXPERT', root: tmp.dir }))!,
      /lacks train\.csv, valid\.csv/,
    );
    assert.match((await datasetUnavailableReason({ kind: 'CHEXPERT' }))!, /needs a root/);
    assert.match((await datasetUnavailableReason({ kind: 'NOPE' }))!, /unknown dataset kind/);
  });
});
