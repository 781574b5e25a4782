import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mixSeed, splitPool } from './seeds';

describe('splitPool', () => {
  it('draws disjoint subsets; the test subset ignores the data seed', () => {
    const a = splitPool(1000, 600, 200, 1, 'x');
    const b = splitPool(1000, 600, 200, 2, 'x');
    const seen = new Set<number>(a.test);
    for (const i of a.train) assert.ok(!seen.has(i));
    assert.equal(new Set(a.train).size, 600);
    assert.deepEqual(a.test, b.test);
    assert.notDeepEqual(a.train, b.train);
    assert.deepEqual(splitPool(1000, 600, 200, 1, 'x').train, a.train);
  });
  it('names the sizes when the pool is too small', () => {
    assert.throws(() => splitPool(10, 8, 5, 0, 'toy'), /toy: trainSize 8 \+ testSize 5 = 13 exceeds the 10/);
  });
  it('mixSeed separates nearby inputs', () => {
    const s = new Set<number>();
    for (let i = 0; i < 1000; i++) s.add(mixSeed(7, 0, i));
    assert.equal(s.size, 1000);
    assert.notEqual(mixSeed(7, 0, 1), mixSeed(7, 1, 0));
  });
});
