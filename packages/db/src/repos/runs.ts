import type { Sql } from '../connect';
import type { RunInit, RunKind } from '../domain';
import type { RunStatus } from '../events';
import { idArray } from './ids';

export type { RunInit, RunKind };

/** A training run (pretraining or fine-tuning). */
export interface RunRow {
  id: string;
  teamId: string;
  studyId: string | null;
  name: string;
  kind: RunKind;
  init: RunInit;
  initCheckpointId: string | null;
  datasetId: string;
  modelId: string;
  /** null = no shuffle, 0 = pixel shuffle "*", b = b×b blocks. */
  blockSize: number | null;
  seed: number;
  hyperparameters: Record<string, unknown>;
  status: RunStatus;
  backend: string | null;
  error: string | null;
  /** The sweep that fanned this run out (its owner); a sweep may also count runs it did not create (sweep_runs). */
  sweepAnalysisId: string | null;
  attempt: number;
  workerId: string | null;
  heartbeatAt: Date | null;
  cancelRequestedAt: Date | null;
  summary: Record<string, unknown>;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** Which runs to list; every given field must match. */
export interface RunFilter {
  studyId?: string;
  kind?: RunKind;
  init?: RunInit;
  datasetId?: string;
  modelId?: string;
  /** Exact block size (0 = pixel shuffle). */
  blockSize?: number;
  /** true: only unshuffled runs (block size null); false: only shuffled ones. */
  unshuffled?: boolean;
  statuses?: readonly RunStatus[];
  seed?: number;
  initCheckpointId?: string;
  /** Runs a sweep counts: the ones it fanned out and the existing ones it reuses. */
  sweepAnalysisId?: string;
}

/** Page request: runs after the run `afterId` in `order`, at most `first`. */
export interface RunPage {
  first: number;
  afterId?: string | null;
  order?: 'NEWEST_FIRST' | 'OLDEST_FIRST';
}

/** What `createRun` stores (status QUEUED). */
export interface NewRun {
  studyId?: string | null;
  name?: string;
  kind: RunKind;
  init: RunInit;
  initCheckpointId?: string | null;
  datasetId: string;
  modelId: string;
  blockSize?: number | null;
  seed?: number;
  hyperparameters?: Record<string, unknown>;
  sweepAnalysisId?: string | null;
}

/** A `runs` row as PostgreSQL returns it (`select *`). */
export interface RunRaw {
  id: string;
  team_id: string;
  study_id: string | null;
  name: string;
  kind: RunKind;
  init: RunInit;
  init_checkpoint_id: string | null;
  dataset_id: string;
  model_id: string;
  block_size: number | null;
  seed: number;
  hyperparameters: Record<string, unknown>;
  status: RunStatus;
  backend: string | null;
  error: string | null;
  sweep_analysis_id: string | null;
  attempt: number;
  worker_id: string | null;
  heartbeat_at: Date | null;
  cancel_requested_at: Date | null;
  summary: Record<string, unknown>;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

/** A `runs` row in the shape every package uses. */
export const mapRun = (r: RunRaw): RunRow => ({
  id: r.id,
  teamId: r.team_id,
  studyId: r.study_id,
  name: r.name,
  kind: r.kind,
  init: r.init,
  initCheckpointId: r.init_checkpoint_id,
  datasetId: r.dataset_id,
  modelId: r.model_id,
  blockSize: r.block_size,
  seed: r.seed,
  hyperparameters: r.hyperparameters,
  status: r.status,
  backend: r.backend,
  error: r.error,
  sweepAnalysisId: r.sweep_analysis_id,
  attempt: r.attempt,
  workerId: r.worker_id,
  heartbeatAt: r.heartbeat_at,
  cancelRequestedAt: r.cancel_requested_at,
  summary: r.summary,
  createdAt: r.created_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
});

function where(sql: Sql, teamId: string, f: RunFilter) {
  const c = [sql`team_id = ${teamId}`];
  if (f.studyId !== undefined) c.push(sql`study_id = ${f.studyId}`);
  if (f.kind !== undefined) c.push(sql`kind = ${f.kind}`);
  if (f.init !== undefined) c.push(sql`init = ${f.init}`);
  if (f.datasetId !== undefined) c.push(sql`dataset_id = ${f.datasetId}`);
  if (f.modelId !== undefined) c.push(sql`model_id = ${f.modelId}`);
  if (f.blockSize !== undefined) c.push(sql`block_size = ${f.blockSize}`);
  if (f.unshuffled === true) c.push(sql`block_size is null`);
  if (f.unshuffled === false) c.push(sql`block_size is not null`);
  if (f.statuses !== undefined) c.push(sql`status = any(${sql.array([...f.statuses])}::text[])`);
  if (f.seed !== undefined) c.push(sql`seed = ${f.seed}`);
  if (f.initCheckpointId !== undefined) c.push(sql`init_checkpoint_id = ${f.initCheckpointId}`);
  if (f.sweepAnalysisId !== undefined)
    c.push(sql`id in (select run_id from sweep_runs where analysis_id = ${f.sweepAnalysisId})`);
  return c.reduce((a, b) => sql`${a} and ${b}`);
}

/**
 * One page of a team's runs (keyset pagination on id). Returns up to `first + 1` rows so the caller can tell
 * whether a next page exists without a second query.
 */
export async function listRuns(
  sql: Sql,
  teamId: string,
  filter: RunFilter,
  page: RunPage,
): Promise<RunRow[]> {
  const newest = (page.order ?? 'NEWEST_FIRST') === 'NEWEST_FIRST';
  const after = page.afterId ?? null;
  const rows = await sql<RunRaw[]>`
    select * from runs where ${where(sql, teamId, filter)}
      ${after === null ? sql`` : newest ? sql`and id < ${after}` : sql`and id > ${after}`}
    order by id ${newest ? sql`desc` : sql`asc`} limit ${page.first + 1}`;
  return rows.map(mapRun);
}

/** Number of a team's runs matching `filter`. */
export async function countRuns(sql: Sql, teamId: string, filter: RunFilter): Promise<number> {
  const [r] = await sql<{ n: string }[]>`select count(*) as n from runs where ${where(sql, teamId, filter)}`;
  return Number(r?.n ?? 0);
}

/** Run counts per study (for DataLoader); studies without runs map to 0. */
export async function countRunsByStudyIds(
  sql: Sql,
  teamId: string,
  studyIds: readonly string[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>(studyIds.map((s) => [s, 0]));
  if (studyIds.length === 0) return out;
  const rows = await sql<{ study_id: string; n: string }[]>`
    select study_id, count(*) as n from runs
    where team_id = ${teamId} and study_id = any(${idArray(sql, studyIds)}::bigint[]) group by study_id`;
  for (const r of rows) out.set(r.study_id, Number(r.n));
  return out;
}

/** A team's runs by id (any order; other teams' and missing ids are absent). */
export async function runsByIds(sql: Sql, teamId: string, ids: readonly string[]): Promise<RunRow[]> {
  if (ids.length === 0) return [];
  const rows = await sql<RunRaw[]>`
    select * from runs where team_id = ${teamId} and id = any(${idArray(sql, ids)}::bigint[])`;
  return rows.map(mapRun);
}

/** Runs started from any of these checkpoints (lineage downwards), oldest first. */
export async function runsByInitCheckpointIds(
  sql: Sql,
  teamId: string,
  checkpointIds: readonly string[],
): Promise<RunRow[]> {
  if (checkpointIds.length === 0) return [];
  const rows = await sql<RunRaw[]>`
    select * from runs where team_id = ${teamId}
      and init_checkpoint_id = any(${idArray(sql, checkpointIds)}::bigint[]) order by id`;
  return rows.map(mapRun);
}

/**
 * The runs each of these sweeps counts (fanned out or reused, see {@link addSweepRuns}), oldest first, each with the
 * sweep it was asked for (a reused run can belong to several).
 */
export async function runsBySweepAnalysisIds(
  sql: Sql,
  teamId: string,
  analysisIds: readonly string[],
): Promise<(RunRow & { sweepId: string })[]> {
  if (analysisIds.length === 0) return [];
  const rows = await sql<(RunRaw & { member_of: string })[]>`
    select r.*, m.analysis_id as member_of from sweep_runs m join runs r on r.id = m.run_id
    where r.team_id = ${teamId} and m.analysis_id = any(${idArray(sql, analysisIds)}::bigint[])
    order by r.id`;
  return rows.map((r) => ({ ...mapRun(r), sweepId: r.member_of }));
}

/**
 * A fine-tune of the study that trains exactly this point (same dataset, model, init, init checkpoint, block size,
 * seed and hyperparameters) and has not failed or been cancelled: the oldest finished one, else the oldest live one;
 * null when there is none. Runs outside a study are never matched.
 */
export async function findEquivalentRun(sql: Sql, teamId: string, p: NewRun): Promise<RunRow | null> {
  if (!p.studyId) return null;
  const [r] = await sql<RunRaw[]>`
    select * from runs
    where team_id = ${teamId} and study_id = ${p.studyId} and kind = ${p.kind}
      and dataset_id = ${p.datasetId} and model_id = ${p.modelId} and init = ${p.init}
      and init_checkpoint_id is not distinct from ${p.initCheckpointId ?? null}::bigint
      and block_size is not distinct from ${p.blockSize ?? null}::integer
      and seed = ${p.seed ?? 0}
      and hyperparameters = ${sql.json((p.hyperparameters ?? {}) as never)}::jsonb
      and status in ('QUEUED', 'RUNNING', 'SUCCEEDED') and cancel_requested_at is null
    order by (status = 'SUCCEEDED') desc, id limit 1`;
  return r ? mapRun(r) : null;
}

/** Inserts runs with status QUEUED (one statement), in input order; a sweep's own runs are also listed as its runs. */
export async function createRuns(sql: Sql, teamId: string, runs: readonly NewRun[]): Promise<RunRow[]> {
  if (runs.length === 0) return [];
  const values = runs.map((r) => ({
    team_id: teamId,
    study_id: r.studyId ?? null,
    name: r.name ?? '',
    kind: r.kind,
    init: r.init,
    init_checkpoint_id: r.initCheckpointId ?? null,
    dataset_id: r.datasetId,
    model_id: r.modelId,
    block_size: r.blockSize ?? null,
    seed: r.seed ?? 0,
    hyperparameters: sql.json((r.hyperparameters ?? {}) as never),
    sweep_analysis_id: r.sweepAnalysisId ?? null,
  }));
  const rows = await sql<RunRaw[]>`
    insert into runs ${sql(values as never)} returning *`;
  const members = rows.flatMap((r) =>
    r.sweep_analysis_id ? [{ analysis_id: r.sweep_analysis_id, run_id: r.id }] : [],
  );
  if (members.length > 0) await sql`insert into sweep_runs ${sql(members as never)}`;
  return rows.map(mapRun).sort((a, b) => Number(a.id) - Number(b.id));
}

/**
 * Asks a run to stop: records `cancel_requested_at` (the runner checks it between steps) and, when no runner has
 * claimed it yet, marks it CANCELLED at once. Returns the updated run, or null when the team has no such run.
 * A run that already finished is returned unchanged.
 */
export async function requestRunCancel(sql: Sql, teamId: string, runId: string): Promise<RunRow | null> {
  const [r] = await sql<RunRaw[]>`
    update runs set
      cancel_requested_at = coalesce(cancel_requested_at, now()),
      status = case when status = 'QUEUED' then 'CANCELLED' else status end,
      finished_at = case when status = 'QUEUED' then now() else finished_at end
    where team_id = ${teamId} and id = ${runId} and status in ('QUEUED', 'RUNNING')
    returning *`;
  if (r) return mapRun(r);
  const [existing] = await runsByIds(sql, teamId, [runId]);
  return existing ?? null;
}

/** Metric keys (with step extents) of many runs, for DataLoader. */
export async function metricKeysByRunIds(
  sql: Sql,
  runIds: readonly string[],
): Promise<{ runId: string; key: string; minStep: number; maxStep: number }[]> {
  if (runIds.length === 0) return [];
  const rows = await sql<{ run_id: string; key: string; min_step: string; max_step: string }[]>`
    select r.run_id, k.name as key, r.min_step, r.max_step
    from run_metric_keys r join metric_keys k on k.id = r.key_id
    where r.run_id = any(${idArray(sql, runIds)}::bigint[]) order by r.run_id, k.name`;
  return rows.map((r) => ({
    runId: r.run_id,
    key: r.key,
    minStep: Number(r.min_step),
    maxStep: Number(r.max_step),
  }));
}
