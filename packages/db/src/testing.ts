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

/**
 * Inserts the minimum rows a run needs (team, dataset, model) and `count` runs; returns the run ids.
 * For tests and benchmarks that need runs to hang metrics on.
 */
export async function seedRuns(sql: Sql, count = 1, team = 'test-team'): Promise<string[]> {
  const [t] = await sql<{ id: string }[]>`
    insert into teams (name) values (${team}) on conflict (name) do update set name = excluded.name returning id`;
  const [d] = await sql<{ id: string }[]>`
    insert into datasets (team_id, name, kind, image_shape, classes, train_size, test_size)
    values (${t!.id}, ${`mnist-${randomBytes(3).toString('hex')}`}, 'MNIST', '{28,28,1}', ${sql.array(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])}, 60000, 10000)
    returning id`;
  const [m] = await sql<{ id: string }[]>`
    insert into models (team_id, name, family, depth, width, input_shape, num_classes, modules)
    values (${t!.id}, 'resnet', 'resnet', 8, 16, '{28,28,1}', 10, ${sql.array(['conv1', 'layer1.0', 'fc'])})
    returning id`;
  const rows = await sql<{ id: string }[]>`
    insert into runs (team_id, kind, init, dataset_id, model_id, seed)
    select ${t!.id}, 'PRETRAIN', 'RANDOM', ${d!.id}, ${m!.id}, g from generate_series(1, ${count}) g
    returning id`;
  return rows.map((r) => r.id);
}
