import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { initBackend, shutdownBackend } from '../backend/backend';
import { ResNet } from '../model/resnet';
import { resnetSpec } from '../model/spec';
import { stripesDataset } from './test-data';
import { trainModel } from './trainer';

/** Trains a tiny model for a few steps on `backend` and returns its weights. */
async function trainOn(backend: string, seed: number): Promise<Float32Array> {
  await initBackend({ backend });
  const model = ResNet.create(resnetSpec([8, 8, 1], 3, { depth: 8, width: 4 }), { seed });
  await trainModel(model, stripesDataset({ shape: [8, 8, 1], classes: 3, trainSize: 24 }), {
    epochs: 1,
    batchSize: 8,
    seed,
    evaluate: false,
  });
  const w = model.flatten();
  model.dispose();
  return w;
}

describe('determinism', () => {
  after(() => shutdownBackend());

  it('the same seed gives the same weights on cpu and on wasm, and the two backends agree closely', async () => {
    const cpu1 = await trainOn('cpu', 4);
    const cpu2 = await trainOn('cpu', 4);
    assert.deepEqual(cpu1, cpu2);
    const wasm1 = await trainOn('wasm', 4);
    const wasm2 = await trainOn('wasm', 4);
    assert.deepEqual(wasm1, wasm2);
    let diff = 0;
    for (let i = 0; i < cpu1.length; i++) diff = Math.max(diff, Math.abs(cpu1[i]! - wasm1[i]!));
    assert.ok(diff < 1e-3, `cpu and wasm weights differ by ${diff} after 3 steps`);
  });
});
