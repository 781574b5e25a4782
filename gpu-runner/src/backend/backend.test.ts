import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { backendInfo, initBackend, parseBackendName, shutdownBackend } from './backend';

describe('backend selection', () => {
  after(() => shutdownBackend());

  it('parses backend names and aliases, naming the accepted ones on error', () => {
    assert.equal(parseBackendName('node-gpu'), 'tfjs-node-gpu');
    assert.equal(parseBackendName(' TensorFlow '), 'tfjs-node');
    assert.equal(parseBackendName('wasm'), 'wasm');
    assert.throws(() => parseBackendName('webgl'), /unknown backend "webgl"; expected one of .*wasm.*cpu/);
  });

  it('fails clearly when a forced backend cannot load', async (t) => {
    let loaded = false;
    try {
      await initBackend({ backend: 'tfjs-node' });
      loaded = true;
    } catch (err) {
      assert.match((err as Error).message, /backend 'tfjs-node' was forced but could not load: /);
      assert.equal(backendInfo(), null);
    }
    if (loaded) {
      await shutdownBackend();
      t.skip('tfjs-node loads on this machine');
    }
  });

  it('honours BASIN_BACKEND, reports name and threads, and restarts after shutdown', async () => {
    const saved = process.env.BASIN_BACKEND;
    try {
      process.env.BASIN_BACKEND = 'cpu';
      const cpu = await initBackend();
      assert.deepEqual([cpu.name, cpu.tfBackend, cpu.threads, cpu.forced], ['cpu', 'cpu', 1, 'cpu']);
      assert.equal(tf.getBackend(), 'cpu');
      process.env.BASIN_BACKEND = 'wasm';
      const wasm = await initBackend({ threads: 2 });
      assert.equal(wasm.name, 'wasm');
      assert.equal(tf.getBackend(), 'wasm');
      assert.ok(wasm.threads >= 1 && wasm.threads <= 2);
      for (const k of ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'Tile'])
        assert.ok(wasm.customKernels.includes(k), k);
      assert.equal(await initBackend(), wasm, 'a second call returns the running backend');
      await shutdownBackend();
      assert.equal(backendInfo(), null);
      const again = await initBackend({ threads: 1 });
      assert.equal(again.name, 'wasm');
      assert.equal(again.threads, 1);
      assert.equal(tf.sum(tf.tensor([1, 2, 3])).dataSync()[0], 6);
    } finally {
      if (saved === undefined) delete process.env.BASIN_BACKEND;
      else process.env.BASIN_BACKEND = saved;
    }
  });
});
