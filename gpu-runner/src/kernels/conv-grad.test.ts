import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Conv2DBackpropFilterAttrs, Conv2DBackpropInputAttrs } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, shutdownBackend } from '../backend/backend';
import { mulberry32 } from '../data/memory';
import { conv2dBackpropFilterViaConv, conv2dBackpropInputViaConv } from './conv-grad';
import { isBroadcastTile } from './register';

const rand = mulberry32(7);
const randn = (n: number) => Float32Array.from({ length: n }, () => rand() * 2 - 1);
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** Runs `f` on `backend` with fresh tensors and returns the result's values. */
function on(backend: string, f: () => tf.Tensor): { shape: number[]; data: Float32Array } {
  tf.setBackend(backend);
  return tf.tidy(() => {
    const t = f();
    return { shape: t.shape, data: t.dataSync() as Float32Array };
  });
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

interface Case {
  n: number;
  h: number;
  w: number;
  cin: number;
  cout: number;
  k: [number, number];
  stride: number;
  pad: 'same' | 'valid';
}

const cases: Case[] = [];
for (const stride of [1, 2])
  for (const pad of ['same', 'valid'] as const)
    for (const [h, w, k] of [
      [7, 9, [3, 3]],
      [8, 8, [3, 3]],
      [5, 6, [1, 1]],
      [11, 10, [3, 2]],
      [6, 7, [5, 5]],
    ] as [number, number, [number, number]][])
      cases.push({
        n: 1 + Math.floor(rand() * 3),
        h,
        w,
        cin: 1 + Math.floor(rand() * 5),
        cout: 1 + Math.floor(rand() * 6),
        k,
        stride,
        pad,
      });

describe('wasm training kernels match the cpu backend', () => {
  before(async () => {
    const info = await initBackend({ backend: 'wasm' });
    for (const k of ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'Tile'])
      assert.ok(info.customKernels.includes(k), k);
  });
  after(() => shutdownBackend());

  for (const c of cases) {
    const label = `${c.n}×${c.h}×${c.w}×${c.cin}→${c.cout} k${c.k.join('×')} s${c.stride} ${c.pad}`;
    it(`Conv2DBackpropInput and Conv2DBackpropFilter, ${label}`, () => {
      const xShape = [c.n, c.h, c.w, c.cin] as [number, number, number, number];
      const fShape = [c.k[0], c.k[1], c.cin, c.cout] as [number, number, number, number];
      const x = randn(size(xShape));
      const f = randn(size(fShape));
      const ref = on('cpu', () => tf.conv2d(tf.tensor4d(x, xShape), tf.tensor4d(f, fShape), c.stride, c.pad));
      const dy = randn(ref.data.length);
      const dyShape = ref.shape as [number, number, number, number];
      const attrs = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC' };
      const dx = (b: string) =>
        on(
          b,
          () =>
            tf
              .engine()
              .runKernel(
                'Conv2DBackpropInput',
                { dy: tf.tensor4d(dy, dyShape), filter: tf.tensor4d(f, fShape) },
                { ...attrs, inputShape: xShape },
              ) as tf.Tensor,
        );
      const dw = (b: string) =>
        on(
          b,
          () =>
            tf
              .engine()
              .runKernel(
                'Conv2DBackpropFilter',
                { x: tf.tensor4d(x, xShape), dy: tf.tensor4d(dy, dyShape) },
                { ...attrs, filterShape: fShape },
              ) as tf.Tensor,
        );
      const [dxCpu, dxWasm] = [dx('cpu'), dx('wasm')];
      assert.deepEqual(dxWasm.shape, xShape);
      assert.ok(
        maxAbsDiff(dxCpu.data, dxWasm.data) < 1e-4,
        `dx differs by ${maxAbsDiff(dxCpu.data, dxWasm.data)}`,
      );
      const [dwCpu, dwWasm] = [dw('cpu'), dw('wasm')];
      assert.deepEqual(dwWasm.shape, fShape);
      assert.ok(
        maxAbsDiff(dwCpu.data, dwWasm.data) < 1e-4,
        `dW differs by ${maxAbsDiff(dwCpu.data, dwWasm.data)}`,
      );
      // The same through Basin's conv-based kernels directly (whatever else may be registered on top of them).
      const direct = (f2: (be: tf.KernelBackend) => tf.TensorInfo | null) =>
        on('wasm', () => tf.engine().makeTensorFromTensorInfo(f2(tf.engine().backend)!));
      const dxOurs = direct((be) =>
        conv2dBackpropInputViaConv(be, 'wasm', tf.tensor4d(dy, dyShape), tf.tensor4d(f, fShape), {
          ...attrs,
          inputShape: xShape,
        } as unknown as Conv2DBackpropInputAttrs),
      );
      const dwOurs = direct((be) =>
        conv2dBackpropFilterViaConv(be, 'wasm', tf.tensor4d(x, xShape), tf.tensor4d(dy, dyShape), {
          ...attrs,
          filterShape: fShape,
        } as unknown as Conv2DBackpropFilterAttrs),
      );
      assert.ok(
        maxAbsDiff(dxCpu.data, dxOurs.data) < 1e-4,
        `dx (conv-based) differs by ${maxAbsDiff(dxCpu.data, dxOurs.data)}`,
      );
      assert.ok(
        maxAbsDiff(dwCpu.data, dwOurs.data) < 1e-4,
        `dW (conv-based) differs by ${maxAbsDiff(dwCpu.data, dwOurs.data)}`,
      );
    });
  }

  it('gradients of a conv through tf.grads agree with cpu (end to end, stride 2, same)', () => {
    const xs = [4, 9, 9, 3] as [number, number, number, number];
    const fs = [3, 3, 3, 8] as [number, number, number, number];
    const x = randn(size(xs));
    const f = randn(size(fs));
    const g = (b: string) => {
      tf.setBackend(b);
      return tf.tidy(() => {
        const [gx, gf] = tf.grads((a: tf.Tensor, w: tf.Tensor) =>
          tf.sum(tf.square(tf.relu(tf.conv2d(a as tf.Tensor4D, w as tf.Tensor4D, 2, 'same')))),
        )([tf.tensor4d(x, xs), tf.tensor4d(f, fs)]);
        return [gx!.dataSync() as Float32Array, gf!.dataSync() as Float32Array];
      });
    };
    const [c, w] = [g('cpu'), g('wasm')];
    assert.ok(maxAbsDiff(c[0]!, w[0]!) < 1e-4);
    assert.ok(maxAbsDiff(c[1]!, w[1]!) < 1e-4);
  });

  it('Tile: broadcasts and general tiles match cpu', () => {
    assert.ok(isBroadcastTile([1, 3, 1], [4, 1, 5]));
    assert.ok(!isBroadcastTile([2, 3], [2, 1]));
    for (const [shape, reps] of [
      [
        [1, 3, 1],
        [4, 1, 5],
      ],
      [
        [2, 3],
        [2, 2],
      ],
      [
        [5, 1],
        [1, 7],
      ],
    ] as [number[], number[]][]) {
      const v = randn(size(shape));
      const a = on('cpu', () => tf.tile(tf.tensor(v, shape), reps));
      const b = on('wasm', () => tf.tile(tf.tensor(v, shape), reps));
      assert.deepEqual(b.shape, a.shape);
      assert.equal(maxAbsDiff(a.data, b.data), 0);
    }
  });

  it('Identity and same-dtype Cast share the buffer; it outlives its other owners and a variable assign', () => {
    tf.setBackend('wasm');
    const before = tf.memory();
    const init = tf.tensor1d([1, 2, 3]);
    const v = tf.variable(init);
    const id = tf.clone(v); // the Identity kernel
    const same = tf.cast(v, 'float32');
    assert.equal(tf.memory().numDataBuffers, before.numDataBuffers + 1, 'one buffer for all three');
    const next = tf.tensor1d([7, 8, 9]);
    v.assign(next);
    tf.dispose([v, init, next]);
    assert.deepEqual([...id.dataSync()], [1, 2, 3]);
    id.dispose();
    assert.deepEqual([...same.dataSync()], [1, 2, 3]);
    // a real conversion still converts, to a buffer of its own
    const ints = tf.cast(same, 'int32');
    assert.equal(ints.dtype, 'int32');
    assert.deepEqual([...ints.dataSync()], [1, 2, 3]);
    tf.dispose([same, ints]);
    const now = tf.memory();
    assert.equal(now.numTensors, before.numTensors);
    assert.equal(now.numDataBuffers, before.numDataBuffers);
    assert.equal(now.numBytes, before.numBytes);
  });

  it('runs without leaking tensors or wasm buffers', () => {
    tf.setBackend('wasm');
    const xs = [2, 8, 8, 4] as [number, number, number, number];
    const fs = [3, 3, 4, 4] as [number, number, number, number];
    const x = tf.tensor4d(randn(size(xs)), xs);
    const f = tf.tensor4d(randn(size(fs)), fs);
    const step = () =>
      tf.tidy(() => {
        const [gx, gf] = tf.grads((a: tf.Tensor, w: tf.Tensor) =>
          tf.sum(tf.conv2d(a as tf.Tensor4D, w as tf.Tensor4D, 2, 'same')),
        )([x, f]);
        gx!.dataSync();
        gf!.dataSync();
      });
    step();
    const before = tf.memory();
    for (let i = 0; i < 3; i++) step();
    const now = tf.memory();
    assert.equal(now.numTensors, before.numTensors);
    assert.equal(now.numDataBuffers, before.numDataBuffers);
    assert.equal(now.numBytes, before.numBytes);
    tf.dispose([x, f]);
  });
});
