import { type EventBus, enqueueFlaggedJob, type Sql } from '@basin/db';

/** Job key of a sweep's summary step (one pending at a time). */
export const sweepSummaryKey = (analysisId: string): string => `sweep-summary:${analysisId}`;

/**
 * Called in the transaction that finishes a sweep's child run (with the sweep's row locked, so two children
 * finishing at once cannot both miss being last): when no child is left unfinished, enqueues the sweep's task
 * again, whose handler then writes the summary. Also publishes the sweep's progress.
 */
export async function enqueueSweepAdvance(tx: Sql, bus: EventBus, analysisId: string): Promise<void> {
  const [a] = await tx<{ kind: string; study_id: string | null; total: string; open: string }[]>`
    select a.kind, a.study_id,
      (select count(*) from runs r where r.sweep_analysis_id = a.id) as total,
      (select count(*) from runs r where r.sweep_analysis_id = a.id and r.status in ('QUEUED', 'RUNNING')) as open
    from analyses a where a.id = ${analysisId}`;
  if (!a || (a.kind !== 'BLOCK_SHUFFLE' && a.kind !== 'CHECKPOINT_SWEEP')) return;
  const total = Number(a.total);
  const open = Number(a.open);
  const progress = total === 0 ? 1 : (total - open) / total;
  await tx`update analyses set progress = ${progress} where id = ${analysisId} and status = 'RUNNING'`;
  await bus.publish(
    {
      type: 'analysis.progress',
      analysisId,
      studyId: a.study_id,
      progress,
      message: `${total - open} of ${total} runs finished`,
    },
    tx,
  );
  if (open > 0) return;
  await enqueueFlaggedJob(
    tx,
    a.kind === 'BLOCK_SHUFFLE' ? 'block_shuffle_sweep' : 'checkpoint_sweep',
    { analysisId },
    [],
    { jobKey: sweepSummaryKey(analysisId) },
  );
}
