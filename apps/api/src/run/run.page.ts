import { listRuns, type RunFilter, type RunRow } from '@basin/db';
import type { RunOrder } from '../common/enums';
import type { Context } from '../context';
import { badInput } from '../errors';
import { decodeCursor, encodeCursor, parseOptionalId } from '../ids';
import type { RunFilterInput } from './run.input';

/** Largest page of runs a client may ask for. */
export const MAX_PAGE_SIZE = 100;

/** What a RunConnection resolves from: the page, plus the filter `totalCount` needs. */
export interface RunConnectionValue {
  edges: { cursor: string; node: RunRow }[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
  filter: RunFilter;
}

/** Checks a filter's ids and values and turns it into the repository's filter. */
export function toRunFilter(f: Partial<RunFilterInput> | null | undefined): RunFilter {
  if (!f) return {};
  const out: RunFilter = {};
  const studyId = parseOptionalId('filter.studyId', f.studyId);
  if (studyId) out.studyId = studyId;
  const datasetId = parseOptionalId('filter.datasetId', f.datasetId);
  if (datasetId) out.datasetId = datasetId;
  const modelId = parseOptionalId('filter.modelId', f.modelId);
  if (modelId) out.modelId = modelId;
  const initCheckpointId = parseOptionalId('filter.initCheckpointId', f.initCheckpointId);
  if (initCheckpointId) out.initCheckpointId = initCheckpointId;
  const sweepAnalysisId = parseOptionalId('filter.sweepAnalysisId', f.sweepAnalysisId);
  if (sweepAnalysisId) out.sweepAnalysisId = sweepAnalysisId;
  if (f.kind != null) out.kind = f.kind;
  if (f.init != null) out.init = f.init;
  if (f.blockSize != null) {
    if (!Number.isInteger(f.blockSize) || f.blockSize < 0) {
      throw badInput('filter.blockSize', f.blockSize, 'a block size ≥ 0 (0 = pixel shuffle)');
    }
    out.blockSize = f.blockSize;
  }
  if (f.unshuffled != null) out.unshuffled = f.unshuffled;
  if (f.statuses != null) out.statuses = f.statuses;
  if (f.seed != null) out.seed = f.seed;
  return out;
}

/** One page of the caller's runs, as a Relay connection; the rows also prime the run loader. */
export async function pageOfRuns(
  ctx: Context,
  filterInput: Partial<RunFilterInput> | null | undefined,
  first: number,
  after: string | null | undefined,
  order: RunOrder,
): Promise<RunConnectionValue> {
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badInput('first', first, `a page size from 1 to ${MAX_PAGE_SIZE}`);
  }
  const filter = toRunFilter(filterInput);
  const afterId = after ? decodeCursor('after', after) : null;
  const rows = await listRuns(ctx.sql, ctx.identity.teamId, filter, { first, afterId, order });
  const page = rows.slice(0, first);
  for (const r of page) ctx.loaders.run.prime(r.id, r);
  const edges = page.map((node) => ({ cursor: encodeCursor(node.id), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: false,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    filter,
  };
}
