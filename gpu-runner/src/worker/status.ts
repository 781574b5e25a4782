/**
 * Status changes of this runner's jobs: `@basin/db`'s lifecycle functions with the job environment filled in
 * (who claims, on which backend, when a heartbeat is stale).
 */
import {
  type AnalysisRow,
  claimAnalysis as claimAnalysisRow,
  claimRun as claimRunRow,
  finishAnalysis as finishAnalysisRow,
  finishRun as finishRunRow,
  type RunRow,
  type RunStatus,
  retryWhileDatabaseAway,
  runsByIds,
} from '@basin/db';
import { dbAway, type JobEnv } from './context';

/** A run this runner holds. */
export type ClaimedRun = RunRow;
/** An analysis this runner holds. */
export type ClaimedAnalysis = AnalysisRow;

const claimant = (env: JobEnv) => ({
  workerId: env.workerId,
  backend: env.backend,
  staleMs: env.config.staleMs,
});

/** Takes a run (QUEUED, or RUNNING under a dead runner); null when there is nothing to do. */
export const claimRun = (env: JobEnv, runId: string): Promise<ClaimedRun | null> =>
  claimRunRow(env.sql, env.bus, claimant(env), runId);

/**
 * Ends a held run, or hands it back (QUEUED); false when this runner no longer holds it. Retried while the database
 * is away (one transaction, so a lost connection rolled it back), and when a retry finds the run already in
 * `status` under this runner, the attempt whose answer was lost had committed: that counts as done.
 */
export async function finishRun(
  env: JobEnv,
  run: Pick<ClaimedRun, 'id' | 'studyId' | 'sweepAnalysisId' | 'teamId'>,
  status: RunStatus,
  options: { error?: string | null; summary?: Record<string, unknown> } = {},
): Promise<boolean> {
  let retried = false;
  const onRetry = dbAway(env, `run ${run.id}`);
  return retryWhileDatabaseAway(
    `setting run ${run.id} to ${status}`,
    async () => {
      if (await finishRunRow(env.sql, env.bus, claimant(env), run, status, options)) return true;
      if (!retried) return false;
      const [now] = await runsByIds(env.sql, run.teamId, [run.id]);
      return now?.status === status && (status === 'QUEUED' || now.workerId === env.workerId);
    },
    {
      maxWaitMs: env.config.dbOutageMs,
      onRetry: (err, attempt) => {
        retried = true;
        onRetry(err, attempt);
      },
    },
  );
}

/** Takes an analysis (QUEUED, or RUNNING under a dead runner); null when there is nothing to do. */
export const claimAnalysis = (env: JobEnv, analysisId: string): Promise<ClaimedAnalysis | null> =>
  claimAnalysisRow(env.sql, env.bus, claimant(env), analysisId);

/** Ends a held analysis with its result or error, or hands it back (QUEUED); false when not held. */
export const finishAnalysis = (
  env: JobEnv,
  a: Pick<ClaimedAnalysis, 'id' | 'studyId'>,
  status: RunStatus,
  options: { error?: string | null; result?: unknown } = {},
): Promise<boolean> => finishAnalysisRow(env.sql, env.bus, env.workerId, a, status, options);
