/**
 * The life of a sweep analysis (BLOCK_SHUFFLE, CHECKPOINT_SWEEP): the API lists its child runs ({@link addSweepRuns}:
 * new QUEUED runs it owns, or existing fine-tunes of the study that already train one of its points); the sweep
 * task starts it (one fine-tune job per child it owns), every finishing child advances every sweep that counts it,
 * and once no child is open the sweep task runs again and writes the summary. All in the caller's transaction, with
 * the sweeps' rows locked, so two children finishing at once cannot both miss being last.
 */
import type { Sql } from '../connect';
import { SWEEP_KINDS } from '../domain';
import type { EventBus, RunStatus } from '../events';
import { enqueueFlaggedJob, jobFlags } from '../jobs-flags';
import { type AnalysisRaw, type AnalysisRow, mapAnalysis } from './analyses';
import type { JobTask } from './jobs';
import { createRuns, findEquivalentRun, type NewRun, type RunRow, runsBySweepAnalysisIds } from './runs';

/** graphile-worker priority of a sweep's summary step (lower runs first; training jobs have 0). */
export const SUMMARY_PRIORITY = -10;

/** Job key of a sweep's summary step (one pending at a time). */
export const sweepSummaryKey = (analysisId: string): string => `sweep-summary:${analysisId}`;

const sweepTask = (kind: string): JobTask =>
  kind === 'BLOCK_SHUFFLE' ? 'block_shuffle_sweep' : 'checkpoint_sweep';

/**
 * Called in the transaction that finishes a sweep's child run (the sweep's row locked): publishes the sweep's
 * progress and, when no child is left unfinished, enqueues the sweep's task again to write the summary.
 */
export async function advanceSweep(tx: Sql, bus: EventBus, analysisId: string): Promise<void> {
  const [a] = await tx<{ kind: string; study_id: string | null; total: string; open: string }[]>`
    select a.kind, a.study_id,
      (select count(*) from sweep_runs m where m.analysis_id = a.id) as total,
      (select count(*) from sweep_runs m join runs r on r.id = m.run_id
        where m.analysis_id = a.id and r.status in ('QUEUED', 'RUNNING')) as open
    from analyses a where a.id = ${analysisId}`;
  if (!a || !(SWEEP_KINDS as readonly string[]).includes(a.kind)) return;
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
  // a summary takes seconds: ahead of queued training (other studies' fine-tunes), so a finished sweep is not
  // reported minutes later
  await enqueueFlaggedJob(tx, sweepTask(a.kind), { analysisId }, [], {
    jobKey: sweepSummaryKey(analysisId),
    priority: SUMMARY_PRIORITY,
  });
}

/**
 * Lists a new sweep's runs, one per point: an existing fine-tune of the study that trains exactly that point (see
 * {@link findEquivalentRun}) when `reuse` is on, else a new QUEUED run the sweep owns. Call it in the transaction
 * that creates the sweep. Returns the sweep's runs in `points` order and how many were reused.
 */
export async function addSweepRuns(
  tx: Sql,
  teamId: string,
  sweepId: string,
  points: readonly NewRun[],
  options: { reuse: boolean },
): Promise<{ runs: RunRow[]; reused: number }> {
  const found: (RunRow | null)[] = [];
  for (const p of points) found.push(options.reuse ? await findEquivalentRun(tx, teamId, p) : null);
  const fresh = await createRuns(
    tx,
    teamId,
    points.filter((_, i) => !found[i]).map((p) => ({ ...p, sweepAnalysisId: sweepId })),
  );
  const reused = found.filter((r): r is RunRow => r !== null);
  if (reused.length > 0)
    await tx`insert into sweep_runs ${tx(reused.map((r) => ({ analysis_id: sweepId, run_id: r.id })) as never)}`;
  let next = 0;
  return { runs: found.map((r) => r ?? fresh[next++]!), reused: reused.length };
}

/**
 * Locks, for the rest of `tx`, every sweep that counts this run (in id order, so two finishing runs cannot
 * deadlock) and returns their ids. Call it before changing the run's status, then {@link advanceSweep} each.
 */
export async function lockSweepsOfRun(tx: Sql, runId: string): Promise<string[]> {
  const rows = await tx<{ id: string }[]>`
    select a.id from analyses a where a.id in (select analysis_id from sweep_runs where run_id = ${runId})
    order by a.id for update`;
  return rows.map((r) => r.id);
}

/** A sweep locked for the rest of `tx`, with its child runs (oldest first); null when it does not exist. */
export async function lockSweep(
  tx: Sql,
  analysisId: string,
): Promise<{ sweep: AnalysisRow; children: RunRow[] } | null> {
  const [a] = await tx<AnalysisRaw[]>`select * from analyses where id = ${analysisId} for update`;
  if (!a) return null;
  const sweep = mapAnalysis(a);
  return { sweep, children: await runsBySweepAnalysisIds(tx, sweep.teamId, [sweep.id]) };
}

/**
 * Marks a QUEUED sweep RUNNING and enqueues a fine-tune job (flagged with its dataset) for each QUEUED child it owns
 * (a reused run was queued by whoever created it). Returns how many it enqueued.
 */
export async function startSweep(
  tx: Sql,
  bus: EventBus,
  sweep: Pick<AnalysisRow, 'id' | 'studyId'>,
  children: readonly Pick<RunRow, 'id' | 'status' | 'datasetId' | 'sweepAnalysisId'>[],
): Promise<number> {
  await tx`update analyses set status = 'RUNNING', started_at = now(), progress = 0 where id = ${sweep.id}`;
  await bus.publish(
    { type: 'analysis.status', analysisId: sweep.id, studyId: sweep.studyId, status: 'RUNNING' },
    tx,
  );
  const queued = children.filter((r) => r.status === 'QUEUED' && r.sweepAnalysisId === sweep.id);
  for (const c of queued)
    await enqueueFlaggedJob(tx, 'finetune', { runId: c.id }, jobFlags({ datasetIds: [c.datasetId] }));
  return queued.length;
}

/** Ends a sweep with its summary (SUCCEEDED) or an error (FAILED), with its event. */
export async function finishSweep(
  tx: Sql,
  bus: EventBus,
  sweep: Pick<AnalysisRow, 'id' | 'studyId'>,
  status: Extract<RunStatus, 'SUCCEEDED' | 'FAILED'>,
  result: unknown,
  error: string | null,
): Promise<void> {
  await tx`
    update analyses set status = ${status}, result = ${result === null ? null : tx.json(result as never)}::jsonb,
      error = ${error}, progress = ${status === 'SUCCEEDED' ? 1 : tx`progress`}, finished_at = now()
    where id = ${sweep.id}`;
  await bus.publish(
    { type: 'analysis.status', analysisId: sweep.id, studyId: sweep.studyId, status, error },
    tx,
  );
}
