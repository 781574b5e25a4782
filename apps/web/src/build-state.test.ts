import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildReason } from './build-state';

test('missing build, stale build and fresh build', () => {
  const dir = mkdtempSync(join(tmpdir(), 'basin-web-'));
  mkdirSync(join(dir, 'src/app'), { recursive: true });
  writeFileSync(join(dir, 'src/app/page.tsx'), 'x');
  assert.equal(buildReason(dir), 'no build yet');

  mkdirSync(join(dir, '.next'));
  writeFileSync(join(dir, '.next/BUILD_ID'), 'abc');
  const past = new Date(Date.now() - 60_000);
  utimesSync(join(dir, 'src/app/page.tsx'), past, past);
  utimesSync(join(dir, 'src/app'), past, past);
  utimesSync(join(dir, 'src'), past, past);
  assert.equal(buildReason(dir), null);

  const future = new Date(Date.now() + 60_000);
  utimesSync(join(dir, 'src/app/page.tsx'), future, future);
  assert.equal(buildReason(dir), 'src changed since the last build');
});
