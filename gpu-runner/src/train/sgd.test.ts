import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Sgd } from './sgd';

await tf.setBackend('cpu');

const variable = (t: tf.Tensor, name: string) => {
  const v = tf.variable(t, true, name);
  t.dispose();
  return v;
};
const params = () => [
  { name: 'a', variable: variable(tf.tensor1d([1, 2, 3]), 'sgd-a'), decay: false },
  { name: 'b', variable: variable(tf.tensor2d([[0.5, -0.5]]), 'sgd-b'), decay: false },
];

test('gradient clipping scales the whole gradient to the global norm, and only when it is larger', () => {
  // ‖g‖ = √(3² + 4² + 0² + 12² + 0²)… = √(9 + 16 + 144) = 13
  const grads = (ps: ReturnType<typeof params>) => ({
    [ps[0]!.variable.name]: tf.tensor1d([3, 4, 0]),
    [ps[1]!.variable.name]: tf.tensor2d([[12, 0]]),
  });
  const before = tf.memory().numTensors;
  for (const [max, factor] of [
    [6.5, 0.5],
    [100, 1],
  ] as const) {
    const ps = params();
    const sgd = new Sgd(ps, { momentum: 0, weightDecay: 0, maxGradNorm: max });
    const g = grads(ps);
    sgd.step(g, 1);
    assert.ok(Math.abs(sgd.lastGradNorm()! - 13) < 1e-5);
    const a = ps[0]!.variable.dataSync();
    for (const [i, v] of [1 - 3 * factor, 2 - 4 * factor, 3].entries())
      assert.ok(Math.abs(a[i]! - v) < 1e-6, `a[${i}] = ${a[i]}`);
    assert.ok(Math.abs(ps[1]!.variable.dataSync()[0]! - (0.5 - 12 * factor)) < 1e-6);
    tf.dispose(Object.values(g));
    sgd.dispose();
    for (const p of ps) p.variable.dispose();
  }
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  assert.equal(new Sgd(params()).lastGradNorm(), null, 'no clipping: no norm');
  assert.throws(() => new Sgd([], { maxGradNorm: 0 }), /maxGradNorm must be a positive number, got 0/);
});
