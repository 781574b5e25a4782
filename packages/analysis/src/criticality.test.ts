import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { close } from '../test/fixtures';
import type { CheckpointModule } from './checkpoint';
import { moduleCriticality, rewindModules } from './criticality';

const two = (a: number[], b: number[]): CheckpointModule[] => [
  { name: 'low', params: [{ name: 'low.w', shape: [a.length], data: Float32Array.from(a) }] },
  { name: 'high', params: [{ name: 'high.w', shape: [b.length], data: Float32Array.from(b) }] },
];

// Loss = 1 + 0.1·‖high − 2‖² + 0.001·‖low − 1‖²: "high" matters, "low" barely does.
const evaluate = async (p: CheckpointModule[]) => {
  let l = 1;
  for (const v of p[1]!.params[0]!.data) l += 0.1 * (v - 2) ** 2;
  for (const v of p[0]!.params[0]!.data) l += 0.001 * (v - 1) ** 2;
  return { loss: l, accuracy: 1 / l };
};

describe('module criticality', () => {
  const init = two([0, 0], [0, 0]);
  const final = two([1, 1], [2, 2]);
  it('a module the loss ignores is less critical than one it depends on', async () => {
    const r = await moduleCriticality(init, final, evaluate, { noiseSamples: 4, seed: 7 });
    assert.equal(r.finalLoss, 1);
    close(r.threshold, 1.01, 1e-12);
    assert.deepEqual(r.alphas.length, 11);
    const [low, high] = r.modules;
    assert.equal(low!.grid.length, 11);
    assert.equal(low!.grid[0]!.length, 11);
    // rewinding low (α = 0) costs 0.002 ≤ 0.01: criticality 0
    assert.equal(low!.criticality, 0);
    assert.ok(high!.criticality > 0 && Number.isFinite(high!.criticality));
    // the best cell for high is the largest α·σ trade-off that stays under the threshold
    const cell = high!.grid.flat().find((c) => c.alpha === high!.alpha && c.sigma === high!.sigma)!;
    assert.ok(cell.ok);
    close(high!.distance, Math.sqrt(8), 1e-6);
    close(high!.criticality, (cell.alpha ** 2 * 8) / cell.sigma ** 2, 1e-9);
  });
  it('is reproducible for a seed and changes with it', async () => {
    const opts = { noiseSamples: 3, alphas: [1], sigmas: [0.05, 0.1], modules: ['high'] };
    const a = await moduleCriticality(init, final, evaluate, { ...opts, seed: 1 });
    const b = await moduleCriticality(init, final, evaluate, { ...opts, seed: 1 });
    const c = await moduleCriticality(init, final, evaluate, { ...opts, seed: 2 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.modules[0]!.grid, c.modules[0]!.grid);
  });
  it('rewind test: only the module that matters hurts', async () => {
    const r = await rewindModules(init, final, evaluate);
    close(r.modules[0]!.lossIncrease, 0.002, 1e-9);
    close(r.modules[1]!.lossIncrease, 0.8, 1e-9);
    assert.equal(r.final.loss, 1);
  });
});
