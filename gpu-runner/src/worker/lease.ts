import { heartbeatAnalysis, heartbeatRun, isConnectionLoss } from '@basin/db';
import type { JobEnv } from './context';

/** Why a job's lease asked it to stop. */
export type StopReason = 'cancel' | 'lost' | 'shutdown';

/** A running job's hold on its row: heartbeats, and the signal that stops it. */
export interface Lease {
  /** Aborted (with a {@link StopReason} as `reason`) on cancel, lost lease or runner shutdown. */
  signal: AbortSignal;
  /** Why `signal` was aborted, else null. */
  readonly stopReason: StopReason | null;
  /** Checks the row now (cancel requested? still ours?); aborts `signal` when the job must stop. */
  check(): Promise<void>;
  /** Also stores `progress` (analyses) with the next heartbeat. */
  setProgress(progress: number): void;
  /** Stops heartbeating. */
  release(): void;
}

/**
 * Starts heartbeating a claimed row of `runs` or `analyses` every `heartbeatMs`. Each heartbeat is fenced on
 * `worker_id`: when another runner took the row over, the lease aborts with `lost`. For runs it also reads
 * `cancel_requested_at` (set by the API's cancelRun) and aborts with `cancel`.
 */
export function startLease(env: JobEnv, table: 'runs' | 'analyses', id: string): Lease {
  const controller = new AbortController();
  let stopReason: StopReason | null = null;
  let progress: number | null = null;
  let released = false;
  let lastCheck = Number.NEGATIVE_INFINITY;
  let away = false;
  const stop = (why: StopReason) => {
    if (stopReason) return;
    stopReason = why;
    controller.abort(why);
  };
  const onShutdown = () => stop('shutdown');
  if (env.shutdown.aborted) onShutdown();
  else env.shutdown.addEventListener('abort', onShutdown, { once: true });

  const beat = async (write: boolean) => {
    if (released || stopReason) return;
    const verdict =
      table === 'runs'
        ? await heartbeatRun(env.sql, env.workerId, id, write)
        : await heartbeatAnalysis(env.sql, env.workerId, id, write, progress);
    if (verdict !== 'held') stop(verdict);
  };
  const timer = setInterval(() => {
    beat(true).catch((err) => env.log.warn(`heartbeat of ${table} ${id} failed: ${(err as Error).message}`));
  }, env.config.heartbeatMs);
  timer.unref();

  return {
    signal: controller.signal,
    get stopReason() {
      return stopReason;
    },
    check: async () => {
      // at most one check per cancelCheckMs (a heartbeat in between reads the same row)
      const now = performance.now();
      if (now - lastCheck < env.config.cancelCheckMs) return;
      lastCheck = now;
      try {
        await beat(false);
      } catch (err) {
        // the database is away (a restart): keep training; the next check asks again, the metric and
        // checkpoint writes wait for it (and are fenced, should another runner take the run meanwhile)
        if (!isConnectionLoss(err)) throw err;
        if (!away)
          env.log.warn(`${table} ${id}: database unreachable (${(err as Error).message}); training on`);
        away = true;
        return;
      }
      away = false;
    },
    setProgress(p) {
      progress = Math.min(1, Math.max(0, p));
    },
    release() {
      released = true;
      clearInterval(timer);
      env.shutdown.removeEventListener('abort', onShutdown);
    },
  };
}
