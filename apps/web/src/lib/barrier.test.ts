import assert from 'node:assert/strict';
import { test } from 'node:test';
import { barrierAt } from './barrier';

test('the barrier of a parabola above the chord is at its top, h high (closed form)', () => {
  const lambdas = Array.from({ length: 21 }, (_, i) => i / 20);
  const h = 0.7;
  const loss = lambdas.map((l) => 0.2 + 0.1 * l + h * 4 * l * (1 - l));
  const at = barrierAt(loss, lambdas);
  assert.equal(lambdas[at.index], 0.5);
  assert.ok(Math.abs(at.gap - h) < 1e-12);
});

test('a convex path has no barrier: the largest gap is 0, at an end', () => {
  const lambdas = [0, 0.5, 1];
  assert.deepEqual(barrierAt([1, 0.2, 1], lambdas), { index: 0, gap: 0 });
});
