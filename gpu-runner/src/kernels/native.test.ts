import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { available, info } from '@basin/kernels';
import * as tf from '@tensorflow/tfjs-core';
import { type BackendInfo, initBackend, shutdownBackend } from '../backend/backend';
import { mulberry32 } from '../data/memory';

const rand = mulberry32(11);
const randn = (n: number) => Float32Array.from({ length: n }, () => rand() * 2 - 1);
const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Runs `f` on `backend` and returns every output's values. */
function on(backend: string, f: () => tf.Tensor[]): Float32Array[] {
  tf.setBackend(backend);
  return tf.tidy(() => f().map((t) => t.dataSync() as Float32Array));
}

function relErr(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let e = 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    e = Math.max(e, Math.abs(a[i]! - b[i]!));
    s = Math.max(s, Math.abs(b[i]!));
  }
  return e / (s || 1);
}

const skip = available()
  ? false
  : `@basin/kernels addon not loaded (${info().reason}); the wasm kernels are in use`;

describe('native TF.js kernels on wasm vs the cpu backend', { skip }, () => {
  let backend: BackendInfo;
  before(async () => {
    backend = await initBackend({ backend: 'wasm' });
  });
  after(async () => {
    await shutdownBackend();
  });

  it('are registered by initBackend', () => {
    for (const k of ['BatchMatMul', 'Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'])
      assert.ok(backend.customKernels.includes(`native:${k}`), k);
  });

  const convCases: [number[], number[], number | [number, number], 'same' | 'valid'][] = [
    [[2, 9, 11, 5], [3, 3, 5, 7], 1, 'same'],
    [[2, 9, 11, 5], [3, 3, 5, 7], 2, 'same'],
    [[3, 10, 9, 4], [3, 3, 4, 16], 2, 'valid'],
    [[1, 13, 7, 3], [5, 5, 3, 4], 1, 'valid'],
    [[2, 8, 8, 16], [1, 1, 16, 32], 2, 'same'],
    [[2, 7, 9, 6], [3, 2, 6, 5], [1, 2], 'same'],
    [[4, 16, 16, 16], [3, 3, 16, 16], 1, 'same'],
  ];
  for (const [xs, fs, s, pad] of convCases) {
    it(`conv2d and its gradients x=${xs} f=${fs} stride ${s} ${pad} (relative error < 1e-4)`, () => {
      const x = randn(size(xs));
      const f = randn(size(fs));
      const dySeed = Math.floor(rand() * 1e9);
      const withDy = () => {
        const r = mulberry32(dySeed);
        const xt2 = tf.tensor4d(x, xs as [number, number, number, number]);
        const ft2 = tf.tensor4d(f, fs as [number, number, number, number]);
        const y = tf.conv2d(xt2, ft2, s, pad);
        const dy = tf.tensor(
          Float32Array.from({ length: size(y.shape) }, () => r() * 2 - 1),
          y.shape,
        );
        const [dx, df] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, s, pad), dy)),
        )([xt2, ft2]);
        return [y, dx!, df!];
      };
      const got = on('wasm', withDy);
      const want = on('cpu', withDy);
      ['forward', 'grad input', 'grad filter'].forEach((what, i) => {
        const e = relErr(got[i]!, want[i]!);
        assert.ok(e < 1e-4, `${what}: relative error ${e}`);
      });
    });
  }

  it('matMul with transposes, batches and broadcasting, and its gradients', () => {
    for (const [as, bs, ta, tb] of [
      [[7, 5], [5, 9], false, false],
      [[5, 7], [5, 9], true, false],
      [[7, 5], [9, 5], false, true],
      [[5, 7], [9, 5], true, true],
      [[3, 6, 4], [3, 4, 5], false, false],
      [[1, 6, 4], [3, 4, 5], false, false],
      [[2, 3, 4, 6], [1, 1, 5, 6], false, true],
      [[64, 64], [64, 10], false, false],
    ] as [number[], number[], boolean, boolean][]) {
      const a = randn(size(as));
      const b = randn(size(bs));
      const f = () => {
        const at = tf.tensor(a, as);
        const bt = tf.tensor(b, bs);
        const out = tf.matMul(at, bt, ta, tb);
        // TF.js's BatchMatMul gradient does not reduce broadcast batch axes: gradients for equal batches only
        if (size(as.slice(0, -2)) !== size(bs.slice(0, -2))) return [out];
        const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, y, ta, tb))))(
          [at, bt],
        );
        return [out, ga!, gb!];
      };
      const got = on('wasm', f);
      const want = on('cpu', f);
      got.forEach((g, i) => {
        const e = relErr(g, want[i]!);
        assert.ok(e < 1e-4, `${as} × ${bs} (${ta}, ${tb}) output ${i}: relative error ${e}`);
      });
    }
  });

  it('leaves no tensors behind', () => {
    tf.setBackend('wasm');
    const x = tf.tensor4d(randn(2 * 8 * 8 * 4), [2, 8, 8, 4]);
    const f = tf.tensor4d(randn(3 * 3 * 4 * 6), [3, 3, 4, 6]);
    const step = () =>
      tf.tidy(() => {
        const [gx, gf] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same')),
        )([x, f]);
        gx!.dataSync();
        gf!.dataSync();
      });
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) step();
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([x, f]);
  });
});
