import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Sql } from './connect';
import { MigrationError } from './errors';

/** The repository's `db/migrations` folder. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../db/migrations/', import.meta.url));

export interface Migration {
  /** The file name's numeric prefix, e.g. "0001". Applied in ascending order. */
  version: string;
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrateResult {
  /** Versions applied by this call (empty when the schema was already up to date). */
  applied: string[];
  /** Every version recorded after the call. */
  current: string[];
}

/** Reads `NNNN_name.sql` files from `dir`, sorted by version; rejects duplicate versions and stray names. */
export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const seen = new Map<string, string>();
  return files.map((file) => {
    const m = /^(\d{4,})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!m) throw new MigrationError(`migration file name '${file}' in ${dir} must look like 0001_name.sql`);
    const [, version, name] = m as unknown as [string, string, string];
    const other = seen.get(version);
    if (other)
      throw new MigrationError(`migrations '${other}' and '${file}' share version ${version}`, version);
    seen.set(version, file);
    const sql = readFileSync(`${dir}/${file}`, 'utf8');
    return { version, name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
  });
}

/** Advisory-lock key shared by every Basin migrator (any constant works; this is "basin" in ASCII). */
const LOCK_KEY = 0x626173696e;

/**
 * Brings the schema up to date in ONE transaction under an advisory lock.
 *
 * @remarks Concurrent starters queue on the lock; the second one finds nothing to do. A failing migration rolls
 * back the whole call, so the schema is exactly as before and nothing is recorded. An applied migration whose file
 * has since changed is an error: migrations are append-only.
 */
export async function migrate(sql: Sql, options: { dir?: string } = {}): Promise<MigrateResult> {
  const migrations = loadMigrations(options.dir);
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${LOCK_KEY})`;
    await tx.unsafe(`
      create table if not exists basin_migrations (
        version     text primary key,
        name        text not null,
        checksum    text not null,
        applied_at  timestamptz not null default now()
      )`);
    const rows = await tx<{ version: string; name: string; checksum: string }[]>`
      select version, name, checksum from basin_migrations order by version`;
    const known = new Map(migrations.map((m) => [m.version, m]));
    for (const row of rows) {
      const m = known.get(row.version);
      if (!m) continue; // applied by a newer Basin; leave it alone
      if (m.checksum !== row.checksum) {
        throw new MigrationError(
          `migration ${row.version}_${row.name} was changed after it was applied (checksum differs); add a new migration instead`,
          row.version,
        );
      }
    }
    const done = new Set(rows.map((r) => r.version));
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      try {
        await tx.unsafe(m.sql);
      } catch (err) {
        throw new MigrationError(
          `migration ${m.version}_${m.name} failed: ${(err as Error).message}; nothing was applied`,
          m.version,
          { cause: err },
        );
      }
      await tx`insert into basin_migrations (version, name, checksum) values (${m.version}, ${m.name}, ${m.checksum})`;
      applied.push(m.version);
    }
    return { applied, current: [...done, ...applied].sort() };
  }) as Promise<MigrateResult>;
}
