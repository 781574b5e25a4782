import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { print } from '@0no-co/graphql.web';
import { buildSchema, parse, validate } from 'graphql';
import * as documents from './documents';

const schemaFile = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  '..',
  'apps',
  'api',
  'schema.graphql',
);

test('every document the CLI sends is valid against the schema', () => {
  const schema = buildSchema(readFileSync(schemaFile, 'utf8'));
  const all = Object.entries(documents);
  assert.ok(all.length >= 10, `found the documents: ${all.map(([k]) => k).join(', ')}`);
  for (const [name, doc] of all) {
    const errors = validate(schema, parse(print(doc))).map((e) => e.message);
    assert.deepEqual(errors, [], name);
  }
});
