import type { Sql } from '../connect';

/** Task names runners register with graphile-worker. */
export type JobTask = 'pretrain' | 'finetune' | 'analysis' | 'block_shuffle_sweep' | 'checkpoint_sweep';

/** Payload of each task: the row the runner loads. */
export type JobPayload = { runId: string } | { analysisId: string };

/** The graphile-worker job key of a run's or an analysis's job (lets a cancel remove a job not yet claimed). */
export const jobKeyFor = (payload: JobPayload): string =>
  'runId' in payload ? `run:${payload.runId}` : `analysis:${payload.analysisId}`;

/**
 * Enqueues a graphile-worker job with its SQL function, so it can share the caller's transaction: the rows a
 * mutation inserts and the job that processes them commit together or not at all.
 */
export async function enqueueJob(
  sql: Sql,
  task: JobTask,
  payload: JobPayload,
  options: { maxAttempts?: number } = {},
): Promise<string> {
  const [r] = await sql<{ id: string }[]>`
    select id from graphile_worker.add_job(
      identifier => ${task}::text,
      payload => ${sql.json(payload as never)}::json,
      max_attempts => ${options.maxAttempts ?? 3}::int,
      job_key => ${jobKeyFor(payload)}::text)`;
  return r!.id;
}

/** Removes a job no worker has claimed yet (graphile-worker leaves a locked job alone); true when one was removed. */
export async function removeQueuedJob(sql: Sql, payload: JobPayload): Promise<boolean> {
  const rows = await sql<{ id: string | null }[]>`
    select id from graphile_worker.remove_job(${jobKeyFor(payload)}::text)`;
  return rows.some((r) => r.id !== null);
}
