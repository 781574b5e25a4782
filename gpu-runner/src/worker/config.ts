import { ConfigError, DATABASE_OUTAGE_MS, dataRoots, resolveBasinHome } from '@basin/db';

/** How a runner behaves; every field has a default (see {@link runnerConfigFromEnv}). */
export interface RunnerConfig {
  /** PostgreSQL URL (the embedded database's URL too). */
  databaseUrl: string;
  /** Basin's home folder: blobs under `<home>/blobs`, scratch files under `<home>/runner`. */
  basinHome: string;
  /** Name in logs and in `runs.worker_id` (`<name>/<graphile worker id>`). Default BASIN_SERVICE_ID or `runner`. */
  name: string;
  /** Jobs run at once. Default 1 (training takes the whole machine). */
  concurrency: number;
  /** How often a running job's heartbeat is written, ms. Default 2,000. */
  heartbeatMs: number;
  /** A RUNNING row whose heartbeat is older than this belongs to a dead runner, ms. Default 30,000. */
  staleMs: number;
  /** How often this runner looks for dead runners' jobs to free, ms. Default 5,000. */
  reapMs: number;
  /** Least time between two progress events of one job, ms. Default 200. */
  progressMs: number;
  /** Metric points are written when this many are buffered… Default 100. */
  metricsBatch: number;
  /** …or when the oldest buffered point is this old, ms. Default 1,000. */
  metricsFlushMs: number;
  /** graphile-worker's poll interval for jobs scheduled in the future, ms. Default 1,000. */
  pollMs: number;
  /**
   * Least time between two end-of-batch checks of a run's row (cancel requested? still ours?), ms. Default 100:
   * a cancel stops a run within 100 ms and one batch, without a database round trip after every small batch
   * (on 2 busy cores each one waited ~20 ms for the embedded database's process). 0 checks after every batch.
   */
  cancelCheckMs: number;
  /**
   * Threads for training (the wasm pool and the native kernels). Default BASIN_RUNNER_THREADS, else the backend's
   * own default (the CPU count, at most 4); `basin start` gives each of N runners CPUs / N.
   */
  threads: number | null;
  /** Folders datasets may be read from (BASIN_DATA_ROOTS); checked again before every read. */
  dataRoots: readonly string[];
  /**
   * How long a running job rides out a database that went away (a PostgreSQL restart): its metric writes,
   * checkpoint records and final status are retried this long before the job gives up, ms. Default 120,000.
   */
  dbOutageMs: number;
}

function num(env: NodeJS.ProcessEnv, name: string, dflt: number, min: number): number {
  const raw = env[name]?.trim();
  if (!raw) return dflt;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < min)
    throw new ConfigError(`${name} must be a number ≥ ${min}, got '${raw}'`);
  return v;
}

/**
 * Reads a runner's configuration: DATABASE_URL, BASIN_HOME, BASIN_SERVICE_ID, and `BASIN_RUNNER_CONCURRENCY`,
 * `BASIN_RUNNER_HEARTBEAT_MS`, `BASIN_RUNNER_STALE_MS`, `BASIN_RUNNER_REAP_MS`, `BASIN_RUNNER_PROGRESS_MS`,
 * `BASIN_RUNNER_METRICS_BATCH`, `BASIN_RUNNER_METRICS_FLUSH_MS`, `BASIN_RUNNER_POLL_MS`, `BASIN_RUNNER_CANCEL_CHECK_MS`,
 * `BASIN_RUNNER_THREADS`, `BASIN_RUNNER_DB_OUTAGE_MS`, `BASIN_DATA_ROOTS`.
 * @throws ConfigError naming the variable when a value is not a number in range.
 */
export function runnerConfigFromEnv(env: NodeJS.ProcessEnv, databaseUrl: string): RunnerConfig {
  const heartbeatMs = num(env, 'BASIN_RUNNER_HEARTBEAT_MS', 2000, 50);
  const staleMs = num(env, 'BASIN_RUNNER_STALE_MS', 30_000, 100);
  if (staleMs < 2 * heartbeatMs)
    throw new ConfigError(
      `BASIN_RUNNER_STALE_MS (${staleMs}) must be at least twice BASIN_RUNNER_HEARTBEAT_MS (${heartbeatMs})`,
    );
  return {
    databaseUrl,
    basinHome: resolveBasinHome(env),
    name: env.BASIN_SERVICE_ID?.trim() || 'runner',
    concurrency: num(env, 'BASIN_RUNNER_CONCURRENCY', 1, 1),
    heartbeatMs,
    staleMs,
    reapMs: num(env, 'BASIN_RUNNER_REAP_MS', 5000, 50),
    progressMs: num(env, 'BASIN_RUNNER_PROGRESS_MS', 200, 0),
    metricsBatch: num(env, 'BASIN_RUNNER_METRICS_BATCH', 100, 1),
    metricsFlushMs: num(env, 'BASIN_RUNNER_METRICS_FLUSH_MS', 1000, 10),
    pollMs: num(env, 'BASIN_RUNNER_POLL_MS', 1000, 50),
    cancelCheckMs: num(env, 'BASIN_RUNNER_CANCEL_CHECK_MS', 100, 0),
    threads: env.BASIN_RUNNER_THREADS?.trim() ? Math.floor(num(env, 'BASIN_RUNNER_THREADS', 1, 1)) : null,
    dataRoots: dataRoots(env),
    dbOutageMs: num(env, 'BASIN_RUNNER_DB_OUTAGE_MS', DATABASE_OUTAGE_MS, 0),
  };
}
