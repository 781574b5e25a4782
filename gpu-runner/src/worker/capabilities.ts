import { datasetIdOfFlag, GPU_FLAG, queuedJobFlags, type Sql } from '@basin/db';
import type { Logger } from '@basin/service';
import { datasetUnavailableReason } from '../data/registry';
import { datasetSpec, loadDatasetRecord } from './datasets';

/** How long a flag's verdict (can this machine serve it?) is reused, ms. */
const VERDICT_TTL_MS = 30_000;

/**
 * graphile-worker's `forbiddenFlags` for this machine: the flags of queued jobs it cannot serve. Queried fresh on
 * each job fetch (one small query), so a job with a new flag is never claimed before it was judged; the verdict
 * for each flag is cached for 30 s (a dataset folder may appear later).
 * - `gpu`: forbidden unless the backend is `tfjs-node-gpu`.
 * - `dataset:<id>`: forbidden when `datasetUnavailableReason` finds the dataset missing here. An unknown dataset id
 *   is allowed, so the job runs and fails with a clear error instead of waiting forever.
 * - any other flag: forbidden (a capability this runner does not know it has).
 */
export function forbiddenFlagsFn(
  sql: Sql,
  backend: string,
  log: Logger,
): { forbiddenFlags: () => Promise<string[]>; forbid(flag: string): void } {
  const verdicts = new Map<string, { forbidden: boolean; at: number }>();
  const judge = async (flag: string): Promise<boolean> => {
    const hit = verdicts.get(flag);
    if (hit && performance.now() - hit.at < VERDICT_TTL_MS) return hit.forbidden;
    let forbidden: boolean;
    const datasetId = datasetIdOfFlag(flag);
    if (flag === GPU_FLAG) forbidden = backend !== 'tfjs-node-gpu';
    else if (datasetId !== null) {
      try {
        const record = await loadDatasetRecord(sql, datasetId);
        const reason = await datasetUnavailableReason(datasetSpec(record));
        forbidden = reason !== null;
        if (reason) log.info(`not claiming jobs flagged ${flag}: ${reason}`);
      } catch {
        forbidden = false;
      }
    } else forbidden = true;
    verdicts.set(flag, { forbidden, at: performance.now() });
    return forbidden;
  };
  const forbiddenFlags = async () => {
    const out: string[] = [];
    for (const flag of await queuedJobFlags(sql)) if (await judge(flag)) out.push(flag);
    return out;
  };
  return {
    forbiddenFlags,
    forbid: (flag) => verdicts.set(flag, { forbidden: true, at: performance.now() }),
  };
}
