import type { Sql } from '@basin/db';
import { graphileWorkerId } from './context';

/**
 * Frees the jobs of dead runners: a RUNNING run or analysis whose heartbeat is older than `staleMs` belongs to a
 * runner that died (SIGKILL, lost machine), and graphile-worker would keep its job locked for 4 hours. This
 * unlocks every job of those workers (`force_unlock_workers`) so any live runner picks them up and resumes them.
 * Returns the worker ids freed. `own` (this runner's live workers) are never freed.
 */
export async function reapDeadRunners(
  sql: Sql,
  staleMs: number,
  own: ReadonlySet<string>,
): Promise<string[]> {
  const rows = await sql<{ worker_id: string }[]>`
    select worker_id from runs where status = 'RUNNING' and worker_id is not null
      and heartbeat_at < now() - ${staleMs}::int * interval '1 millisecond'
    union
    select worker_id from analyses where status = 'RUNNING' and worker_id is not null
      and heartbeat_at < now() - ${staleMs}::int * interval '1 millisecond'`;
  const ids = [...new Set(rows.map((r) => graphileWorkerId(r.worker_id)))].filter((id) => !own.has(id));
  if (ids.length === 0) return [];
  const locked = await sql<{ locked_by: string }[]>`
    select distinct locked_by from graphile_worker.jobs where locked_by = any(${sql.array(ids)}::text[])`;
  if (locked.length === 0) return [];
  const dead = locked.map((r) => r.locked_by);
  await sql`select graphile_worker.force_unlock_workers(${sql.array(dead)}::text[])`;
  return dead;
}
