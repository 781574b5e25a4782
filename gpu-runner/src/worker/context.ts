import type { BlobStore, EventBus, Sql } from '@basin/db';
import type { Logger } from '@basin/service';
import type { RunnerConfig } from './config';

/** What every job handler works with: the database, the bus, the blob store and this runner's settings. */
export interface WorkerDeps {
  sql: Sql;
  bus: EventBus;
  blobs: BlobStore;
  config: RunnerConfig;
  log: Logger;
  /** The TF.js backend this runner trains on (recorded on every run). */
  backend: string;
}

/** One job's environment: the deps plus who holds the job and when the runner wants it back. */
export interface JobEnv extends WorkerDeps {
  /** `<runner name>/<graphile-worker worker id>`: stored in `worker_id`, used to free a dead runner's jobs. */
  workerId: string;
  /** Aborted when the runner shuts down. */
  shutdown: AbortSignal;
  /** The graphile-worker flags of the job being run (see `jobFlags` in @basin/db). */
  jobFlags: readonly string[];
  /** Stops this runner claiming jobs with `flag` (it found it cannot serve them after all). */
  forbid(flag: string): void;
}

/** The graphile-worker worker id inside a `worker_id` value (see {@link JobEnv.workerId}). */
export function graphileWorkerId(workerId: string): string {
  const i = workerId.lastIndexOf('/');
  return i < 0 ? workerId : workerId.slice(i + 1);
}

/**
 * `onRetry` for @basin/db's retryWhileDatabaseAway inside a job: one warning when a write first finds the database
 * gone (not one per attempt), naming the job.
 */
export function dbAway(env: JobEnv, what: string): (err: unknown, attempt: number) => void {
  return (err, attempt) => {
    if (attempt === 1)
      env.log.warn(
        `${what}: the database is unreachable (${(err as Error).message}); retrying for up to ${Math.round(env.config.dbOutageMs / 1000)} s`,
      );
  };
}

/** An error whose message is meant for the person who queued the job (bad input, missing data). */
export class JobInputError extends Error {
  override name = 'JobInputError';
}

/** Thrown inside a job when another runner took it over (this runner's heartbeat went stale). */
export class LostLeaseError extends Error {
  override name = 'LostLeaseError';
}

/** Thrown by a handler that put its row back to QUEUED: the job is re-enqueued at once for another runner. */
export class HandBackError extends Error {
  override name = 'HandBackError';
}

/** The runner is shutting down: the job goes back to the queue. */
export class ShutdownError extends HandBackError {
  override name = 'ShutdownError';
}

/** A dataset this machine lacks, for a job whose flags promised a runner that has it (a claim raced a new flag). */
export class DatasetUnavailableError extends JobInputError {
  override name = 'DatasetUnavailableError';
  constructor(
    message: string,
    readonly datasetId: string,
  ) {
    super(message);
  }
}

/**
 * When `err` is a {@link DatasetUnavailableError} for a dataset the job was flagged with, forbids the flag on this
 * runner and returns true: the caller hands the job back instead of failing it, so a runner that has the dataset
 * runs it. Without the flag (the job promised nothing) the job fails with the error.
 */
export function shouldHandBack(env: JobEnv, err: unknown): boolean {
  if (!(err instanceof DatasetUnavailableError)) return false;
  const flag = `dataset:${err.datasetId}`;
  if (!env.jobFlags.includes(flag)) return false;
  env.forbid(flag);
  return true;
}

/** One line for a failure stored on a run or analysis: the message, prefixed by its kind when unexpected. */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const known = [
    'JobInputError',
    'DatasetUnavailableError',
    'Error',
    'AnalysisInputError',
    'CheckpointError',
    'SafetensorsError',
  ];
  const msg = known.includes(err.name) ? err.message : `${err.name}: ${err.message}`;
  return msg.length > 2000 ? `${msg.slice(0, 2000)}…` : msg;
}
