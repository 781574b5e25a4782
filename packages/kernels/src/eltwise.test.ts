import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { available, type BinaryOp, type Broadcast, binary, info, reduceSum, reluGrad, unary } from './index';
import { rand32 as rand, withKernels } from './kernels.test-helper';

await tf.setBackend('cpu');

/** The TF.js shape of an operand in `mode` over an `[outer, inner]` output, for broadcasting on the cpu backend. */
function shapeOf(mode: Broadcast, outer: number, inner: number): number[] {
  return mode === 'full' ? [outer, inner] : mode === 'row' ? [inner] : mode === 'column' ? [outer, 1] : [];
}
const lengthOf = (mode: Broadcast, outer: number, inner: number) =>
  shapeOf(mode, outer, inner).reduce((a, b) => a * b, 1);

const TF_OP: Record<BinaryOp, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor> = {
  add: tf.add,
  sub: tf.sub,
  mul: tf.mul,
  div: tf.div,
};
const MODES: Broadcast[] = ['full', 'scalar', 'row', 'column'];
// [outer, inner]: tiny, odd, one row, and large enough to be split between threads in uneven chunks
const SIZES: [number, number][] = [
  [1, 1],
  [7, 13],
  [1, 70_001],
  [300, 257],
  [4099, 16],
];

function checkBinary(): void {
  let seed = 1;
  for (const op of ['add', 'sub', 'mul', 'div'] as const)
    for (const [outer, inner] of SIZES)
      for (const aMode of MODES)
        for (const bMode of MODES) {
          const a = rand(lengthOf(aMode, outer, inner), seed++);
          const b = rand(lengthOf(bMode, outer, inner), seed++);
          const want = tf.tidy(() => {
            const t = TF_OP[op](
              tf.tensor(a, shapeOf(aMode, outer, inner)),
              tf.tensor(b, shapeOf(bMode, outer, inner)),
            );
            return tf.broadcastTo(t, [outer, inner]).dataSync() as Float32Array;
          });
          const got = new Float32Array(outer * inner).fill(Number.NaN);
          binary(op, a, b, got, { outer, inner, aMode, bMode });
          // float32 arithmetic on both sides: the results are the same bits (division included)
          assert.deepEqual(got, want, `${op} [${outer}, ${inner}] a ${aMode} b ${bMode}`);
        }
}

/** Equal values, NaN matching any NaN (TF.js' cpu relu returns a NaN of another sign bit). */
function sameValues(got: Float32Array, want: Float32Array, what: string): void {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < want.length; i++)
    if (!(Number.isNaN(want[i]) ? Number.isNaN(got[i]) : Object.is(got[i], want[i])))
      assert.fail(`${what} at ${i}: ${got[i]} vs ${want[i]}`);
}

function checkUnary(): void {
  const n = 100_003;
  const x = rand(n, 7);
  x[3] = Number.NaN;
  x[5] = 0;
  x[6] = -0;
  x[n - 1] = Number.NaN;
  const relu = new Float32Array(n);
  unary('relu', x, relu);
  sameValues(
    relu,
    tf.tidy(() => tf.relu(tf.tensor(x)).dataSync() as Float32Array),
    'relu',
  );
  for (const alpha of [0, 0.25]) {
    const step = new Float32Array(n);
    unary('step', x, step, n, alpha);
    sameValues(
      step,
      tf.tidy(() => tf.step(tf.tensor(x), alpha).dataSync() as Float32Array),
      `step ${alpha}`,
    );
  }
  // only the first n values are touched
  const part = new Float32Array(10).fill(9);
  unary('relu', Float32Array.of(-1, 2, -3, 4, -5, 6, -7, 8, -9, 10), part, 4);
  assert.deepEqual([...part], [0, 2, 0, 4, 9, 9, 9, 9, 9, 9]);
}

function checkReluGrad(): void {
  const n = 100_003;
  const x = rand(n, 21);
  const dy = rand(n, 22);
  x[3] = Number.NaN;
  x[5] = 0;
  x[6] = -0;
  dy[8] = Number.NaN; // with x[8] either sign: NaN · 0 is NaN too
  dy[9] = Number.POSITIVE_INFINITY;
  x[9] = -1;
  const got = new Float32Array(n).fill(7);
  reluGrad(dy, x, got);
  // what TF.js' own Relu gradient computes: dy · step(x), -0 for negative dy where x ≤ 0 included
  const want = tf.tidy(() => tf.mul(tf.tensor(dy), tf.step(tf.tensor(x))).dataSync() as Float32Array);
  sameValues(got, want, 'reluGrad');
  assert.throws(() => reluGrad(dy, x.subarray(0, 10), got, n), /x has 10 elements, needs at least 100003/);
}

function checkSums(): void {
  // [A, B, C]: a full sum, per-row sums (C = 1, many and few long rows), column sums (C > 1, split into blocks)
  const shapes: [number, number, number][] = [
    [1, 1, 1],
    [1, 100_003, 1],
    [3, 50_001, 1],
    [999, 17, 1],
    [1, 65_537, 16],
    [5, 3, 7],
    [2, 9_001, 33],
    [4, 0, 3],
  ];
  shapes.forEach(([A, B, C], i) => {
    const x = rand(A * B * C, 100 + i);
    for (const scale of [1, B > 0 ? 1 / B : 1]) {
      const want = new Float64Array(A * C);
      for (let a = 0; a < A; a++)
        for (let b = 0; b < B; b++)
          for (let c = 0; c < C; c++) want[a * C + c] = want[a * C + c]! + x[(a * B + b) * C + c]!;
      const got = new Float32Array(A * C).fill(Number.NaN);
      reduceSum(x, got, [A, B, C], scale);
      for (let j = 0; j < A * C; j++)
        assert.ok(
          Math.abs(got[j]! - want[j]! * scale) <= 1e-6 * Math.max(1, Math.abs(want[j]! * scale)),
          `[${A}, ${B}, ${C}] scale ${scale} at ${j}: ${got[j]} vs ${want[j]! * scale}`,
        );
    }
  });
  // float64 accumulation: 2^25 + 3 values of 1 sum exactly (a float32 accumulator stops at 2^24)
  const n = 2 ** 25 + 3;
  const ones = new Float32Array(n).fill(1);
  const out = new Float32Array(1);
  reduceSum(ones, out, [1, n, 1]);
  assert.equal(out[0], Math.fround(n));
  const cols = new Float32Array(2);
  reduceSum(new Float32Array(2 ** 25 * 2).fill(1), cols, [1, 2 ** 25, 2]);
  assert.deepEqual([...cols], [2 ** 25, 2 ** 25]);
}

function checkErrors(): void {
  const out = new Float32Array(4);
  assert.throws(
    () => binary('add', new Float32Array(3), new Float32Array(4), out, { outer: 2, inner: 2 }),
    /a has 3 elements, needs at least 4/,
  );
  assert.throws(
    () => binary('add', new Float32Array(4), new Float32Array(1), out, { outer: 2, inner: 2, bMode: 'row' }),
    /b has 1 elements, needs at least 2/,
  );
  assert.throws(
    () => binary('pow' as BinaryOp, out, out, out, { outer: 2, inner: 2 }),
    /unknown binary op 'pow'/,
  );
  assert.throws(
    () => binary('add', out, out, out, { outer: 2, inner: 2, aMode: 'diagonal' as Broadcast }),
    /broadcast modes must be full, scalar, row or column/,
  );
  assert.throws(() => binary('add', out, out, out, { outer: -1, inner: 2 }), /outer must be a non-negative/);
  assert.throws(() => unary('relu', out, new Float32Array(2)), /out has 2 elements, needs at least 4/);
  assert.throws(() => unary('tanh' as 'relu', out, out), /unknown unary op 'tanh'/);
  assert.throws(() => reduceSum(new Float32Array(5), out, [2, 3, 1]), /x has 5 elements, needs at least 6/);
  assert.throws(() => reduceSum(out, new Float32Array(1), [2, 2, 1]), /out has 1 elements, needs at least 2/);
}

for (const on of [true, false]) {
  const label = on ? 'native' : 'JS fallback (BASIN_KERNELS=off)';
  describe(`element-wise kernels, ${label}, against TF.js cpu and float64 sums`, () => {
    const t = (name: string, body: () => void) =>
      it(name, (ctx) => {
        withKernels(on, () => {
          if (on && !available()) return ctx.skip(`addon not loaded: ${info().reason}`);
          assert.equal(available(), on);
          body();
        });
      });
    t('binary add/sub/mul/div with every broadcast pair, odd and threaded sizes (bit-exact)', checkBinary);
    t('relu and step (NaN kept, ±0, alpha) over the first n values', checkUnary);
    t('reluGrad = dy · step(x) in one pass (NaN, ±0, infinities as TF.js)', checkReluGrad);
    t('sums over [A, B, C] views, float64 accumulation, scale for means', checkSums);
    t('rejects short arrays, unknown ops and modes, negative sizes', checkErrors);
  });
}
