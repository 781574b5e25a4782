import type { BasinEvent } from '@basin/db';
import { EventType, type RunStatus } from '../common/enums';
import type { LiveEvent } from './event.type';

const TYPES: Record<BasinEvent['type'], EventType> = {
  'run.progress': EventType.RUN_PROGRESS,
  'run.status': EventType.RUN_STATUS,
  'checkpoint.saved': EventType.CHECKPOINT_SAVED,
  'analysis.progress': EventType.ANALYSIS_PROGRESS,
  'analysis.status': EventType.ANALYSIS_STATUS,
};

/** One conversion per event however many subscribers receive it (they all get the same event object). */
const converted = new WeakMap<BasinEvent, LiveEvent>();

/** The GraphQL shape of a bus event. */
export function toLiveEvent(e: BasinEvent): LiveEvent {
  let out = converted.get(e);
  if (!out) {
    out = convert(e);
    converted.set(e, out);
  }
  return out;
}

function convert(e: BasinEvent): LiveEvent {
  const out: LiveEvent = {
    type: TYPES[e.type],
    at: e.at ? new Date(e.at) : new Date(),
    runId: null,
    analysisId: null,
    studyId: e.studyId ?? null,
    step: null,
    epoch: null,
    metrics: null,
    status: null,
    error: null,
    backend: null,
    checkpointId: null,
    progress: null,
    message: null,
  };
  switch (e.type) {
    case 'run.progress':
      return {
        ...out,
        runId: e.runId,
        step: e.step,
        epoch: e.epoch,
        metrics: Object.entries(e.metrics ?? {}).map(([key, value]) => ({ key, value })),
      };
    case 'run.status':
      return {
        ...out,
        runId: e.runId,
        status: e.status as RunStatus,
        error: e.error ?? null,
        backend: e.backend ?? null,
      };
    case 'checkpoint.saved':
      return { ...out, runId: e.runId, checkpointId: e.checkpointId, step: e.step, epoch: e.epoch };
    case 'analysis.progress':
      return { ...out, analysisId: e.analysisId, progress: e.progress, message: e.message ?? null };
    case 'analysis.status':
      return { ...out, analysisId: e.analysisId, status: e.status as RunStatus, error: e.error ?? null };
  }
}
