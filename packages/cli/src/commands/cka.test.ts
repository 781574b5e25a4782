import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { writeNpy } from '@basin/analysis';
import { basin, expected, fixture, tempFiles } from './analysis-test-helpers';

describe('basin cka', () => {
  it('prints a table by default and one JSON object with --json', async () => {
    const t = await basin('cka', fixture('cka', 'tall_x.npy'), fixture('cka', 'tall_y.npy'));
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stdout, /^linear CKA\s+0\.386251$/m);
    assert.match(t.stdout, /^method\s+feature$/m);
    const j = await basin(
      'cka',
      fixture('cka', 'wide_x.npy'),
      fixture('cka', 'wide_y.npy'),
      '--debiased',
      '--json',
    );
    assert.equal(j.code, 0, j.stderr);
    assert.equal(j.stdout.trim().split('\n').length, 1);
    const r = JSON.parse(j.stdout);
    assert.ok(Math.abs(r.cka - expected.cka.wide.debiased) < 1e-10);
    assert.deepEqual([r.debiased, r.method, r.n, r.dx, r.dy], [true, 'gram', 24, 400, 210]);
  });

  it('--method forces the form', async () => {
    const j = await basin(
      'cka',
      fixture('cka', 'tall_x.npy'),
      fixture('cka', 'tall_y.npy'),
      '--method',
      'gram',
      '--json',
    );
    const r = JSON.parse(j.stdout);
    assert.equal(r.method, 'gram');
    assert.ok(Math.abs(r.cka - expected.cka.tall.linear) < 1e-10);
  });

  const f32 = (n: number, d: number) =>
    writeNpy({
      dtype: 'float32',
      shape: [n, d],
      data: Float32Array.from({ length: n * d }, (_, i) => Math.sin(i)),
    });
  const ok = fixture('npy', 'rows10.npy');
  const cases: [string, string[], RegExp][] = [
    ['NaN in features', [fixture('npy', 'nan.npy'), ok], /nan\.npy: NaN at example 4, feature 1/],
    ['Inf in features', [fixture('npy', 'inf.npy'), ok], /inf\.npy: -Infinity at example 7, feature 2/],
    ['object arrays', [fixture('npy', 'object.npy'), ok], /object\.npy: object arrays are not supported/],
    [
      'row-count mismatch',
      [fixture('npy', 'rows11.npy'), ok],
      /rows11\.npy has 11 examples but .*rows10\.npy has 10/,
    ],
    ['empty arrays', [fixture('npy', 'empty.npy'), fixture('npy', 'empty.npy')], /empty\.npy: empty array/],
    ['a missing file', ['/nonexistent/x.npy', ok], /cannot read \/nonexistent\/x\.npy: no such file/],
    ['one file only', [ok], /expected X\.npy Y\.npy \(2 files\), got 1 argument/],
    ['an unknown option', [ok, ok, '--fast'], /basin cka: Unknown option '--fast'/],
  ];
  for (const [what, args, re] of cases) {
    it(`exits 2 with one line naming the problem: ${what}`, async () => {
      const r = await basin('cka', ...args);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, re);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    });
  }

  it('exits 2 for truncated and non-npy files', async () => {
    const good = f32(10, 3);
    const dir = tempFiles({
      'cut.npy': good.subarray(0, good.length - 5),
      'text.npy': 'hello,world\n',
      'x.npy': good,
    });
    const cut = await basin('cka', join(dir, 'cut.npy'), join(dir, 'x.npy'));
    assert.equal(cut.code, 2);
    assert.match(
      cut.stderr,
      /cut\.npy: truncated: shape \(10, 3\) of <f4 needs 120 data bytes but the file has 115/,
    );
    const text = await basin('cka', join(dir, 'x.npy'), join(dir, 'text.npy'));
    assert.equal(text.code, 2);
    assert.match(text.stderr, /text\.npy: not a \.npy file/);
  });

  it('the real bin exits 0 on success and 2 on bad input', () => {
    const bin = fileURLToPath(new URL('../../bin/basin.mjs', import.meta.url));
    const good = spawnSync(
      process.execPath,
      [bin, 'cka', fixture('cka', 'tall_x.npy'), fixture('cka', 'tall_x.npy'), '--json'],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(good.status, 0, good.stderr);
    assert.ok(Math.abs(JSON.parse(good.stdout).cka - 1) < 1e-12);
    const bad = spawnSync(process.execPath, [bin, 'cka', fixture('npy', 'nan.npy'), ok], {
      encoding: 'utf8',
    });
    assert.equal(bad.status, 2);
    assert.match(
      bad.stderr,
      /^basin cka: .*nan\.npy: NaN at example 4, feature 1; features must be finite\n$/,
    );
  });
});
