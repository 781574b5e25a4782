import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { writeNpy } from '@basin/analysis';
import { basin, tempFiles } from './analysis-test-helpers';

describe('basin barrier and npy-info', () => {
  const lambdas = [0, 0.25, 0.5, 0.75, 1];
  const dir = tempFiles({
    'curve.json': JSON.stringify({ lambdas, loss: [1, 1.5, 2.5, 1.5, 1], error: [0.1, 0.1, 0.1, 0.1, 0.1] }),
    'curve.npy': writeNpy({
      dtype: 'float64',
      shape: [5, 2],
      data: Float64Array.from(lambdas.flatMap((l) => [l, (l - 0.5) ** 2])),
    }),
    'bad.json': '{"lambdas": [0, 1], "loss": "x"}',
  });
  it('JSON curve: loss and error barriers', async () => {
    const r = await basin('barrier', join(dir, 'curve.json'), '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      lossBarrier: 1.5,
      lossLambda: 0.5,
      errorBarrier: 0,
      errorLambda: 0,
      points: 5,
    });
  });
  it('.npy curve: convex → barrier 0; table output', async () => {
    const r = await basin('barrier', join(dir, 'curve.npy'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^loss barrier\s+0$/m);
  });
  it('bad curve exits 2', async () => {
    const r = await basin('barrier', join(dir, 'bad.json'));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bad\.json: 'loss' must be an array of numbers/);
  });
  it('npy-info describes a file', async () => {
    const r = await basin('npy-info', join(dir, 'curve.npy'), '--json');
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.deepEqual([j.dtype, j.shape, j.size, j.min, j.max, j.nan], ['float64', [5, 2], 10, 0, 1, 0]);
  });
});
