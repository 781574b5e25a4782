import type { EventBus, Sql } from '@basin/db';
import { enqueueSweepAdvance } from './sweep-trigger';

/**
 * Fails runs and analyses that nobody will ever finish: RUNNING with a stale heartbeat (their runner died) and no
 * job left to resume them (graphile-worker spent the job's attempts on crashes, or the job is gone). Called by
 * the reaper after it freed dead runners' jobs, so a job still locked here is held by a live runner and left alone.
 * Returns how many rows were failed.
 */
export async function failOrphans(sql: Sql, bus: EventBus, staleMs: number): Promise<number> {
  let failed = 0;
  for (const table of ['runs', 'analyses'] as const) {
    const prefix = table === 'runs' ? 'run:' : 'analysis:';
    const rows = await sql<{ id: string; heartbeat_at: Date }[]>`
      select t.id, t.heartbeat_at from ${sql(table)} t
      where t.status = 'RUNNING' and t.heartbeat_at < now() - ${staleMs}::int * interval '1 millisecond'
        and not exists (select 1 from graphile_worker.jobs j where j.key = ${prefix} || t.id
          and (j.attempts < j.max_attempts or j.locked_at is not null))`;
    for (const r of rows) {
      const error = `its runner stopped responding (last heartbeat ${r.heartbeat_at.toISOString()}) and its job has no attempts left`;
      await sql.begin(async (tx) => {
        const t = tx as unknown as Sql;
        if (table === 'runs') {
          const [sweep] = await t<{ sweep_analysis_id: string | null }[]>`
            select sweep_analysis_id from runs where id = ${r.id}`;
          if (sweep?.sweep_analysis_id)
            await t`select id from analyses where id = ${sweep.sweep_analysis_id} for update`;
          const [u] = await t<{ study_id: string | null; sweep_analysis_id: string | null }[]>`
            update runs set status = 'FAILED', error = ${error}, finished_at = now()
            where id = ${r.id} and status = 'RUNNING' and heartbeat_at < now() - ${staleMs}::int * interval '1 millisecond'
            returning study_id, sweep_analysis_id`;
          if (!u) return;
          await bus.publish(
            { type: 'run.status', runId: r.id, studyId: u.study_id, status: 'FAILED', error },
            t,
          );
          if (u.sweep_analysis_id) await enqueueSweepAdvance(t, bus, u.sweep_analysis_id);
        } else {
          const [u] = await t<{ study_id: string | null }[]>`
            update analyses set status = 'FAILED', error = ${error}, finished_at = now()
            where id = ${r.id} and status = 'RUNNING' and heartbeat_at < now() - ${staleMs}::int * interval '1 millisecond'
            returning study_id`;
          if (!u) return;
          await bus.publish(
            { type: 'analysis.status', analysisId: r.id, studyId: u.study_id, status: 'FAILED', error },
            t,
          );
        }
        failed++;
      });
    }
  }
  return failed;
}
