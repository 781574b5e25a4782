import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { connect } from './connect';
import { MigrationError } from './errors';
import { loadMigrations, migrate } from './migrate';
import { createTestDatabase, type TestDatabase } from './testing';

const tableExists = async (db: TestDatabase, name: string) =>
  (await db.sql`select to_regclass(${name}) is not null as ok`)[0]!.ok as boolean;

function migrationsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'basin-mig-'));
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  return dir;
}

describe('migrate', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase({ migrate: false });
  });
  after(() => db.close());

  test('a fresh database gets every migration, in order', async () => {
    const all = loadMigrations().map((m) => m.version);
    const res = await migrate(db.sql);
    assert.deepEqual(res.applied, all);
    assert.deepEqual(res.current, all);
    for (const t of [
      'teams',
      'api_tokens',
      'studies',
      'datasets',
      'models',
      'runs',
      'checkpoints',
      'analyses',
      'metric_points',
    ]) {
      assert.ok(await tableExists(db, t), `table ${t} exists`);
    }
  });

  test('running again is a no-op', async () => {
    const before = await db.sql`select version, applied_at from basin_migrations order by version`;
    const res = await migrate(db.sql);
    assert.deepEqual(res.applied, []);
    const afterRows = await db.sql`select version, applied_at from basin_migrations order by version`;
    assert.deepEqual(afterRows, before);
  });
});

test('concurrent starters apply each migration exactly once', async () => {
  const db = await createTestDatabase({ migrate: false });
  try {
    const pools = await Promise.all([0, 1, 2].map(() => connect(db.url, { max: 2 })));
    const results = await Promise.all(pools.map((p) => migrate(p)));
    const all = loadMigrations().map((m) => m.version);
    const appliedTotal = results.flatMap((r) => r.applied).sort();
    assert.deepEqual(appliedTotal, all, 'each version applied by exactly one starter');
    for (const r of results) assert.deepEqual(r.current, all);
    const rows = await db.sql`select version from basin_migrations order by version`;
    assert.deepEqual(
      rows.map((r) => r.version),
      all,
    );
    await Promise.all(pools.map((p) => p.end()));
  } finally {
    await db.close();
  }
});

describe('a failing migration', () => {
  test('leaves the schema untouched and records nothing', async () => {
    const db = await createTestDatabase({ migrate: false });
    try {
      const good = migrationsDir({ '0001_first.sql': 'create table first_t (id int);' });
      assert.deepEqual((await migrate(db.sql, { dir: good })).applied, ['0001']);

      const bad = migrationsDir({
        '0001_first.sql': 'create table first_t (id int);',
        '0002_second.sql': 'create table second_t (id int);',
        '0003_broken.sql': 'create table third_t (id int);\nselect 1/0;',
      });
      await assert.rejects(migrate(db.sql, { dir: bad }), (err: unknown) => {
        assert.ok(err instanceof MigrationError);
        assert.equal(err.version, '0003');
        assert.match(err.message, /0003_broken failed: division by zero; nothing was applied/);
        return true;
      });
      assert.equal(
        await tableExists(db, 'second_t'),
        false,
        'earlier migration of the failed call rolled back',
      );
      assert.equal(await tableExists(db, 'third_t'), false);
      assert.equal(await tableExists(db, 'first_t'), true);
      const rows = await db.sql`select version from basin_migrations`;
      assert.deepEqual(
        rows.map((r) => r.version),
        ['0001'],
      );
    } finally {
      await db.close();
    }
  });

  test('an applied migration that was edited is refused', async () => {
    const db = await createTestDatabase({ migrate: false });
    try {
      const dir = migrationsDir({ '0001_first.sql': 'create table first_t (id int);' });
      await migrate(db.sql, { dir });
      writeFileSync(join(dir, '0001_first.sql'), 'create table first_t (id bigint);');
      await assert.rejects(migrate(db.sql, { dir }), /0001_first was changed after it was applied/);
    } finally {
      await db.close();
    }
  });
});

test('badly named migration files are refused before touching the database', () => {
  const dir = migrationsDir({ 'first.sql': 'select 1;' });
  assert.throws(() => loadMigrations(dir), /'first.sql' .* must look like 0001_name.sql/);
  const dup = migrationsDir({ '0001_a.sql': 'select 1;', '0001_b.sql': 'select 1;' });
  assert.throws(() => loadMigrations(dup), /share version 0001/);
});
