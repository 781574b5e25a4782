import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  available,
  type ConvPadding,
  conv2d,
  conv2dBackpropFilter,
  conv2dBackpropInput,
  convGeometry,
  info,
  useIsa,
} from './index';
import { rand32 as rand, withEnv, withKernels } from './kernels.test-helper';

// tfjs-core's Node bundle registers no gradients; tsx's require transpiles the set it ships (as the engine does).
if (!tf.getGradient('Conv2D'))
  createRequire(import.meta.url)('@tensorflow/tfjs-core/dist/register_all_gradients.js');
await tf.setBackend('cpu');

interface Case {
  x: [number, number, number, number];
  f: [number, number, number, number];
  s: number | [number, number];
  pad: ConvPadding;
}

const CASES: Case[] = [
  { x: [2, 9, 11, 5], f: [3, 3, 5, 7], s: 1, pad: 'same' },
  { x: [2, 9, 11, 5], f: [3, 3, 5, 7], s: 2, pad: 'same' },
  { x: [3, 10, 10, 4], f: [3, 3, 4, 16], s: 2, pad: 'valid' },
  { x: [1, 13, 7, 3], f: [5, 5, 3, 4], s: 1, pad: 'valid' },
  { x: [2, 8, 8, 16], f: [1, 1, 16, 32], s: 2, pad: 'same' },
  { x: [2, 8, 8, 16], f: [1, 1, 16, 8], s: 1, pad: 'valid' },
  { x: [2, 7, 9, 6], f: [3, 3, 6, 5], s: 2, pad: 1 },
  {
    x: [2, 7, 9, 6],
    f: [3, 2, 6, 5],
    s: [1, 2],
    pad: [
      [1, 0],
      [2, 1],
    ],
  },
  { x: [2, 9, 8, 3], f: [2, 3, 3, 4], s: [2, 1], pad: 'same' },
  { x: [4, 32, 32, 3], f: [3, 3, 3, 16], s: 1, pad: 'same' },
  { x: [8, 16, 16, 16], f: [3, 3, 16, 32], s: 2, pad: 'same' },
  { x: [8, 8, 8, 64], f: [3, 3, 64, 64], s: 1, pad: 'same' },
  // for the direct path: cout between one and two vectors, several panels, kw·cin not a whole vector, one image
  { x: [3, 11, 13, 5], f: [3, 3, 5, 20], s: 1, pad: 'same' },
  { x: [2, 12, 9, 7], f: [5, 5, 7, 40], s: 2, pad: 'same' },
  { x: [1, 6, 6, 16], f: [3, 3, 16, 16], s: 1, pad: 'valid' },
  { x: [5, 17, 19, 16], f: [3, 3, 16, 16], s: 1, pad: 'same' },
];

/** TF.js `cpu` results: forward, and both gradients of Σ conv(x, w) ⊙ dy. */
function tfReference(c: Case, x: Float32Array, w: Float32Array, dyFor: (shape: number[]) => Float32Array) {
  // TF.js writes explicit padding per NHWC axis
  const pad = (typeof c.pad === 'object' ? [[0, 0], c.pad[0], c.pad[1], [0, 0]] : c.pad) as 'same';
  return tf.tidy(() => {
    const xt = tf.tensor4d(x, c.x);
    const wt = tf.tensor4d(w, c.f);
    const y = tf.conv2d(xt, wt, c.s, pad);
    const dy = tf.tensor(dyFor(y.shape), y.shape);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, pad), dy)),
    )([xt, wt]);
    return {
      y: y.dataSync() as Float32Array,
      shape: y.shape,
      dy: dy.dataSync() as Float32Array,
      dx: dx!.dataSync() as Float32Array,
      dw: dw!.dataSync() as Float32Array,
    };
  });
}

function relErr(got: Float32Array, want: Float32Array): number {
  assert.equal(got.length, want.length);
  let e = 0;
  let s = 0;
  for (let i = 0; i < want.length; i++) {
    e = Math.max(e, Math.abs(got[i]! - want[i]!));
    s = Math.max(s, Math.abs(want[i]!));
  }
  return e / (s || 1);
}

// The inputs and TF.js results of each case, computed once for all the paths checked.
const refs = new Map<number, { x: Float32Array; w: Float32Array; ref: ReturnType<typeof tfReference> }>();
function inputsAndReference(c: Case, i: number) {
  let r = refs.get(i);
  if (!r) {
    const x = rand(
      c.x.reduce((a, b) => a * b),
      20 + i,
    );
    const w = rand(
      c.f.reduce((a, b) => a * b),
      40 + i,
    );
    const ref = tfReference(c, x, w, (shape) =>
      rand(
        shape.reduce((a, b) => a * b),
        60 + i,
      ),
    );
    r = { x, w, ref };
    refs.set(i, r);
  }
  return r;
}

function checkAll(label: string) {
  CASES.forEach((c, i) => {
    const { x, w, ref } = inputsAndReference(c, i);
    const g = convGeometry(c.x, c.f, c.s, c.pad);
    assert.deepEqual(
      [g.batch, g.outHeight, g.outWidth, g.outChannels],
      ref.shape,
      `${label} case ${i}: output shape`,
    );
    const y = new Float32Array(ref.y.length).fill(Number.NaN);
    conv2d(x, w, y, g);
    const dx = new Float32Array(x.length).fill(Number.NaN);
    conv2dBackpropInput(ref.dy, w, dx, g);
    const dw = new Float32Array(w.length).fill(Number.NaN);
    conv2dBackpropFilter(x, ref.dy, dw, g);
    const what = `${label} case ${i} ${JSON.stringify(c)}`;
    assert.ok(relErr(y, ref.y) < 1e-4, `${what}: forward ${relErr(y, ref.y)}`);
    assert.ok(relErr(dx, ref.dx) < 1e-4, `${what}: grad input ${relErr(dx, ref.dx)}`);
    assert.ok(relErr(dw, ref.dw) < 1e-4, `${what}: grad filter ${relErr(dw, ref.dw)}`);
  });
}

describe('convolutions against TF.js cpu (forward, grad input, grad filter)', () => {
  // BASIN_KERNELS_CONV picks the path: direct (padded image read in place) or im2col + GEMM; the addon reads it
  // on every call, and by default takes direct for narrow layers only
  for (const isa of ['avx512', 'avx2', 'generic'] as const)
    for (const path of ['direct', 'gemm'] as const) {
      it(`native ${isa}, ${path}: strides 1/2, same/valid/explicit padding, odd sizes, 1×1 … 5×5`, (t) => {
        if (!available()) return t.skip(`addon not loaded: ${info().reason}`);
        if (!useIsa(isa)) return t.skip(`this CPU lacks ${isa}`);
        try {
          withEnv({ BASIN_KERNELS_CONV: path }, () => checkAll(`${isa} ${path}`));
        } finally {
          useIsa('best');
        }
      });
    }
  it('JS fallback (BASIN_KERNELS=off)', () => {
    withKernels(false, () => {
      assert.equal(available(), false);
      checkAll('js');
    });
  });
  it('convGeometry follows TF’s same-padding rule and rejects a channel mismatch', () => {
    const g = convGeometry([1, 32, 32, 16], [3, 3, 16, 32], 2, 'same');
    assert.deepEqual([g.outHeight, g.outWidth, g.padTop, g.padLeft], [16, 16, 0, 0]);
    assert.throws(() => convGeometry([1, 8, 8, 3], [3, 3, 4, 8], 1, 'same'), /input channels/);
  });
});
