import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
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

/** A PostgreSQL server of a test's own (its own data folder and port), which the test may stop and restart. */
export interface ScratchPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`: give it to createTestDatabase as DATABASE_URL. */
  url: string;
  /** Stops the server (fast shutdown: open connections are terminated), waits `downMs`, starts it again. */
  restart(downMs: number): Promise<void>;
  /** Stops the server and deletes its data folder. */
  stop(): Promise<void>;
}

/**
 * Starts a throwaway PostgreSQL server with the machine's own binaries (`/usr/lib/postgresql/<v>/bin`), for fault
 * tests that must restart the server under a running client; the shared server on 5432 is never touched.
 * Run as root, the server runs as the `postgres` user (initdb refuses root).
 * @returns `{ skip }` (the reason) when there are no PostgreSQL server binaries here.
 */
export async function startScratchPostgres(): Promise<ScratchPostgres | { skip: string }> {
  const run = promisify(execFile);
  const base = '/usr/lib/postgresql';
  const version = existsSync(base)
    ? readdirSync(base)
        .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))[0]
    : undefined;
  if (!version) return { skip: `no PostgreSQL server binaries under ${base}` };
  const bin = (name: string) => join(base, version, 'bin', name);
  const root = process.getuid?.() === 0;
  let uid = 0;
  let gid = 0;
  if (root) {
    const { stdout } = await run('id', ['-u', 'postgres']).catch(() => ({ stdout: '' }));
    if (!stdout.trim()) return { skip: 'running as root and there is no postgres user to run a server as' };
    uid = Number(stdout.trim());
    gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
  }
  const as = (cmd: string, args: string[]) =>
    root ? run('runuser', ['-u', 'postgres', '--', cmd, ...args]) : run(cmd, args);
  const port = await new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const dir = await mkdtemp(join(tmpdir(), 'basin-scratch-pg-'));
  if (root) await chown(dir, uid, gid);
  const data = join(dir, 'data');
  await as(bin('initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = () => as(bin('pg_ctl'), ['-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', 'start']);
  const stopNow = () => as(bin('pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async restart(downMs) {
      await stopNow();
      await new Promise((r) => setTimeout(r, downMs));
      await start();
    },
    async stop() {
      await stopNow().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}
