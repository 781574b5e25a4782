import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, shutdownBackend } from '../backend/backend';

// Regression: Basin's kernels replace wasm kernels and keep them as fallbacks. The wasm kernels bind their
// functions to the module in `setupFunc`, which the engine calls on the registered (Basin's) config; without it,
// a fallback after shutdownBackend() + initBackend() called into the first, dead module: `Aborted()`.
describe('wasm fallback kernels after the backend is shut down and started again', () => {
  after(() => shutdownBackend());

  const fallbacks = () =>
    tf.tidy(() => {
      const x = tf.tensor(
        Array.from({ length: 2 * 3 * 4 * 5 }, (_, i) => Math.sin(i)),
        [2, 3, 4, 5],
      );
      return [
        tf.mean(x, [0, 2], true), // non-adjacent axes: the wasm Mean
        tf.sum(x, [1, 3]), // the wasm Sum
        tf.add(x, tf.ones([2, 1, 4, 1])), // a broadcast the native kernels leave to the wasm Add
        tf.mul(x, tf.ones([1, 3, 1, 5])),
        tf.tile(tf.tensor([1, 2], [2, 1]), [2, 3]), // a real tile: the wasm Tile
        tf.cast(tf.tensor([1.5, -2.5]), 'int32'), // a real cast: the wasm Cast
      ].map((t) => [...t.dataSync()]);
    });

  it('still run, and give what they gave the first time', async () => {
    await initBackend({ backend: 'wasm' });
    const first = fallbacks();
    await shutdownBackend();
    await initBackend({ backend: 'wasm' });
    assert.deepEqual(fallbacks(), first);
    await shutdownBackend();
    await initBackend({ backend: 'wasm' });
    assert.deepEqual(fallbacks(), first);
  });
});
