import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { close } from '../test/fixtures';
import { barrierOf, interpolationBarrier, lambdaGrid } from './barrier';
import type { CheckpointModule } from './checkpoint';

const model = (...xs: number[]): CheckpointModule[] => [
  { name: 'fc', params: [{ name: 'fc.w', shape: [xs.length], data: Float32Array.from(xs) }] },
];

describe('barrier', () => {
  it('lambdaGrid has 21 points from 0 to 1 by default', () => {
    const g = lambdaGrid();
    assert.equal(g.length, 21);
    assert.equal(g[0], 0);
    assert.equal(g[20], 1);
    close(g[10]!, 0.5, 0);
  });
  it('a convex curve has barrier 0, a bump has its height', () => {
    const l = lambdaGrid(11);
    assert.equal(
      barrierOf(
        l,
        l.map((x) => (x - 0.3) ** 2),
      ).barrier,
      0,
    );
    close(
      barrierOf(
        l,
        l.map((x) => 2 + x),
      ).barrier,
      0,
      1e-15,
    );
    const b = barrierOf(
      l,
      l.map((x) => 1 + x + 4 * x * (1 - x)),
    );
    close(b.barrier, 1, 1e-12);
    assert.equal(b.lambda, 0.5);
  });
  it('drives θ(λ) through the evaluator: quadratic loss along the segment', async () => {
    // loss(θ) = ‖θ‖² between θ1 = (1, 0) and θ2 = (0, 1): L(λ) = (1−λ)² + λ², line value 1 → barrier at λ=½ is −½ → 0
    // error = 1 − ‖θ‖² (concave): barrier ½ at λ = ½
    const seen: number[] = [];
    const r = await interpolationBarrier(model(1, 0), model(0, 1), async (p) => {
      const w = p[0]!.params[0]!.data;
      seen.push(w[1]!);
      const n2 = w[0]! ** 2 + w[1]! ** 2;
      return { loss: n2, accuracy: n2 };
    });
    assert.equal(r.curve.length, 21);
    assert.equal(r.loss.barrier, 0);
    close(r.error.barrier, 0.5, 1e-6);
    close(r.error.lambda, 0.5, 1e-12);
    close(seen[5]!, 0.25, 1e-7);
  });
  it('refuses models of different structure', async () => {
    await assert.rejects(
      interpolationBarrier(model(1, 0), model(1), async () => ({ loss: 0, error: 0 })),
      /cannot interpolate: 'fc.w' \[2\] in A vs 'fc.w' \[1\] in B/,
    );
  });
});
