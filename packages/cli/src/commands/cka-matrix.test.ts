import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { basin, expected, fixture } from './analysis-test-helpers';

describe('basin cka-matrix', () => {
  const args = [0, 1, 2].flatMap((i) => ['--a', fixture('cka', `layer_a${i}.npy`)]);
  args.push(...[0, 1].flatMap((j) => ['--b', fixture('cka', `layer_b${j}.npy`)]));
  it('matches the NumPy reference for every layer pair', async () => {
    for (const debiased of [false, true]) {
      const r = await basin('cka-matrix', ...args, '--json', ...(debiased ? ['--debiased'] : []));
      assert.equal(r.code, 0, r.stderr);
      const j = JSON.parse(r.stdout);
      const want: number[][] = expected.ckaMatrix[debiased ? 'debiased' : 'linear'];
      assert.equal(j.cka.length, 3);
      for (const [i, row] of want.entries()) {
        for (const [k, v] of row.entries()) assert.ok(Math.abs(j.cka[i][k] - v) < 1e-10);
      }
    }
  });
  it('prints a matrix, and exits 2 without --b', async () => {
    const r = await basin('cka-matrix', ...args);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /layer_a2\.npy\s+0\.5137\s+0\.8578/);
    const bad = await basin('cka-matrix', '--a', fixture('cka', 'layer_a0.npy'));
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /at least one --a and one --b/);
  });
});
