import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { close, expected, fixtureBytes } from '../test/fixtures';
import { readCheckpoint } from './checkpoint';
import { parameterDistance } from './distance';

describe('parameterDistance', () => {
  it('matches NumPy on checkpoints written by Python, excluding the re-initialised head', () => {
    const a = readCheckpoint(fixtureBytes('ckpt', 'a.safetensors'), 'a.safetensors');
    const b = readCheckpoint(fixtureBytes('ckpt', 'b.safetensors'), 'b.safetensors');
    assert.equal(a.metadata.step, 100);
    assert.deepEqual(a.metadata.model, { family: 'resnet', depth: 8, classes: 10 });
    const r = parameterDistance(a.modules, b.modules);
    const e = expected.distance;
    close(r.total, e.total, 1e-9);
    assert.deepEqual(
      r.perModule.map((m) => m.name),
      Object.keys(e.perModule),
    );
    for (const m of r.perModule) close(m.distance, e.perModule[m.name], 1e-9, m.name);
    assert.deepEqual(
      r.excluded.map((m) => m.name),
      e.excluded,
    );
    assert.match(r.excluded[0]!.reason, /fc.weight has shape \[10, 4\] in A but \[5, 4\] in B/);
  });

  it('is zero for a model against itself and lists one-sided modules', () => {
    const m = (name: string, ...xs: number[]) => ({
      name,
      params: [{ name: `${name}.w`, shape: [xs.length], data: Float32Array.from(xs) }],
    });
    assert.equal(parameterDistance([m('a', 1, 2)], [m('a', 1, 2)]).total, 0);
    const r = parameterDistance([m('a', 0, 0), m('x', 1)], [m('a', 3, 4), m('y', 1)]);
    assert.equal(r.total, 5);
    assert.deepEqual(r.excluded, [
      { name: 'x', reason: 'only in A' },
      { name: 'y', reason: 'only in B' },
    ]);
  });
});
