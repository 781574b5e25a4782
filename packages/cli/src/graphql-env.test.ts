import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { print } from '@0no-co/graphql.web';
import { buildSchema, parse, validate } from 'graphql';
import * as documents from './study/documents';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const schemaFile = join(pkg, '..', '..', 'apps', 'api', 'schema.graphql');

test('graphql-env.d.ts is the introspection of the committed schema (run `npm run graphql-env -w @basin/cli`)', () => {
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
      'src/graphql-env.d.ts is stale: run `npm run graphql-env -w @basin/cli` after `npm run schema -w @basin/api`',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every document the CLI sends is valid against the schema', () => {
  const schema = buildSchema(readFileSync(schemaFile, 'utf8'));
  const all = Object.entries(documents);
  assert.ok(all.length >= 10, `found the documents: ${all.map(([k]) => k).join(', ')}`);
  for (const [name, doc] of all) {
    const errors = validate(schema, parse(print(doc))).map((e) => e.message);
    assert.deepEqual(errors, [], name);
  }
});
