import { randomBytes } from 'node:crypto';
import { parseDatabaseUrl } from './config';
import { connect, type Sql } from './connect';
import { startEmbedded } from './embedded';
import { migrateJobQueue } from './jobs';
import { migrate } from './migrate';

/** A throwaway database for one test file. */
export interface TestDatabase {
  sql: Sql;
  url: string;
  mode: 'server' | 'embedded';
  close(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** Apply Basin's migrations. Default true. */
  migrate?: boolean;
  /** Also install graphile-worker's schema. Default false (it costs seconds on PGlite). */
  jobQueue?: boolean;
  env?: NodeJS.ProcessEnv;
}

/**
 * DATABASE_URL set → a fresh database created on that server (dropped on close), so suites never see each other's
 * rows; unset → an in-memory PGlite served on loopback, the same path the embedded default takes.
 */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const env = options.env ?? process.env;
  const serverUrl = env.DATABASE_URL?.trim();
  let url: string;
  let dispose: () => Promise<void>;
  let mode: 'server' | 'embedded';
  if (serverUrl) {
    mode = 'server';
    const { url: adminUrl } = parseDatabaseUrl(serverUrl);
    const name = `basin_t_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = await connect(adminUrl, { max: 1 });
    await admin.unsafe(`create database ${name}`);
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    url = u.toString();
    dispose = async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    };
  } else {
    mode = 'embedded';
    const embedded = await startEmbedded();
    url = embedded.url;
    dispose = () => embedded.stop();
  }
  const sql = await connect(url);
  if (options.migrate !== false) await migrate(sql);
  if (options.jobQueue) await migrateJobQueue(url);
  return {
    sql,
    url,
    mode,
    async close() {
      await sql.end({ timeout: 5 });
      await dispose();
    },
  };
}
