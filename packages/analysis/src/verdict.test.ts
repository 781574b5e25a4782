import assert from 'node:assert/strict';
import { test } from 'node:test';
import { above, below, greaterThan, increasing, notWorseThan, ranks, spearman, spreadOf } from './verdict';

const s = spreadOf;

test('spread: mean, sample std (n − 1), non-finite values left out', () => {
  const x = s([1, 2, 3, Number.NaN, Number.POSITIVE_INFINITY]);
  assert.deepEqual([x.mean, x.std, x.n], [2, 1, 3]);
  assert.deepEqual(s([5]), { mean: 5, std: 0, n: 1, values: [5] });
});

test('a difference beyond two standard errors holds; the opposite does not; within the spread is inconclusive', () => {
  // se of each side = 0.01/√3; combined = 0.00816; 2·se = 0.0163
  const a = s([0.95, 0.96, 0.97]);
  assert.equal(greaterThan(a, s([0.9, 0.91, 0.92])).verdict, 'HOLDS');
  assert.equal(greaterThan(s([0.9, 0.91, 0.92]), a).verdict, 'DOES_NOT_HOLD');
  assert.equal(greaterThan(a, s([0.95, 0.955, 0.96])).verdict, 'INCONCLUSIVE', 'difference 0.005 < 2·se');
  const j = greaterThan(a, s([0.94, 0.95, 0.96]));
  assert.ok(Math.abs(j.estimate - 0.01) < 1e-12);
  assert.ok(Math.abs(j.stderr - Math.sqrt(2 * (0.01 ** 2 / 3))) < 1e-12);
});

test('one seed has no spread: inconclusive, with the reason', () => {
  const j = greaterThan(s([0.99]), s([0.1, 0.12]));
  assert.equal(j.verdict, 'INCONCLUSIVE');
  assert.equal(j.reason, '1 value: no spread');
  assert.equal(above(s([0.5]), 0.1).verdict, 'INCONCLUSIVE');
});

test('thresholds and non-inferiority', () => {
  assert.equal(below(s([0.001, 0.004, 0.0]), 0.02).verdict, 'HOLDS');
  assert.equal(below(s([0.1, 0.12, 0.11]), 0.02).verdict, 'DOES_NOT_HOLD');
  assert.equal(below(s([0.0, 0.04, 0.02]), 0.02).verdict, 'INCONCLUSIVE');
  assert.equal(above(s([0.3, 0.35, 0.4]), 0.02).verdict, 'HOLDS');
  assert.equal(above(s([0.0, 0.001, 0.002]), 0.02).verdict, 'DOES_NOT_HOLD');
  // P-T 0.5 points behind, tight spread, 1-point margin: at least as accurate
  assert.equal(notWorseThan(s([0.97, 0.971, 0.972]), s([0.975, 0.976, 0.977]), 0.01).verdict, 'HOLDS');
  assert.equal(notWorseThan(s([0.9, 0.91, 0.92]), s([0.975, 0.976, 0.977]), 0.01).verdict, 'DOES_NOT_HOLD');
});

test('ranks and Spearman: ties share ranks, +∞ ranks last, closed forms', () => {
  assert.deepEqual(ranks([10, 20, 20, 5]), [2, 3.5, 3.5, 1]);
  assert.deepEqual(ranks([1, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, 0]), [2, 3.5, 3.5, 1]);
  assert.equal(spearman([1, 2, 3, 4], [10, 20, 30, 1000]), 1);
  assert.equal(spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1);
  // d = [0, 0, -1, 1, 0] → ρ = 1 − 6·2/(5·24) = 0.9
  assert.ok(Math.abs(spearman([1, 2, 3, 4, 5], [1, 2, 4, 3, 5]) - 0.9) < 1e-12);
  assert.ok(Number.isNaN(spearman([1, 2], [1, 2])), 'fewer than 3 points');
  assert.ok(Number.isNaN(spearman([1, 2, 3], [5, 5, 5])), 'constant side');
  assert.equal(
    spearman([0, 1, 2, 3], [0.5, 1, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY]),
    spearman([0, 1, 2, 3], [0.5, 1, 9, 9]),
  );
});

test('a trend is judged over whole curves, one correlation per seed', () => {
  const rising = [
    { x: [0, 1, 2, 3, 4], y: [1, 2, 3, 5, 4] },
    { x: [0, 1, 2, 3, 4], y: [1, 3, 2, 4, 5] },
    { x: [0, 1, 2, 3, 4], y: [2, 1, 3, 4, 5] },
  ];
  const j = increasing(rising);
  assert.equal(j.verdict, 'HOLDS');
  assert.equal(j.rho.n, 3);
  assert.ok(Math.abs(j.rho.mean - 0.9) < 1e-12);
  // the end points agree with the claim (2 > 1) but the curve does not rise: ρ = 0, not a trend
  const endsOnly = increasing([0, 1, 2].map(() => ({ x: [0, 1, 2, 3, 4], y: [1, 5, 4, 3, 2] })));
  assert.equal(endsOnly.rho.mean, 0);
  assert.equal(endsOnly.verdict, 'INCONCLUSIVE');
  const falling = [0, 1, 2].map((k) => ({ x: [0, 1, 2, 3, 4], y: [5, 4, 3 + k / 10, 2, 1] }));
  assert.equal(increasing(falling).verdict, 'DOES_NOT_HOLD');
  assert.equal(increasing([rising[0]!]).verdict, 'INCONCLUSIVE', 'one seed');
});
