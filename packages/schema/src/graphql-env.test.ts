import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');

test('graphql-env.d.ts is the introspection of the committed schema (run `npm run graphql-env -w @basin/schema`)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'basin-gql-env-'));
  try {
    const out = join(dir, 'graphql-env.d.ts');
    const cli = join(dirname(createRequire(import.meta.url).resolve('gql.tada')), '..', 'bin', 'cli.js');
    const r = spawnSync(process.execPath, [cli, 'generate', 'output', '--output', out], {
      cwd: pkg,
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr || r.stdout);
    const fresh = readFileSync(out, 'utf8') === readFileSync(join(pkg, 'src', 'graphql-env.d.ts'), 'utf8');
    assert.ok(
      fresh,
      'src/graphql-env.d.ts is stale: run `npm run graphql-env -w @basin/schema` after `npm run schema -w @basin/api`',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
