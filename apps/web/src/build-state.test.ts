import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildReason, markBuilt, unmarkBuilt, withBuildLock } from './build-state';

test('missing build, stale build and fresh build', () => {
  const dir = mkdtempSync(join(tmpdir(), 'basin-web-'));
  mkdirSync(join(dir, 'src/app'), { recursive: true });
  writeFileSync(join(dir, 'src/app/page.tsx'), 'x');
  assert.equal(buildReason(dir), 'no finished build yet');

  mkdirSync(join(dir, '.next'));
  writeFileSync(join(dir, '.next/BUILD_ID'), 'abc');
  assert.equal(buildReason(dir), 'no finished build yet', 'Next writes BUILD_ID before the build is done');
  markBuilt(dir);
  const past = new Date(Date.now() - 60_000);
  utimesSync(join(dir, 'src/app/page.tsx'), past, past);
  utimesSync(join(dir, 'src/app'), past, past);
  utimesSync(join(dir, 'src'), past, past);
  assert.equal(buildReason(dir), null);

  const future = new Date(Date.now() + 60_000);
  utimesSync(join(dir, 'src/app/page.tsx'), future, future);
  assert.equal(buildReason(dir), 'src changed since the last build');
  unmarkBuilt(dir);
  assert.equal(buildReason(dir), 'no finished build yet');
});

test('two starts at once build once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'basin-web-'));
  mkdirSync(join(dir, 'src'));
  const past = new Date(Date.now() - 60_000);
  utimesSync(join(dir, 'src'), past, past);
  let builds = 0;
  const build = async () => {
    builds++;
    await new Promise((r) => setTimeout(r, 300));
    mkdirSync(join(dir, '.next'), { recursive: true });
    writeFileSync(join(dir, '.next/BUILD_ID'), 'x');
    markBuilt(dir);
    return 'built';
  };
  const results = await Promise.all([withBuildLock(dir, build), withBuildLock(dir, build)]);
  assert.equal(builds, 1);
  assert.deepEqual(results.sort(), ['built', null].sort());
});
