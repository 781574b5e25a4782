import type { Sql } from './connect';
import { type JobPayload, type JobTask, jobKeyFor } from './repos/jobs';

/** The flag of a job that needs a GPU backend (tfjs-node-gpu): runners without one never claim it. */
export const GPU_FLAG = 'gpu';

/** Prefix of the flag naming the dataset a job reads; a runner that cannot open that dataset never claims it. */
export const DATASET_FLAG_PREFIX = 'dataset:';

/** What a job needs from the runner that claims it. */
export interface JobNeeds {
  /** Datasets (ids of `datasets` rows) the job reads. Default none. */
  datasetIds?: readonly (string | null | undefined)[];
  /** The job must run on a GPU backend. Default false. */
  gpu?: boolean;
}

/**
 * The graphile-worker `flags` of a job: `dataset:<id>` for each dataset it reads and `gpu` when it needs one.
 * @remarks Runners compute their `forbiddenFlags` from the flags of queued jobs (a `dataset:<id>` flag is
 * forbidden where `datasetAvailable` is false for that dataset's spec, `gpu` where no GPU backend loaded), so a job
 * is only claimed by a runner that can run it. Flags name database rows rather than paths, so a runner can look
 * up the dataset's kind and root and check its own disk.
 * @example jobFlags({ datasetIds: [run.datasetId] }) // ['dataset:12']
 */
export function jobFlags(needs: JobNeeds): string[] {
  const flags = new Set<string>();
  for (const id of needs.datasetIds ?? []) if (id) flags.add(`${DATASET_FLAG_PREFIX}${id}`);
  if (needs.gpu) flags.add(GPU_FLAG);
  return [...flags].sort();
}

/** The dataset id a `dataset:<id>` flag names, else null. */
export function datasetIdOfFlag(flag: string): string | null {
  return flag.startsWith(DATASET_FLAG_PREFIX) ? flag.slice(DATASET_FLAG_PREFIX.length) : null;
}

/**
 * Enqueues a graphile-worker job with flags (see {@link jobFlags}), in the caller's transaction when `sql` is one.
 * Same job key as `enqueueJob` (`run:<id>` / `analysis:<id>`) unless `jobKey` is given. Lower `priority` runs
 * first (graphile-worker's order: priority, then run_at); default 0.
 */
export async function enqueueFlaggedJob(
  sql: Sql,
  task: JobTask,
  payload: JobPayload,
  flags: readonly string[],
  options: { maxAttempts?: number; jobKey?: string; priority?: number } = {},
): Promise<string> {
  const [r] = await sql<{ id: string }[]>`
    select id from graphile_worker.add_job(
      identifier => ${task}::text,
      payload => ${sql.json(payload as never)}::json,
      max_attempts => ${options.maxAttempts ?? 3}::smallint,
      job_key => ${options.jobKey ?? jobKeyFor(payload)}::text,
      priority => ${options.priority ?? 0}::smallint,
      flags => ${flags.length > 0 ? sql.array([...flags]) : null}::text[])`;
  return r!.id;
}
