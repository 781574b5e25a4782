import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  ANALYSIS_KINDS,
  DATASET_KINDS,
  DATASET_TASKS,
  enumObject,
  isTerminal,
  RUN_INITS,
  RUN_KINDS,
  RUN_STATUSES,
  TERMINAL_STATUSES,
} from './domain';
import { createTestDatabase, type TestDatabase } from './testing';

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
});
after(() => db.close());

/** The values a column's `CHECK (col IN (…))` allows, read back from the migrated database. */
async function allowed(table: string, column: string): Promise<string[]> {
  const rows = await db.sql<{ def: string }[]>`
    select pg_get_constraintdef(c.oid) as def from pg_constraint c
    join pg_class t on t.oid = c.conrelid
    where t.relname = ${table} and c.contype = 'c' and pg_get_constraintdef(c.oid) like ${`%(${column} = ANY (ARRAY[%`}`;
  assert.equal(rows.length, 1, `one CHECK on ${table}.${column}`);
  return [...rows[0]!.def.matchAll(/'([A-Z_]+)'::text/g)].map((m) => m[1]!);
}

test('every declared list is what the database accepts, in the same order', async () => {
  for (const [table, column, values] of [
    ['runs', 'status', RUN_STATUSES],
    ['analyses', 'status', RUN_STATUSES],
    ['runs', 'kind', RUN_KINDS],
    ['runs', 'init', RUN_INITS],
    ['analyses', 'kind', ANALYSIS_KINDS],
    ['datasets', 'kind', DATASET_KINDS],
    ['datasets', 'task', DATASET_TASKS],
  ] as const)
    assert.deepEqual(await allowed(table, column), [...values], `${table}.${column}`);
});

test('terminal statuses and the enum object derive from the lists', () => {
  assert.deepEqual(
    RUN_STATUSES.filter((s) => isTerminal(s)),
    [...TERMINAL_STATUSES],
  );
  assert.equal(isTerminal('RUNNING'), false);
  const o = enumObject(RUN_STATUSES);
  assert.deepEqual(Object.keys(o), [...RUN_STATUSES]);
  assert.equal(o.QUEUED, 'QUEUED');
  assert.ok(Object.isFrozen(o));
});
