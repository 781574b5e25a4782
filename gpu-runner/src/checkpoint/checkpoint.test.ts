import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readCheckpoint } from '@basin/analysis';
import { initBackend, shutdownBackend } from '../backend/backend';
import { ResNet, WeightShapeError } from '../model/resnet';
import { resnetSpec } from '../model/spec';
import { finetune } from '../train/runs';
import { stripesDataset } from '../train/test-data';
import { applyCheckpoint, loadCheckpoint, modelFromCheckpoint, saveCheckpoint, sha256 } from './checkpoint';
import { loadMomentum, momentumPath, saveMomentum } from './resume';

describe('checkpoints', () => {
  let dir: string;
  before(async () => {
    await initBackend({ backend: process.env.BASIN_BACKEND ?? 'wasm' });
    dir = await mkdtemp(join(tmpdir(), 'basin-ckpt-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
    await shutdownBackend();
  });

  it('writes the Basin format and reads back the same model', async () => {
    const spec = resnetSpec([8, 8, 1], 3, { depth: 8, width: 4 });
    const m = ResNet.create(spec, { seed: 7 });
    const path = join(dir, 'a.safetensors');
    const file = await saveCheckpoint(m, path, {
      step: 12,
      epoch: 3,
      metrics: { 'test/acc': 0.5 },
      extra: { run: 'r1' },
    });
    const bytes = new Uint8Array(await readFile(path));
    assert.equal(file.sha256, sha256(bytes));
    assert.equal(file.bytes, bytes.length);
    const raw = readCheckpoint(bytes, path);
    assert.deepEqual(
      raw.modules.map((x) => x.name),
      m.moduleNames,
    );
    assert.equal(raw.modules[1]!.params[1]!.name, 'layer1.0.conv1.weight');
    assert.deepEqual(raw.metadata.model, spec);
    assert.equal(raw.metadata.step, 12);
    assert.equal(raw.metadata.epoch, 3);
    assert.equal(raw.metadata.extra.run, 'r1');
    assert.deepEqual(JSON.parse(raw.metadata.extra['basin.metrics']!), { 'test/acc': 0.5 });
    const back = modelFromCheckpoint(await loadCheckpoint(path));
    assert.deepEqual(back.spec, spec);
    assert.deepEqual(back.flatten(), m.flatten());
    m.dispose();
    back.dispose();
  });

  it('names the module, parameter and both shapes when a checkpoint does not fit', async () => {
    const path = join(dir, 'w4.safetensors');
    const narrow = ResNet.create(resnetSpec([8, 8, 1], 3, { depth: 8, width: 4 }));
    await saveCheckpoint(narrow, path);
    const wide = ResNet.create(resnetSpec([8, 8, 1], 3, { depth: 8, width: 6 }));
    const before = wide.flatten();
    const loaded = await loadCheckpoint(path);
    assert.throws(
      () => applyCheckpoint(wide, loaded.checkpoint, { source: path }),
      (e: Error) =>
        e instanceof WeightShapeError &&
        e.message.includes(path) &&
        /module 'conv1' parameter 'conv1\.weight' has shape \[3, 3, 1, 4\] in the checkpoint but \[3, 3, 1, 6\]/.test(
          e.message,
        ),
    );
    assert.deepEqual(wide.flatten(), before);
    const deeper = ResNet.create(resnetSpec([8, 8, 1], 3, { depth: 14, width: 4 }));
    assert.throws(() => applyCheckpoint(deeper, loaded.checkpoint), /has no module 'layer1\.1'/);
    await writeFile(join(dir, 'junk.safetensors'), new Uint8Array([1, 2, 3]));
    await assert.rejects(loadCheckpoint(join(dir, 'junk.safetensors')), /junk\.safetensors/);
    for (const m of [narrow, wide, deeper]) m.dispose();
  });

  it('saves and restores momentum beside a checkpoint', async () => {
    const m = ResNet.create(resnetSpec([8, 8, 1], 2, { depth: 8, width: 4 }));
    const path = join(dir, 'm.safetensors');
    const momentum = new Map([['fc.bias', { shape: [2], data: Float32Array.from([1, 2]) }]]);
    await saveMomentum(m, path, momentum, { step: 5, epoch: 1 });
    assert.equal(momentumPath(path), join(dir, 'm.momentum.safetensors'));
    const back = await loadMomentum(path);
    assert.equal(back?.step, 5);
    assert.deepEqual([...back!.momentum.get('fc.bias')!.data], [1, 2]);
    assert.equal(await loadMomentum(join(dir, 'none.safetensors')), null);
    m.dispose();
  });

  it('fine-tunes from a checkpoint, re-initialising the head when the classes differ', async () => {
    const src = ResNet.create(resnetSpec([12, 12, 1], 5, { depth: 8, width: 4 }), { seed: 1 });
    const path = join(dir, 'src.safetensors');
    const file = await saveCheckpoint(src, path);
    const data = stripesDataset({ classes: 3, trainSize: 16, testSize: 16 });
    const out = await finetune(data, { init: { checkpoint: path }, epochs: 0 });
    assert.equal(out.headReinitialised, true);
    assert.equal(out.initCheckpoint, file.sha256);
    assert.deepEqual(out.model.getModuleWeights('fc').get('weight')!.shape, [16, 3]);
    for (const name of src.moduleNames.filter((n) => n !== 'fc'))
      assert.deepEqual(out.model.flatten(name), src.flatten(name), name);
    const same = await finetune(stripesDataset({ classes: 5, trainSize: 16 }), {
      init: { checkpoint: path },
      epochs: 0,
    });
    assert.equal(same.headReinitialised, false);
    assert.deepEqual(same.model.flatten(), src.flatten());
    const fresh = await finetune(stripesDataset({ classes: 5, trainSize: 16 }), {
      init: { checkpoint: path },
      epochs: 0,
      reinitHead: true,
    });
    assert.equal(fresh.headReinitialised, true);
    assert.deepEqual(fresh.model.flatten('layer3.0'), src.flatten('layer3.0'));
    assert.ok(fresh.model.flatten('fc').every((v) => v === 0)); // Fixup's head starts at zero
    await assert.rejects(
      finetune(stripesDataset({ shape: [10, 10, 1] }), { init: { checkpoint: path }, epochs: 1 }),
      /takes 12×12×1 images but dataset stripes-4 has 10×10×1/,
    );
    for (const m of [src, out.model, same.model, fresh.model]) m.dispose();
  });
});
