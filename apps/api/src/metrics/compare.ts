import { bucketsOf, downsampleMetrics, type MetricBucket, type RunRow, type Sql } from '@basin/db';
import { RunGroupField } from '../common/enums';
import type { MetricColumns } from './metrics.type';

/** What compareRuns computes (runs already checked to be the caller's, in the order asked). */
export interface Comparison {
  key: string;
  buckets: number;
  bucketWidth: number;
  from: number | null;
  to: number | null;
  series: { run: RunRow; buckets: MetricBucket[]; columns: MetricColumns; bucketIndexes: number[] }[];
  groups: {
    key: string;
    values: { field: RunGroupField; value: string | null }[];
    runs: RunRow[];
    band: { bucket: number; step: number; mean: number; std: number; min: number; max: number; n: number }[];
  }[];
}

const FIELD_VALUE: Record<RunGroupField, (r: RunRow) => string | null> = {
  [RunGroupField.STUDY]: (r) => r.studyId,
  [RunGroupField.KIND]: (r) => r.kind,
  [RunGroupField.INIT]: (r) => r.init,
  [RunGroupField.DATASET]: (r) => r.datasetId,
  [RunGroupField.MODEL]: (r) => r.modelId,
  [RunGroupField.BLOCK_SIZE]: (r) => (r.blockSize === null ? null : String(r.blockSize)),
  [RunGroupField.INIT_CHECKPOINT]: (r) => r.initCheckpointId,
};

/**
 * Downsamples `key` for many runs into the same aligned step buckets (at most `buckets` of them, a power-of-two width
 * each) over the runs' shared extent, and optionally groups runs by fields into mean ± std bands (across seeds).
 * @remarks Reads the multi-resolution summaries: the cost follows runs × buckets, not the points logged.
 */
export async function compareRuns(
  sql: Sql,
  runs: RunRow[],
  key: string,
  options: { buckets: number; from?: number | null; to?: number | null; groupBy?: RunGroupField[] | null },
): Promise<Comparison> {
  const B = options.buckets;
  const down = await downsampleMetrics(
    sql,
    runs.map((r) => r.id),
    key,
    {
      buckets: B,
      ...(options.from != null ? { from: options.from } : {}),
      ...(options.to != null ? { to: options.to } : {}),
    },
  );
  const width = down.width;
  const first = down.from === null ? 0 : Math.floor(down.from / width);
  const series = runs.map((run) => {
    const columns = down.runs.get(run.id)!;
    return {
      run,
      columns,
      // bucket objects only for a query that asks for them (charts read the columns)
      get buckets() {
        return bucketsOf(columns);
      },
      bucketIndexes: columns.stepMax.map((s) => Math.floor(s / width) - first),
    };
  });

  const groups: Comparison['groups'] = [];
  const fields = options.groupBy ?? [];
  if (fields.length > 0) {
    const byKey = new Map<string, (typeof series)[number][]>();
    for (const s of series) {
      const k = fields.map((f) => `${f}=${FIELD_VALUE[f](s.run) ?? 'none'}`).join(' ');
      const list = byKey.get(k) ?? [];
      list.push(s);
      byKey.set(k, list);
    }
    for (const [k, members] of byKey) {
      const acc = new Map<number, { step: number; values: number[] }>();
      for (const m of members) {
        m.bucketIndexes.forEach((idx, i) => {
          const step = m.columns.step[i]!;
          const a = acc.get(idx) ?? { step, values: [] };
          a.values.push(m.columns.last[i]!);
          a.step = Math.max(a.step, step);
          acc.set(idx, a);
        });
      }
      const band = [...acc.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([bucket, { step, values }]) => {
          const n = values.length;
          const mean = values.reduce((s, v) => s + v, 0) / n;
          const std = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : 0;
          return { bucket, step, mean, std, min: Math.min(...values), max: Math.max(...values), n };
        });
      const first = members[0]!.run;
      groups.push({
        key: k,
        values: fields.map((f) => ({ field: f, value: FIELD_VALUE[f](first) })),
        runs: members.map((m) => m.run),
        band,
      });
    }
  }
  return { key, buckets: B, bucketWidth: width, from: down.from, to: down.to, series, groups };
}
