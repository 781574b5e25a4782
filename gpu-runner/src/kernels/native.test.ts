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

  it('registers the element-wise kernels too', () => {
    for (const k of ['Add', 'Sub', 'Multiply', 'RealDiv', 'Relu', 'Step', 'Sum', 'Mean'])
      assert.ok(backend.customKernels.includes(`native:${k}`), k);
  });

  // [a, b]: same shapes, scalars either side, trailing rows, leading columns, and broadcasts the native kernels
  // leave to the wasm ones (both sides broadcast, a middle axis) — every case must match cpu either way
  const broadcastCases: [number[], number[]][] = [
    [
      [64, 8, 8, 16],
      [64, 8, 8, 16],
    ],
    [[64, 8, 8, 16], []],
    [[1], [3, 5, 7]],
    [[5, 9, 16], [16]],
    [[9], [4, 9]],
    [
      [6, 4, 4, 8],
      [6, 1, 1, 1],
    ],
    [
      [6, 1],
      [6, 7],
    ],
    [
      [3, 1, 5],
      [1, 4, 1],
    ],
    [
      [2, 3, 4],
      [3, 1],
    ],
    [[70_001], [1]],
  ];
  it('add, sub, mul, div with broadcasts, and their gradients (relative error < 1e-4)', () => {
    for (const [as, bs] of broadcastCases)
      for (const op of [tf.add, tf.sub, tf.mul, tf.div]) {
        const a = randn(size(as));
        const b = Float32Array.from(randn(size(bs)), (v) => v + Math.sign(v) * 0.5); // |b| ≥ 0.5 for div
        const f = () => {
          const at = tf.tensor(a, as);
          const bt = tf.tensor(b, bs);
          const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(op(x, y))))([at, bt]);
          return [op(at, bt), ga!, gb!];
        };
        const got = on('wasm', f);
        const want = on('cpu', f);
        got.forEach((g, i) => {
          const e = relErr(g, want[i]!);
          assert.ok(e < 1e-4, `${op.name} ${as} ∘ ${bs} output ${i}: relative error ${e}`);
        });
      }
  });

  it('int32 arithmetic still goes to the wasm kernels (exact)', () => {
    const f = () => [tf.add(tf.tensor([1, 2, 3], [3], 'int32'), tf.scalar(4, 'int32'))];
    assert.deepEqual([...on('wasm', f)[0]!], [5, 6, 7]);
  });

  it('sum and mean over every axis set, keepDims, and a float64-accurate long sum', () => {
    const shape = [4, 6, 5, 3];
    const x = randn(size(shape));
    const axesCases: (number | number[] | undefined)[] = [
      undefined,
      0,
      1,
      3,
      -1,
      [1, 2],
      [0, 1, 2],
      [1, 2, 3],
      [0, 2], // not adjacent: the wasm kernel
      [3, 1],
    ];
    for (const axis of axesCases)
      for (const keepDims of [false, true])
        for (const op of [tf.sum, tf.mean]) {
          const f = () => [op(tf.tensor(x, shape), axis, keepDims)];
          const [got] = on('wasm', f);
          const [want] = on('cpu', f);
          const e = relErr(got!, want!);
          assert.ok(e < 1e-5, `${op.name} axis ${JSON.stringify(axis)} keepDims ${keepDims}: ${e}`);
          tf.setBackend('wasm');
          const s = tf.tidy(() => op(tf.tensor(x, shape), axis, keepDims).shape);
          tf.setBackend('cpu');
          assert.deepEqual(
            s,
            tf.tidy(() => op(tf.tensor(x, shape), axis, keepDims).shape),
          );
        }
    // 2^25 ones: exact in float64, 2^24 with a float32 accumulator
    const n = 2 ** 25;
    tf.setBackend('wasm');
    const total = tf.tidy(() => tf.sum(tf.ones([n])).dataSync()[0]);
    assert.equal(total, n);
  });

  it('relu and step, forward and through the relu gradient', () => {
    const x = randn(100_003);
    x[7] = Number.NaN;
    const f = () => {
      const xt = tf.tensor(x);
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.relu(v), v)))(xt);
      return [tf.relu(xt), tf.step(xt, 0.5), g];
    };
    const got = on('wasm', f);
    const want = on('cpu', f);
    got.forEach((g, i) => {
      for (let j = 0; j < g.length; j++)
        if (!(Number.isNaN(want[i]![j]) ? Number.isNaN(g[j]) : g[j] === want[i]![j]))
          assert.fail(`output ${i} at ${j}: ${g[j]} vs ${want[i]![j]}`);
    });
  });

  it('runs the ReLU gradient as one BasinReluGrad kernel on wasm (no Step, Cast, Multiply), also twice over', async () => {
    assert.ok(backend.customKernels.includes('native:BasinReluGrad'));
    tf.setBackend('wasm');
    const x = tf.tensor(randn(4096));
    const prof = await tf.profile(() => {
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.relu(v)))(x);
      g.dataSync();
      g.dispose();
    });
    const names = prof.kernels.map((k) => k.name);
    assert.ok(names.includes('BasinReluGrad'), names.join(', '));
    assert.ok(!names.includes('Step'), names.join(', '));
    // a gradient of the gradient goes through BasinReluGrad's own gradient and matches cpu
    const xv = randn(257);
    const wv = randn(257);
    const f = () => {
      const xt = tf.tensor(xv);
      const w = tf.tensor(wv);
      const gg = tf.grad((v: tf.Tensor) =>
        tf.sum(tf.mul(tf.grad((u: tf.Tensor) => tf.sum(tf.mul(tf.relu(u), u)))(v), w)),
      )(xt);
      return [gg];
    };
    const got = on('wasm', f);
    const want = on('cpu', f);
    const e = relErr(got[0]!, want[0]!);
    assert.ok(e < 1e-5, `second-order gradient: relative error ${e}`);
    x.dispose();
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
