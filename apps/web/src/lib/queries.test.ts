import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildSchema, type DocumentNode, print, validate } from 'graphql';
import * as queries from './queries';

// The dashboard's documents against the API's committed contract (apps/api/schema.graphql): a field renamed or
// removed there fails here, not in a user's browser.
const schemaFile = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'api', 'schema.graphql');

test('every document the dashboard sends is valid against the schema', () => {
  const schema = buildSchema(readFileSync(schemaFile, 'utf8'));
  const docs = Object.entries(queries).filter(
    (e): e is [string, DocumentNode] =>
      typeof e[1] === 'object' &&
      (e[1] as DocumentNode).kind === 'Document' &&
      // the exported fragments are validated inside the operations that spread them
      (e[1] as DocumentNode).definitions.some((d) => d.kind === 'OperationDefinition'),
  );
  assert.ok(docs.length >= 19, `found the documents: ${docs.map(([k]) => k).join(', ')}`);
  for (const [name, doc] of docs)
    assert.deepEqual(
      validate(schema, doc).map((e) => e.message),
      [],
      `${name}: ${print(doc).slice(0, 80)}`,
    );
});
