/**
 * Status changes of runs and analyses. Each happens in one transaction with its event (NOTIFY is delivered at
 * commit), and every write after the claim is fenced on `worker_id`, so a runner that lost its job to another
 * (its heartbeat went stale) can no longer change the row.
 */
import type { RunStatus, Sql } from '@basin/db';
import type { JobEnv } from './context';
import { enqueueSweepAdvance } from './sweep-trigger';

/** The columns of `runs` a handler needs. */
export interface ClaimedRun {
  id: string;
  teamId: string;
  studyId: string | null;
  kind: 'PRETRAIN' | 'FINETUNE';
  init: 'PRETRAINED' | 'RANDOM';
  initCheckpointId: string | null;
  datasetId: string;
  modelId: string;
  blockSize: number | null;
  seed: number;
  hyperparameters: Record<string, unknown>;
  sweepAnalysisId: string | null;
  attempt: number;
  cancelRequested: boolean;
  summary: Record<string, unknown>;
}

interface RunRaw {
  id: string;
  team_id: string;
  study_id: string | null;
  kind: 'PRETRAIN' | 'FINETUNE';
  init: 'PRETRAINED' | 'RANDOM';
  init_checkpoint_id: string | null;
  dataset_id: string;
  model_id: string;
  block_size: number | null;
  seed: number;
  hyperparameters: Record<string, unknown>;
  sweep_analysis_id: string | null;
  attempt: number;
  cancel_requested_at: Date | null;
  summary: Record<string, unknown>;
}

const TERMINAL: readonly RunStatus[] = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

/** True for SUCCEEDED, FAILED and CANCELLED. */
export const isTerminal = (s: RunStatus): boolean => TERMINAL.includes(s);

/**
 * Takes a run for this runner: QUEUED, or RUNNING under a runner whose heartbeat is stale (it died). Returns null
 * when the run is finished, missing, or held by a live runner (a duplicate job: nothing to do).
 */
export async function claimRun(env: JobEnv, runId: string): Promise<ClaimedRun | null> {
  return env.sql.begin(async (tx) => {
    const [r] = await tx<RunRaw[]>`
      update runs set status = 'RUNNING', worker_id = ${env.workerId}, heartbeat_at = now(),
        attempt = attempt + 1, started_at = coalesce(started_at, now()), backend = ${env.backend}, error = null
      where id = ${runId} and (status = 'QUEUED' or (status = 'RUNNING' and (worker_id is null
        or heartbeat_at is null or heartbeat_at < now() - ${env.config.staleMs}::int * interval '1 millisecond')))
      returning id, team_id, study_id, kind, init, init_checkpoint_id, dataset_id, model_id, block_size, seed,
        hyperparameters, sweep_analysis_id, attempt, cancel_requested_at, summary`;
    if (!r) return null;
    await env.bus.publish(
      { type: 'run.status', runId: r.id, studyId: r.study_id, status: 'RUNNING', backend: env.backend },
      tx as unknown as Sql,
    );
    return {
      id: r.id,
      teamId: r.team_id,
      studyId: r.study_id,
      kind: r.kind,
      init: r.init,
      initCheckpointId: r.init_checkpoint_id,
      datasetId: r.dataset_id,
      modelId: r.model_id,
      blockSize: r.block_size,
      seed: r.seed,
      hyperparameters: r.hyperparameters ?? {},
      sweepAnalysisId: r.sweep_analysis_id,
      attempt: r.attempt,
      cancelRequested: r.cancel_requested_at !== null,
      summary: r.summary ?? {},
    };
  }) as Promise<ClaimedRun | null>;
}

/**
 * Ends a run (SUCCEEDED, FAILED or CANCELLED), or hands it back to the queue (QUEUED, when the runner stops).
 * Merges `summary` into the stored one. A run of a sweep whose siblings are all finished enqueues the sweep's
 * next step (its summary). Returns false when this runner no longer holds the run.
 */
export async function finishRun(
  env: JobEnv,
  run: Pick<ClaimedRun, 'id' | 'studyId' | 'sweepAnalysisId'>,
  status: RunStatus,
  options: { error?: string | null; summary?: Record<string, unknown> } = {},
): Promise<boolean> {
  return env.sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    if (run.sweepAnalysisId) await t`select id from analyses where id = ${run.sweepAnalysisId} for update`;
    const queued = status === 'QUEUED';
    const rows = await t`
      update runs set status = ${status}, error = ${options.error ?? null},
        summary = summary || ${t.json((options.summary ?? {}) as never)}::jsonb,
        finished_at = ${queued ? null : t`now()`}, heartbeat_at = ${queued ? null : t`heartbeat_at`},
        worker_id = ${queued ? null : t`worker_id`}
      where id = ${run.id} and worker_id = ${env.workerId} and status = 'RUNNING'`;
    if (rows.count === 0) return false;
    await env.bus.publish(
      {
        type: 'run.status',
        runId: run.id,
        studyId: run.studyId,
        status,
        error: options.error ?? null,
        backend: env.backend,
      },
      t,
    );
    if (run.sweepAnalysisId && !queued) await enqueueSweepAdvance(t, env.bus, run.sweepAnalysisId);
    return true;
  }) as Promise<boolean>;
}

/** The columns of `analyses` a handler needs. */
export interface ClaimedAnalysis {
  id: string;
  teamId: string;
  studyId: string | null;
  kind: string;
  params: Record<string, unknown>;
}

/** Takes an analysis (QUEUED, or RUNNING under a dead runner); null when there is nothing to do. */
export async function claimAnalysis(env: JobEnv, analysisId: string): Promise<ClaimedAnalysis | null> {
  return env.sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const [a] = await t<
      {
        id: string;
        team_id: string;
        study_id: string | null;
        kind: string;
        params: Record<string, unknown>;
      }[]
    >`
      update analyses set status = 'RUNNING', worker_id = ${env.workerId}, heartbeat_at = now(),
        started_at = coalesce(started_at, now()), error = null, progress = 0
      where id = ${analysisId} and kind not in ('BLOCK_SHUFFLE', 'CHECKPOINT_SWEEP')
        and (status = 'QUEUED' or (status = 'RUNNING' and (worker_id is null
        or heartbeat_at is null or heartbeat_at < now() - ${env.config.staleMs}::int * interval '1 millisecond')))
      returning id, team_id, study_id, kind, params`;
    if (!a) return null;
    await env.bus.publish(
      { type: 'analysis.status', analysisId: a.id, studyId: a.study_id, status: 'RUNNING' },
      t,
    );
    return { id: a.id, teamId: a.team_id, studyId: a.study_id, kind: a.kind, params: a.params ?? {} };
  }) as Promise<ClaimedAnalysis | null>;
}

/** Ends an analysis with its result (SUCCEEDED) or error, or hands it back (QUEUED). False when not held. */
export async function finishAnalysis(
  env: JobEnv,
  a: Pick<ClaimedAnalysis, 'id' | 'studyId'>,
  status: RunStatus,
  options: { error?: string | null; result?: unknown } = {},
): Promise<boolean> {
  return env.sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const queued = status === 'QUEUED';
    const rows = await t`
      update analyses set status = ${status}, error = ${options.error ?? null},
        result = ${options.result === undefined ? null : t.json(options.result as never)}::jsonb,
        progress = ${status === 'SUCCEEDED' ? 1 : t`progress`},
        finished_at = ${queued ? null : t`now()`}, heartbeat_at = ${queued ? null : t`heartbeat_at`},
        worker_id = ${queued ? null : t`worker_id`}
      where id = ${a.id} and worker_id = ${env.workerId} and status = 'RUNNING'`;
    if (rows.count === 0) return false;
    await env.bus.publish(
      { type: 'analysis.status', analysisId: a.id, studyId: a.studyId, status, error: options.error ?? null },
      t,
    );
    return true;
  }) as Promise<boolean>;
}
