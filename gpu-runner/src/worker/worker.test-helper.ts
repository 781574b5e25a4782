/** Shared pieces of the runner tests: a seeded database, queued runs and analyses, spawned runner processes. */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type BasinEvent,
  BlobStore,
  createEventBus,
  createTestDatabase,
  type EventBus,
  enqueueFlaggedJob,
  jobFlags,
  rawMetric,
  type Sql,
  type TestDatabase,
  transaction,
} from '@basin/db';
import { createLogger } from '@basin/service';
import { backendInfo, initBackend } from '../backend/backend';
import { encodeModelCheckpoint } from '../checkpoint/checkpoint';
import { ResNet } from '../model/resnet';
import { resnetSpec } from '../model/spec';
import type { RunnerConfig } from './config';

const RUNNER_DIR = fileURLToPath(new URL('../../', import.meta.url));

/** Tiny synthetic images: 8×8×3, 10 classes. */
export const SHAPE: [number, number, number] = [8, 8, 3];

/** A test database with graphile-worker, a team, a small synthetic dataset and a ResNet-8 w4 model. */
export interface Fixture {
  db: TestDatabase;
  sql: Sql;
  bus: EventBus;
  home: string;
  blobs: BlobStore;
  teamId: string;
  datasetId: string;
  modelId: string;
  /** Events seen since the fixture opened. */
  events: BasinEvent[];
  close(): Promise<void>;
}

/** Opens a {@link Fixture} (DATABASE_URL set: a fresh database on that server; unset: embedded PGlite). */
export async function openFixture(
  options: { trainSize?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<Fixture> {
  const db = await createTestDatabase({ jobQueue: true, env: options.env });
  const home = await mkdtemp(join(tmpdir(), 'basin-runner-test-'));
  const sql = db.sql;
  const [t] = await sql<{ id: string }[]>`insert into teams (name) values ('runner-test') returning id`;
  const [d] = await sql<{ id: string }[]>`
    insert into datasets (team_id, name, kind, domain, image_shape, classes, train_size, test_size, spec)
    values (${t!.id}, 'photo-8px', 'SYNTHETIC_DOMAIN', 'photo', '{8,8,3}',
      ${sql.array(Array.from({ length: 10 }, (_, i) => `c${i}`))}, ${options.trainSize ?? 256}, 64,
      ${sql.json({ trainSize: options.trainSize ?? 256, testSize: 64 })})
    returning id`;
  const [m] = await sql<{ id: string }[]>`
    insert into models (team_id, name, family, depth, width, input_shape, num_classes, modules)
    values (${t!.id}, 'resnet8-w4', 'resnet', 8, 4, '{8,8,3}', 10,
      ${sql.array(['conv1', 'layer1.0', 'layer2.0', 'layer3.0', 'fc'])})
    returning id`;
  const bus = createEventBus(sql);
  const events: BasinEvent[] = [];
  await bus.subscribe({}, (e) => events.push(e));
  return {
    db,
    sql,
    bus,
    home,
    blobs: new BlobStore(join(home, 'blobs')),
    teamId: t!.id,
    datasetId: d!.id,
    modelId: m!.id,
    events,
    async close() {
      await bus.close().catch(() => {});
      await db.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** Training settings small enough for the test budget. */
export const TINY = { epochs: 2, batchSize: 32, learningRate: 0.05, checkpointEvery: 1 };

/** Inserts a run and enqueues its job (with dataset flags unless `flags: false`). */
export async function queueRun(
  f: Fixture,
  run: {
    kind?: 'PRETRAIN' | 'FINETUNE';
    init?: 'PRETRAINED' | 'RANDOM';
    initCheckpointId?: string | null;
    datasetId?: string;
    seed?: number;
    blockSize?: number | null;
    hyperparameters?: Record<string, unknown>;
    flags?: boolean;
  } = {},
): Promise<string> {
  const kind = run.kind ?? 'PRETRAIN';
  const datasetId = run.datasetId ?? f.datasetId;
  return transaction(f.sql, async (t) => {
    const [r] = await t<{ id: string }[]>`
      insert into runs (team_id, kind, init, init_checkpoint_id, dataset_id, model_id, seed, block_size, hyperparameters)
      values (${f.teamId}, ${kind}, ${run.init ?? 'RANDOM'}, ${run.initCheckpointId ?? null}, ${datasetId}, ${f.modelId},
        ${run.seed ?? 1}, ${run.blockSize ?? null}, ${t.json((run.hyperparameters ?? TINY) as never)})
      returning id`;
    await enqueueFlaggedJob(
      t,
      kind === 'PRETRAIN' ? 'pretrain' : 'finetune',
      { runId: r!.id },
      run.flags === false ? [] : jobFlags({ datasetIds: [datasetId] }),
    );
    return r!.id;
  });
}

/** Inserts an analysis of checkpoints and enqueues its job. */
export async function queueAnalysis(
  f: Fixture,
  kind: string,
  checkpointIds: string[],
  params: Record<string, unknown> = {},
): Promise<string> {
  return transaction(f.sql, async (t) => {
    const [a] = await t<{ id: string }[]>`
      insert into analyses (team_id, kind, params) values (${f.teamId}, ${kind}, ${t.json(params as never)}) returning id`;
    for (const [i, c] of checkpointIds.entries())
      await t`insert into analysis_inputs (analysis_id, position, role, checkpoint_id) values (${a!.id}, ${i}, ${String.fromCharCode(97 + i)}, ${c})`;
    await enqueueFlaggedJob(t, 'analysis', { analysisId: a!.id }, jobFlags({ datasetIds: [f.datasetId] }));
    return a!.id;
  });
}

/** Stores a randomly initialised ResNet-8 w4 as an imported checkpoint (no run); returns its id. */
export async function importCheckpoint(
  f: Fixture,
  seed: number,
  classes = 10,
  shape: [number, number, number] = SHAPE,
): Promise<string> {
  if (!backendInfo()) await initBackend({ backend: 'cpu' }); // weights are drawn in JS: any backend gives the same
  const model = ResNet.create(resnetSpec(shape, classes, { depth: 8, width: 4 }), { seed });
  try {
    const { hash, size } = await f.blobs.put(encodeModelCheckpoint(model));
    const [c] = await f.sql<{ id: string }[]>`
      insert into checkpoints (team_id, model_id, blob_hash, blob_size) values (${f.teamId}, ${f.modelId}, ${hash}, ${size})
      returning id`;
    return c!.id;
  } finally {
    model.dispose();
  }
}

/** Polls `check` every 100 ms until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Waits until run `runId` is past its first checkpoint (a checkpoint at step ≥ `perEpoch`, metrics logged after it):
 * the moment the fault tests break in, with work both saved and unsaved.
 * @returns the newest checkpoint's step.
 */
export function waitPastFirstCheckpoint(f: Fixture, runId: string, perEpoch: number): Promise<number> {
  return waitFor(
    'the run to be past its first checkpoint',
    async () => {
      const [c] = await f.sql<{ ckpt: string | null; step: string | null }[]>`
        select (select max(step) from checkpoints where run_id = ${runId}) as ckpt,
          (select max(step) from metric_points where run_id = ${runId}) as step`;
      const ckpt = Number(c!.ckpt ?? -1);
      return ckpt >= perEpoch && Number(c!.step ?? -1) > ckpt + 1 ? ckpt : undefined;
    },
    120_000,
  );
}

/** Waits until run `runId` ends (SUCCEEDED, FAILED or CANCELLED); returns its status row. */
export function waitForEnd(f: Fixture, runId: string, timeoutMs = 120_000) {
  return waitFor(
    `run ${runId} to end`,
    async () => {
      const s = await runStatus(f.sql, runId);
      return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(s.status) ? s : undefined;
    },
    timeoutMs,
  );
}

/**
 * Asserts that a finished run of `epochs` epochs of `perEpoch` batches kept every metric point exactly once (each
 * batch loss and each epoch's test accuracy, nothing missing, nothing twice) and one checkpoint per epoch plus the
 * initial one. What every fault test ends with.
 * @returns the batch losses, in step order.
 */
export async function assertEveryPointOnce(f: Fixture, runId: string, perEpoch: number, epochs: number) {
  const loss = await rawMetric(f.sql, runId, 'train/batch_loss', { limit: 100_000 });
  assert.deepEqual(
    loss.map((p) => p.step),
    Array.from({ length: perEpoch * epochs }, (_, i) => i + 1),
    'every batch loss once, none missing',
  );
  assert.deepEqual(
    (await rawMetric(f.sql, runId, 'test/acc')).map((p) => p.step),
    Array.from({ length: epochs }, (_, e) => perEpoch * (e + 1)),
  );
  const [dup] = await f.sql<{ n: string }[]>`
    select count(*) - count(distinct (key_id, step)) as n from metric_points where run_id = ${runId}`;
  assert.equal(Number(dup!.n), 0);
  const ckpts = await f.sql<{ step: string }[]>`
    select step from checkpoints where run_id = ${runId} order by step`;
  assert.deepEqual(
    ckpts.map((c) => Number(c.step)),
    Array.from({ length: epochs + 1 }, (_, e) => perEpoch * e),
    'one checkpoint per epoch and the initial one, none written twice',
  );
  return loss;
}

/** Status (and error) of a run. */
export async function runStatus(sql: Sql, id: string) {
  const [r] = await sql<
    {
      status: string;
      error: string | null;
      attempt: number;
      worker_id: string | null;
      summary: Record<string, unknown>;
    }[]
  >`
    select status, error, attempt, worker_id, summary from runs where id = ${id}`;
  return r!;
}

/** Status, error and result of an analysis. */
export async function analysisStatus(sql: Sql, id: string) {
  const [a] = await sql<{ status: string; error: string | null; result: Record<string, unknown> | null }[]>`
    select status, error, result from analyses where id = ${id}`;
  return a!;
}

/** Runner settings for tests: quick heartbeats and stale detection, no waiting on batches. */
export function testConfig(f: Fixture, name = 'runner-t'): RunnerConfig {
  return {
    databaseUrl: f.db.url,
    basinHome: f.home,
    name,
    concurrency: 1,
    heartbeatMs: 250,
    staleMs: 3000,
    reapMs: 500,
    progressMs: 0,
    metricsBatch: 100,
    metricsFlushMs: 200,
    pollMs: 250,
    cancelCheckMs: 0,
    threads: null,
    dataRoots: [f.home],
    dbOutageMs: 60_000,
  };
}

/** A quiet logger for in-process runners (BASIN_LOG_LEVEL=info shows it). */
export const testLog = createLogger('runner-test', {
  level: (process.env.BASIN_LOG_LEVEL as 'info') ?? 'warn',
});

/** A runner process started with `npm start`'s entry (src/main.ts); its output is kept for diagnostics. */
export interface RunnerProcess {
  child: ChildProcess;
  output: string[];
  /** Resolves when the process has exited. */
  exited: Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Spawns `node --import tsx src/main.ts` against the fixture's database and blob store. */
export function spawnRunner(f: Fixture, name: string, env: NodeJS.ProcessEnv = {}): RunnerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: RUNNER_DIR,
    env: {
      ...process.env,
      DATABASE_URL: f.db.url,
      BASIN_HOME: f.home,
      BASIN_SERVICE_ID: name,
      BASIN_RUNNER_HEARTBEAT_MS: '250',
      BASIN_RUNNER_STALE_MS: '3000',
      BASIN_RUNNER_REAP_MS: '500',
      BASIN_RUNNER_POLL_MS: '250',
      BASIN_RUNNER_METRICS_FLUSH_MS: '200',
      BASIN_SUPERVISOR_PID: String(process.pid),
      BASIN_LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const keep = (b: Buffer) => output.push(...b.toString().split('\n').filter(Boolean));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output,
    exited,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
