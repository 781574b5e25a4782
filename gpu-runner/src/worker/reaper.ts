import { type Sql, staleWorkerIds, unlockJobsOfWorkers } from '@basin/db';
import { graphileWorkerId } from './context';

/**
 * Frees the jobs of dead runners: a RUNNING run or analysis whose heartbeat is older than `staleMs` belongs to a
 * runner that died (SIGKILL, lost machine), and graphile-worker would keep its job locked for 4 hours. This
 * unlocks every job of those workers so any live runner picks them up and resumes them. Returns the worker ids
 * freed. `own` (this runner's live workers) are never freed.
 */
export async function reapDeadRunners(
  sql: Sql,
  staleMs: number,
  own: ReadonlySet<string>,
): Promise<string[]> {
  const ids = new Set((await staleWorkerIds(sql, staleMs)).map(graphileWorkerId));
  return unlockJobsOfWorkers(
    sql,
    [...ids].filter((id) => !own.has(id)),
  );
}
