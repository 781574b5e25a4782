/** The `analysis` task: claim the analysis, compute its result, store it as typed JSON, announce progress. */
import type { AnalysisResult } from '@basin/db';
import {
  barrierAnalysis,
  ckaAnalysis,
  criticalityAnalysis,
  distanceAnalysis,
  mistakesAnalysis,
  type ProgressFn,
} from './analyses';
import { loadInputs } from './analysis-inputs';
import {
  describeError,
  HandBackError,
  type JobEnv,
  JobInputError,
  ShutdownError,
  shouldHandBack,
} from './context';
import { startLease } from './lease';
import { Throttle } from './progress';
import { OrderedPublisher } from './publisher';
import { claimAnalysis, finishAnalysis } from './status';

/** Runs one `analysis` job. Never throws for the analysis's own failure (it FAILS instead). */
export async function analysisJob(env: JobEnv, analysisId: string): Promise<void> {
  const a = await claimAnalysis(env, analysisId);
  if (!a) {
    env.log.info(`analysis ${analysisId}: finished or held by another runner; nothing to do`);
    return;
  }
  const lease = startLease(env, 'analyses', a.id);
  const events = new OrderedPublisher(env.bus, env.log);
  const throttle = new Throttle<{ progress: number; message?: string; at: string }>(
    env.config.progressMs,
    (p) => {
      lease.setProgress(p.progress);
      events.publish({ type: 'analysis.progress', analysisId: a.id, studyId: a.studyId, ...p });
    },
  );
  const progress: ProgressFn = (value, message) =>
    throttle.push({ progress: value, ...(message ? { message } : {}), at: new Date().toISOString() });
  try {
    const inputs = await loadInputs(env, a);
    let result: AnalysisResult;
    switch (a.kind) {
      case 'CKA':
        result = await ckaAnalysis(env, inputs, a.params, progress);
        break;
      case 'MISTAKES':
        result = await mistakesAnalysis(env, inputs, a.params, progress);
        break;
      case 'PARAM_DISTANCE':
        result = await distanceAnalysis(env, inputs, a.params, progress);
        break;
      case 'BARRIER':
        result = await barrierAnalysis(env, inputs, a.params, progress, lease.signal);
        break;
      case 'MODULE_CRITICALITY':
        result = await criticalityAnalysis(env, inputs, a.params, progress, lease.signal);
        break;
      default:
        throw new JobInputError(
          `analysis kind ${a.kind} is not an 'analysis' job (sweeps have their own tasks)`,
        );
    }
    throttle.flush();
    await events.idle();
    if (lease.stopReason) throw new Error(`stopped (${lease.stopReason})`);
    await finishAnalysis(env, a, 'SUCCEEDED', { result: jsonSafe(result) });
    env.log.info(`analysis ${a.id} (${a.kind}): SUCCEEDED`);
  } catch (err) {
    throttle.cancel();
    await events.idle();
    if (lease.stopReason === 'lost') return;
    if (lease.stopReason === 'shutdown') {
      await finishAnalysis(env, a, 'QUEUED');
      throw new ShutdownError(`runner ${env.config.name} stopped during analysis ${a.id}`);
    }
    if (shouldHandBack(env, err)) {
      await finishAnalysis(env, a, 'QUEUED');
      throw new HandBackError(
        `analysis ${a.id}: ${(err as Error).message}; handed back for a runner that has it`,
      );
    }
    const message = describeError(err);
    env.log.error(`analysis ${a.id} (${a.kind}): FAILED: ${message}`);
    await finishAnalysis(env, a, 'FAILED', { error: message });
  } finally {
    lease.release();
  }
}

/** JSON has no NaN or ±Infinity: they become null (a result field that could not be measured). */
export function jsonSafe<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)),
  );
}
