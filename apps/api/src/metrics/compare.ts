import { downsampleMetrics, type MetricBucket, metricKeysByRunIds, type RunRow, type Sql } from '@basin/db';
import { RunGroupField } from '../common/enums';
import { toColumns } from './columns';
import type { MetricColumns } from './metrics.type';

/** What compareRuns computes (runs already checked to be the caller's, in the order asked). */
export interface Comparison {
  key: string;
  buckets: number;
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
 * Downsamples `key` for many runs into the same `buckets` equal-width step buckets over the runs' shared extent,
 * and optionally groups runs by fields into mean ± std bands (across seeds).
 * @remarks Two queries: the key's extents (run_metric_keys), then one aggregate over the points of every run.
 */
export async function compareRuns(
  sql: Sql,
  runs: RunRow[],
  key: string,
  options: { buckets: number; from?: number | null; to?: number | null; groupBy?: RunGroupField[] | null },
): Promise<Comparison> {
  const ids = runs.map((r) => r.id);
  const extents = (await metricKeysByRunIds(sql, ids)).filter((k) => k.key === key);
  const lo = options.from ?? (extents.length ? Math.min(...extents.map((e) => e.minStep)) : null);
  const hi = options.to ?? (extents.length ? Math.max(...extents.map((e) => e.maxStep)) : null);
  const B = options.buckets;
  const byRun =
    lo === null || hi === null || extents.length === 0 || lo > hi
      ? new Map<string, MetricBucket[]>()
      : await downsampleMetrics(sql, ids, key, { buckets: B, from: lo, to: hi });
  const index = (step: number) => Math.floor(((step - lo!) * B) / (hi! - lo! + 1));
  const series = runs.map((run) => {
    const buckets = byRun.get(run.id) ?? [];
    return { run, buckets, columns: toColumns(buckets), bucketIndexes: buckets.map((b) => index(b.stepMax)) };
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
        m.buckets.forEach((b, i) => {
          const idx = m.bucketIndexes[i]!;
          const a = acc.get(idx) ?? { step: b.step, values: [] };
          a.values.push(b.last);
          a.step = Math.max(a.step, b.step);
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
  return { key, buckets: B, from: lo, to: hi, series, groups };
}
