import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BlobStore } from './blobs';

test('blobs are named by their sha256, stored once, and verified on read', async () => {
  const store = new BlobStore(mkdtempSync(join(tmpdir(), 'basin-blobs-')));
  const bytes = new TextEncoder().encode('weights');
  const expected = createHash('sha256').update(bytes).digest('hex');
  const a = await store.put(bytes);
  const b = await store.put(bytes);
  assert.deepEqual(a, { hash: expected, size: 7 });
  assert.deepEqual(b, a);
  assert.deepEqual(
    readdirSync(join(store.root, expected.slice(0, 2))),
    [expected],
    'no temporary files left',
  );
  assert.deepEqual(Buffer.from(await store.get(expected)).toString(), 'weights');

  writeFileSync(store.path(expected), 'tampered');
  await assert.rejects(store.get(expected), /is corrupt \(its bytes hash to [0-9a-f]{64}\)/);
  await assert.rejects(store.get('0'.repeat(64)), /blob 0{64} is not in/);
  assert.throws(() => store.path('../etc/passwd'), /not a sha256 blob name/);
});
