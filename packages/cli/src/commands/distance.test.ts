import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { encodeSafetensors } from '@basin/analysis';
import { basin, expected, fixture, tempFiles } from './analysis-test-helpers';

describe('basin distance', () => {
  const a = fixture('ckpt', 'a.safetensors');
  const b = fixture('ckpt', 'b.safetensors');
  it('JSON: total, per module and excluded modules match NumPy', async () => {
    const r = await basin('distance', a, b, '--json');
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.ok(Math.abs(j.total - expected.distance.total) < 1e-9);
    assert.deepEqual(
      j.excluded.map((e: { name: string }) => e.name),
      ['fc'],
    );
    for (const m of j.perModule) assert.ok(Math.abs(m.distance - expected.distance.perModule[m.name]) < 1e-9);
  });
  it('table with --per-module', async () => {
    const r = await basin('distance', a, b, '--per-module');
    assert.match(r.stdout, /^total ℓ2\s+1\.38638$/m);
    assert.match(r.stdout, /^excluded fc\s+fc\.weight has shape \[10, 4\] in A but \[5, 4\] in B$/m);
    assert.match(r.stdout, /^layer1\.0\s+1\.22884/m);
  });
  it('exits 2 for files that are not Basin checkpoints', async () => {
    const plain = encodeSafetensors({ w: { dtype: 'F32', shape: [1], data: new Float32Array(1) } });
    const dir = tempFiles({ 'plain.safetensors': plain, 'junk.safetensors': 'junk' });
    const r = await basin('distance', a, join(dir, 'plain.safetensors'));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /plain\.safetensors: not a Basin checkpoint: metadata 'basin\.format' is missing/);
    const j = await basin('distance', join(dir, 'junk.safetensors'), a);
    assert.equal(j.code, 2);
    assert.match(j.stderr, /junk\.safetensors: not a safetensors file/);
  });
});
