/**
 * A Basin runner: a graphile-worker pool that claims jobs from PostgreSQL and runs them with the training engine
 * and the analysis library. Any number of runners on any number of machines share one database; graphile-worker
 * guarantees a job is held by one worker at a time, and each run/analysis row is claimed and fenced on
 * `worker_id`, so a job whose runner died is resumed by another and never run twice at once.
 */
import { join } from 'node:path';
import {
  BlobStore,
  createEventBus,
  enqueueFlaggedJob,
  failOrphans,
  type JobPayload,
  type JobTask,
  jobQueueOptions,
  type Sql,
} from '@basin/db';
import { info as kernelsInfo, setThreads as setKernelThreads } from '@basin/kernels';
import type { Logger } from '@basin/service';
import { Logger as GraphileLogger, type JobHelpers, type Runner, run, type TaskList } from 'graphile-worker';
import { initBackend } from '../backend/backend';
import { analysisJob } from './analysis-job';
import { forbiddenFlagsFn } from './capabilities';
import type { RunnerConfig } from './config';
import { HandBackError, type JobEnv, type WorkerDeps } from './context';
import { reapDeadRunners } from './reaper';
import { sweepJob } from './sweep-job';
import { trainJob } from './train-job';

/** A started runner. */
export interface RunningRunner {
  /** The TF.js backend it trains on. */
  backend: string;
  /** Stops claiming jobs; a running job is handed back to the queue (it resumes elsewhere). */
  stop(): Promise<void>;
}

/** Options of {@link createRunner}. */
export interface CreateRunnerOptions {
  config: RunnerConfig;
  /** An open pool on `config.databaseUrl` (the caller closes it). */
  sql: Sql;
  log: Logger;
}

function payloadId(payload: unknown, key: 'runId' | 'analysisId'): string {
  const v = (payload as Record<string, unknown> | null)?.[key];
  if (typeof v !== 'string' && typeof v !== 'number')
    throw new Error(`job payload has no ${key}: ${JSON.stringify(payload)}`);
  return String(v);
}

/** Forwards graphile-worker's own warnings and errors to Basin's logger. */
function graphileLogger(log: Logger): GraphileLogger {
  return new GraphileLogger(() => (level, message) => {
    if (level === 'error') log.error(message);
    else if (level === 'warning') log.warn(message);
  });
}

/** Starts a runner: initialises the backend, then serves jobs until `stop()`. */
export async function createRunner(options: CreateRunnerOptions): Promise<RunningRunner> {
  const { config, sql, log } = options;
  const backendInfo = await initBackend(config.threads ? { threads: config.threads } : {});
  if (config.threads) setKernelThreads(config.threads);
  const backend = backendInfo.name;
  const native = backendInfo.customKernels.filter((k) => k.startsWith('native:')).length;
  const bus = createEventBus(sql);
  const deps: WorkerDeps = {
    sql,
    bus,
    blobs: new BlobStore(join(config.basinHome, 'blobs')),
    config,
    log,
    backend,
  };
  const shutdown = new AbortController();
  const capabilities = forbiddenFlagsFn(sql, backend, log);
  const active = new Set<string>();

  const handler =
    (task: JobTask, fn: (env: JobEnv, id: string) => Promise<void>, key: 'runId' | 'analysisId') =>
    async (payload: unknown, helpers: JobHelpers) => {
      const { job } = helpers;
      const worker = job.locked_by ?? 'unknown';
      const env: JobEnv = {
        ...deps,
        workerId: `${config.name}/${worker}`,
        shutdown: shutdown.signal,
        jobFlags: Object.keys(job.flags ?? {}),
        forbid: capabilities.forbid,
      };
      active.add(worker);
      try {
        await fn(env, payloadId(payload, key));
      } catch (err) {
        if (!(err instanceof HandBackError)) throw err;
        // hand the work to another runner at once: a fresh job under the same key (graphile-worker strips the
        // key from this locked one), so a stop or a dataset missing here neither waits for a retry delay nor
        // spends an attempt
        await enqueueFlaggedJob(sql, task, payload as JobPayload, Object.keys(job.flags ?? {}), {
          jobKey: job.key ?? undefined,
          maxAttempts: job.max_attempts,
        });
        log.info(err.message);
      } finally {
        active.delete(worker);
      }
    };
  const taskList: TaskList = {
    pretrain: handler('pretrain', trainJob, 'runId'),
    finetune: handler('finetune', trainJob, 'runId'),
    analysis: handler('analysis', analysisJob, 'analysisId'),
    block_shuffle_sweep: handler('block_shuffle_sweep', sweepJob, 'analysisId'),
    checkpoint_sweep: handler('checkpoint_sweep', sweepJob, 'analysisId'),
  };

  const runner: Runner = await run({
    ...jobQueueOptions(config.databaseUrl),
    concurrency: config.concurrency,
    maxPoolSize: config.concurrency + 2,
    pollInterval: config.pollMs,
    noHandleSignals: true,
    taskList,
    forbiddenFlags: capabilities.forbiddenFlags,
    logger: graphileLogger(log),
  });

  const reap = async () => {
    try {
      const freed = await reapDeadRunners(sql, config.staleMs, active);
      if (freed.length)
        log.warn(`freed the jobs of dead runner workers ${freed.join(', ')} (stale heartbeats)`);
      const orphans = await failOrphans(sql, bus, config.staleMs);
      if (orphans) log.warn(`failed ${orphans} run(s)/analyses whose runner died with no attempts left`);
    } catch (err) {
      log.warn(`looking for dead runners failed: ${(err as Error).message}`);
    }
  };
  const reaper = setInterval(() => void reap(), config.reapMs);
  reaper.unref();
  void reap();
  log.info(
    `serving jobs (backend ${backend}${native ? ` with ${native} native kernels (${kernelsInfo().isa})` : ''}, concurrency ${config.concurrency}, blobs in ${deps.blobs.root})`,
  );

  return {
    backend,
    async stop() {
      clearInterval(reaper);
      shutdown.abort();
      await runner.stop();
      await bus.close();
    },
  };
}
