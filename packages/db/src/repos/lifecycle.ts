/**
 * A job's life in the runs and analyses tables, as runners live it: claim, heartbeat (with cancel and lost-lease
 * detection), finish or hand back, and the reaper's view of dead runners and orphaned rows. Each status change
 * commits together with its event (NOTIFY is delivered at commit), and every write after the claim is fenced on
 * `worker_id`, so a runner that lost its job to another (its heartbeat went stale) can no longer change the row.
 */
import type { Sql } from '../connect';
import { SWEEP_KINDS } from '../domain';
import type { EventBus, RunStatus } from '../events';
import { transaction } from '../tx';
import { type AnalysisRaw, type AnalysisRow, mapAnalysis } from './analyses';
import { type CheckpointRow, createCheckpoint, type NewCheckpoint } from './checkpoints';
import { mapRun, type RunRaw, type RunRow } from './runs';
import { advanceSweep, lockSweepsOfRun } from './sweeps';

/** Who is claiming: the runner's worker id (fencing), its compute backend, and when a heartbeat counts as stale. */
export interface Claimant {
  workerId: string;
  backend?: string | null;
  staleMs: number;
}

const stale = (sql: Sql, staleMs: number) => sql`now() - ${staleMs}::int * interval '1 millisecond'`;

/**
 * Takes a run for this runner: QUEUED, or RUNNING under a runner whose heartbeat is stale (it died). Returns null
 * when the run is finished, missing, or held by a live runner (a duplicate job: nothing to do).
 */
export function claimRun(sql: Sql, bus: EventBus, who: Claimant, runId: string): Promise<RunRow | null> {
  return transaction(sql, async (tx) => {
    const [r] = await tx<RunRaw[]>`
      update runs set status = 'RUNNING', worker_id = ${who.workerId}, heartbeat_at = now(),
        attempt = attempt + 1, started_at = coalesce(started_at, now()), backend = ${who.backend ?? null}, error = null
      where id = ${runId} and (status = 'QUEUED' or (status = 'RUNNING' and (worker_id is null
        or heartbeat_at is null or heartbeat_at < ${stale(tx, who.staleMs)})))
      returning *`;
    if (!r) return null;
    await bus.publish(
      {
        type: 'run.status',
        runId: r.id,
        studyId: r.study_id,
        status: 'RUNNING',
        backend: who.backend ?? null,
      },
      tx,
    );
    const run = mapRun(r);
    return { ...run, hyperparameters: run.hyperparameters ?? {}, summary: run.summary ?? {} };
  });
}

/**
 * Ends a run (SUCCEEDED, FAILED or CANCELLED), or hands it back to the queue (QUEUED, when the runner stops).
 * Merges `summary` into the stored one. A run of a sweep whose siblings are all finished enqueues the sweep's
 * next step (its summary). Returns false when this runner no longer holds the run.
 */
export function finishRun(
  sql: Sql,
  bus: EventBus,
  who: Pick<Claimant, 'workerId' | 'backend'>,
  run: Pick<RunRow, 'id' | 'studyId'>,
  status: RunStatus,
  options: { error?: string | null; summary?: Record<string, unknown> } = {},
): Promise<boolean> {
  return transaction(sql, async (t) => {
    const sweeps = await lockSweepsOfRun(t, run.id);
    const queued = status === 'QUEUED';
    const rows = await t`
      update runs set status = ${status}, error = ${options.error ?? null},
        summary = summary || ${t.json((options.summary ?? {}) as never)}::jsonb,
        finished_at = ${queued ? null : t`now()`}, heartbeat_at = ${queued ? null : t`heartbeat_at`},
        worker_id = ${queued ? null : t`worker_id`}
      where id = ${run.id} and worker_id = ${who.workerId} and status = 'RUNNING'`;
    if (rows.count === 0) return false;
    await bus.publish(
      {
        type: 'run.status',
        runId: run.id,
        studyId: run.studyId,
        status,
        error: options.error ?? null,
        backend: who.backend ?? null,
      },
      t,
    );
    if (!queued) for (const s of sweeps) await advanceSweep(t, bus, s);
    return true;
  });
}

/** Where a run resumes from: its newest checkpoint and (if saved) the optimiser's momentum beside it. */
export interface ResumePoint {
  checkpointId: string;
  step: number;
  epoch: number;
  momentumHash: string | null;
}

/**
 * Stores a checkpoint a held run saved, and makes it the run's resume point, in one transaction with its
 * `checkpoint.saved` event. Null (nothing written) when another runner holds the run now.
 */
export function saveRunCheckpoint(
  sql: Sql,
  bus: EventBus,
  workerId: string,
  run: Pick<RunRow, 'id' | 'teamId' | 'studyId' | 'modelId'>,
  c: Omit<NewCheckpoint, 'modelId' | 'runId'> & { momentumHash: string | null },
): Promise<CheckpointRow | null> {
  return transaction(sql, async (t) => {
    const held = await t`select 1 from runs where id = ${run.id} and worker_id = ${workerId} for update`;
    if (held.count === 0) return null;
    const { momentumHash, ...checkpoint } = c;
    const row = await createCheckpoint(t, run.teamId, { ...checkpoint, modelId: run.modelId, runId: run.id });
    const resume: ResumePoint = { checkpointId: row.id, step: row.step, epoch: row.epoch, momentumHash };
    await t`update runs set summary = summary || ${t.json({ resume } as never)}::jsonb where id = ${run.id}`;
    await bus.publish(
      {
        type: 'checkpoint.saved',
        runId: run.id,
        studyId: run.studyId,
        checkpointId: row.id,
        step: row.step,
        epoch: row.epoch,
      },
      t,
    );
    return row;
  });
}

/** Takes an analysis (QUEUED, or RUNNING under a dead runner); null when there is nothing to do. Sweeps excluded. */
export function claimAnalysis(
  sql: Sql,
  bus: EventBus,
  who: Claimant,
  analysisId: string,
): Promise<AnalysisRow | null> {
  return transaction(sql, async (t) => {
    const [a] = await t<AnalysisRaw[]>`
      update analyses set status = 'RUNNING', worker_id = ${who.workerId}, heartbeat_at = now(),
        started_at = coalesce(started_at, now()), error = null, progress = 0
      where id = ${analysisId} and kind <> all(${t.array([...SWEEP_KINDS])}::text[])
        and (status = 'QUEUED' or (status = 'RUNNING' and (worker_id is null
        or heartbeat_at is null or heartbeat_at < ${stale(t, who.staleMs)})))
      returning *`;
    if (!a) return null;
    await bus.publish(
      { type: 'analysis.status', analysisId: a.id, studyId: a.study_id, status: 'RUNNING' },
      t,
    );
    const row = mapAnalysis(a);
    return { ...row, params: row.params ?? {} };
  });
}

/** Ends an analysis with its result (SUCCEEDED) or error, or hands it back (QUEUED). False when not held. */
export function finishAnalysis(
  sql: Sql,
  bus: EventBus,
  workerId: string,
  a: Pick<AnalysisRow, 'id' | 'studyId'>,
  status: RunStatus,
  options: { error?: string | null; result?: unknown } = {},
): Promise<boolean> {
  return transaction(sql, async (t) => {
    const queued = status === 'QUEUED';
    const rows = await t`
      update analyses set status = ${status}, error = ${options.error ?? null},
        result = ${options.result === undefined ? null : t.json(options.result as never)}::jsonb,
        progress = ${status === 'SUCCEEDED' ? 1 : t`progress`},
        finished_at = ${queued ? null : t`now()`}, heartbeat_at = ${queued ? null : t`heartbeat_at`},
        worker_id = ${queued ? null : t`worker_id`}
      where id = ${a.id} and worker_id = ${workerId} and status = 'RUNNING'`;
    if (rows.count === 0) return false;
    await bus.publish(
      { type: 'analysis.status', analysisId: a.id, studyId: a.studyId, status, error: options.error ?? null },
      t,
    );
    return true;
  });
}

/** What a heartbeat found: the job is no longer this runner's (`lost`), a cancel was requested, or neither. */
export type HeartbeatVerdict = 'held' | 'lost' | 'cancel';

/**
 * One heartbeat of a held run (`write`: stamps `heartbeat_at`; else only reads, for the cheap per-batch cancel
 * check). `lost` when the run is not RUNNING under this runner any more.
 */
export async function heartbeatRun(
  sql: Sql,
  workerId: string,
  runId: string,
  write: boolean,
): Promise<HeartbeatVerdict> {
  const [r] = write
    ? await sql<{ cancel: boolean }[]>`
        update runs set heartbeat_at = now() where id = ${runId} and worker_id = ${workerId}
          and status = 'RUNNING' returning cancel_requested_at is not null as cancel`
    : await sql<{ cancel: boolean }[]>`
        select cancel_requested_at is not null as cancel from runs
        where id = ${runId} and worker_id = ${workerId} and status = 'RUNNING'`;
  return !r ? 'lost' : r.cancel ? 'cancel' : 'held';
}

/** One heartbeat of a held analysis, storing `progress` (0–1) when given. */
export async function heartbeatAnalysis(
  sql: Sql,
  workerId: string,
  analysisId: string,
  write: boolean,
  progress: number | null,
): Promise<Exclude<HeartbeatVerdict, 'cancel'>> {
  const rows = write
    ? await sql`
        update analyses set heartbeat_at = now(), progress = coalesce(${progress}::float8, progress)
        where id = ${analysisId} and worker_id = ${workerId} and status = 'RUNNING'`
    : await sql`select 1 from analyses where id = ${analysisId} and worker_id = ${workerId} and status = 'RUNNING'`;
  return rows.count === 0 ? 'lost' : 'held';
}

/** Worker ids (as stored in `worker_id`) holding RUNNING runs or analyses with a stale heartbeat. */
export async function staleWorkerIds(sql: Sql, staleMs: number): Promise<string[]> {
  const rows = await sql<{ worker_id: string }[]>`
    select worker_id from runs where status = 'RUNNING' and worker_id is not null
      and heartbeat_at < ${stale(sql, staleMs)}
    union
    select worker_id from analyses where status = 'RUNNING' and worker_id is not null
      and heartbeat_at < ${stale(sql, staleMs)}`;
  return rows.map((r) => r.worker_id);
}

/**
 * Unlocks every graphile-worker job locked by these (dead) workers (`force_unlock_workers`), so live runners pick
 * them up. Returns the workers that held a lock.
 */
export async function unlockJobsOfWorkers(sql: Sql, graphileWorkerIds: readonly string[]): Promise<string[]> {
  if (graphileWorkerIds.length === 0) return [];
  const locked = await sql<{ locked_by: string }[]>`
    select distinct locked_by from graphile_worker.jobs where locked_by = any(${sql.array([...graphileWorkerIds])}::text[])`;
  if (locked.length === 0) return [];
  const dead = locked.map((r) => r.locked_by);
  await sql`select graphile_worker.force_unlock_workers(${sql.array(dead)}::text[])`;
  return dead;
}

/**
 * Fails runs and analyses that nobody will ever finish: RUNNING with a stale heartbeat (their runner died) and no
 * job left to resume them (graphile-worker spent the job's attempts on crashes, or the job is gone). Called after
 * dead runners' jobs were freed, so a job still locked here is held by a live runner and left alone. A failed
 * sweep child advances its sweep. Returns how many rows were failed.
 */
export async function failOrphans(sql: Sql, bus: EventBus, staleMs: number): Promise<number> {
  let failed = 0;
  for (const table of ['runs', 'analyses'] as const) {
    const prefix = table === 'runs' ? 'run:' : 'analysis:';
    const rows = await sql<{ id: string; heartbeat_at: Date }[]>`
      select t.id, t.heartbeat_at from ${sql(table)} t
      where t.status = 'RUNNING' and t.heartbeat_at < ${stale(sql, staleMs)}
        and not exists (select 1 from graphile_worker.jobs j where j.key = ${prefix} || t.id
          and (j.attempts < j.max_attempts or j.locked_at is not null))`;
    for (const r of rows) {
      const error = `its runner stopped responding (last heartbeat ${r.heartbeat_at.toISOString()}) and its job has no attempts left`;
      await transaction(sql, async (t) => {
        if (table === 'runs') {
          const sweeps = await lockSweepsOfRun(t, r.id);
          const [u] = await t<{ study_id: string | null }[]>`
            update runs set status = 'FAILED', error = ${error}, finished_at = now()
            where id = ${r.id} and status = 'RUNNING' and heartbeat_at < ${stale(t, staleMs)}
            returning study_id`;
          if (!u) return;
          await bus.publish(
            { type: 'run.status', runId: r.id, studyId: u.study_id, status: 'FAILED', error },
            t,
          );
          for (const s of sweeps) await advanceSweep(t, bus, s);
        } else {
          const [u] = await t<{ study_id: string | null }[]>`
            update analyses set status = 'FAILED', error = ${error}, finished_at = now()
            where id = ${r.id} and status = 'RUNNING' and heartbeat_at < ${stale(t, staleMs)}
            returning study_id`;
          if (!u) return;
          await bus.publish(
            { type: 'analysis.status', analysisId: r.id, studyId: u.study_id, status: 'FAILED', error },
            t,
          );
        }
        failed++;
      });
    }
  }
  return failed;
}

/** The flags of queued (unlocked) graphile-worker jobs, for a runner's `forbiddenFlags`. */
export async function queuedJobFlags(sql: Sql): Promise<string[]> {
  const rows = await sql<{ flag: string }[]>`
    select distinct f.flag from graphile_worker.jobs j, jsonb_object_keys(j.flags) as f(flag)
    where j.flags is not null and j.locked_at is null`;
  return rows.map((r) => r.flag);
}
