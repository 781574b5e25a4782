import type { Sql } from './connect';
import { transaction } from './tx';

/** One logged value. `step` is a non-negative integer; `value` may be NaN or ±Infinity (a diverged loss is data). */
export interface MetricPoint {
  key: string;
  step: number;
  value: number;
}

/** One downsampling bucket: the extremes and the last value, so a one-step spike is never averaged away. */
export interface MetricBucket {
  /** Step of the bucket's last point (where `last` was logged). */
  step: number;
  stepMin: number;
  stepMax: number;
  min: number;
  max: number;
  last: number;
  count: number;
}

export interface DownsampleOptions {
  /** Number of equal-width step buckets. Default 1,000. */
  buckets?: number;
  /** First step included. Default: the series' first step (for several runs: the earliest of them). */
  from?: number;
  /** Last step included. Default: the series' last step (for several runs: the latest of them). */
  to?: number;
}

/** Largest ingestion statement, in points. Bigger batches are split. */
const CHUNK = 20_000;
const MAX_KEY_LENGTH = 200;

/** Thrown for points that cannot be stored; names the offending point. */
export class MetricInputError extends Error {
  override name = 'MetricInputError';
}

const keyCache = new WeakMap<Sql, Map<string, number>>();

/** Interned ids of metric key names, creating missing ones. */
export async function metricKeyIds(sql: Sql, names: Iterable<string>): Promise<Map<string, number>> {
  let cache = keyCache.get(sql);
  if (!cache) {
    cache = new Map();
    keyCache.set(sql, cache);
  }
  const missing = [...new Set(names)].filter((n) => !cache?.has(n));
  if (missing.length > 0) {
    const rows = await sql<{ id: number; name: string }[]>`
      with ins as (
        insert into metric_keys (name) select unnest(${sql.array(missing)}::text[])
        on conflict (name) do nothing returning id, name)
      select id, name from ins
      union all
      select id, name from metric_keys where name = any(${sql.array(missing)}::text[])`;
    for (const r of rows) cache.set(r.name, r.id);
  }
  return cache;
}

function validate(points: readonly MetricPoint[]): void {
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    if (typeof p.key !== 'string' || p.key.length === 0 || p.key.length > MAX_KEY_LENGTH) {
      throw new MetricInputError(
        `metric point ${i}: key must be a non-empty string of at most ${MAX_KEY_LENGTH} characters, got ${JSON.stringify(p.key)}`,
      );
    }
    if (!Number.isSafeInteger(p.step) || p.step < 0) {
      throw new MetricInputError(
        `metric point ${i} (${p.key}): step must be a non-negative integer, got ${p.step}`,
      );
    }
    if (typeof p.value !== 'number') {
      throw new MetricInputError(
        `metric point ${i} (${p.key} @ ${p.step}): value must be a number, got ${typeof p.value}`,
      );
    }
  }
}

/** A fenced metric write refused: the run is no longer RUNNING under the writer's worker id. */
export class RunNotHeldError extends Error {
  override name = 'RunNotHeldError';
}

/**
 * Stores points for one run in batched multi-row statements (`unnest` of three arrays: one parse per 20,000 points).
 * Idempotent on (run, key, step): a point sent again overwrites the stored value (the newest attempt of a resumed
 * run wins), and a repeat within one call keeps the last. The whole call is one transaction: all points or none.
 * With `heldBy` (a runner's worker id) the write is fenced: in the same transaction the run must be RUNNING under
 * that worker (its row is share-locked), else nothing is written and RunNotHeldError is thrown; so a runner that
 * lost its run (a long database outage, a pause) cannot write into the attempt that took over.
 * @returns the number of distinct (key, step) points written or changed.
 */
export async function ingestMetrics(
  sql: Sql,
  runId: string | number,
  points: readonly MetricPoint[],
  options: { heldBy?: string } = {},
): Promise<number> {
  if (points.length === 0) return 0;
  validate(points);
  const ids = await metricKeyIds(
    sql,
    points.map((p) => p.key),
  );
  // Last write wins inside one call, so one statement never touches a row twice.
  const latest = new Map<string, MetricPoint>();
  for (const p of points) latest.set(`${p.key}\u0000${p.step}`, p);
  const unique = [...latest.values()];
  const run = String(runId);
  const write = async (tx: Sql) => {
    if (options.heldBy !== undefined) {
      const held = await tx`
        select 1 from runs where id = ${run}::bigint and worker_id = ${options.heldBy} and status = 'RUNNING'
        for share`;
      if (held.count === 0)
        throw new RunNotHeldError(
          `run ${run} is not RUNNING under ${options.heldBy}; its metrics were not written`,
        );
    }
    let changed = 0;
    for (let start = 0; start < unique.length; start += CHUNK) {
      const chunk = unique.slice(start, start + CHUNK);
      const keys = chunk.map((p) => ids.get(p.key)!);
      const steps = chunk.map((p) => p.step);
      const values = chunk.map((p) => p.value);
      const [row] = await tx<{ changed: string }[]>`
        with pts as (
          select * from unnest(${tx.array(keys)}::int[], ${tx.array(steps)}::bigint[], ${tx.array(values)}::float8[]) as t(k, s, v)
        ), ext as (
          insert into run_metric_keys (run_id, key_id, min_step, max_step)
          select ${run}::bigint, k, min(s), max(s) from pts group by k
          on conflict (run_id, key_id) do update
            set min_step = least(run_metric_keys.min_step, excluded.min_step),
                max_step = greatest(run_metric_keys.max_step, excluded.max_step)
        ), ins as (
          insert into metric_points (run_id, key_id, step, value)
          select ${run}::bigint, k, s, v from pts
          on conflict (run_id, key_id, step) do update set value = excluded.value
            where metric_points.value is distinct from excluded.value
          returning 1
        )
        select count(*) as changed from ins`;
      changed += Number(row?.changed ?? 0);
    }
    return changed;
  };
  try {
    return unique.length > CHUNK || options.heldBy !== undefined
      ? await transaction(sql, write)
      : await write(sql);
  } catch (err) {
    if ((err as { code?: string }).code === '23503') {
      throw new MetricInputError(`run ${run} does not exist; create the run before logging metrics to it`);
    }
    throw err;
  }
}

/** Key names a run has logged, with their step extent. */
export async function runMetricKeys(
  sql: Sql,
  runId: string | number,
): Promise<{ key: string; minStep: number; maxStep: number }[]> {
  const rows = await sql<{ key: string; min_step: string; max_step: string }[]>`
    select k.name as key, r.min_step, r.max_step
    from run_metric_keys r join metric_keys k on k.id = r.key_id
    where r.run_id = ${String(runId)}::bigint order by k.name`;
  return rows.map((r) => ({ key: r.key, minStep: Number(r.min_step), maxStep: Number(r.max_step) }));
}

interface BucketRow {
  run_id: string;
  s0: string;
  s1: string;
  vmin: number;
  vmax: number;
  n: string;
  last: number;
}

function checkBuckets(buckets: number): void {
  if (!Number.isInteger(buckets) || buckets < 1 || buckets > 100_000) {
    throw new MetricInputError(`buckets must be an integer from 1 to 100,000, got ${buckets}`);
  }
}

/**
 * Downsamples one key of many runs into the SAME equal-width step buckets (so series align for comparison), each
 * bucket keeping min, max and last: a one-step spike survives any zoom level. Runs without the key map to [].
 * @remarks Bucket aggregation runs in PostgreSQL over a primary-key range scan per run; the `last` value of each
 * bucket is one index lookup at the bucket's last step, cheaper than ordering every bucket's values.
 */
export async function downsampleMetrics(
  sql: Sql,
  runIds: readonly (string | number)[],
  key: string,
  options: DownsampleOptions = {},
): Promise<Map<string, MetricBucket[]>> {
  const buckets = options.buckets ?? 1000;
  checkBuckets(buckets);
  const runs = runIds.map(String);
  const out = new Map<string, MetricBucket[]>(runs.map((r) => [r, []]));
  if (runs.length === 0) return out;
  const from = options.from ?? null;
  const to = options.to ?? null;
  if (from !== null && to !== null && from > to)
    throw new MetricInputError(`from (${from}) is after to (${to})`);
  const rows = await sql<BucketRow[]>`
    with k as (select id from metric_keys where name = ${key}),
    ext as (
      select coalesce(${from}::bigint, min(r.min_step)) as lo, coalesce(${to}::bigint, max(r.max_step)) as hi
      from run_metric_keys r join k on r.key_id = k.id
      where r.run_id = any(${sql.array(runs)}::bigint[])
    ),
    b as (
      select p.run_id, floor((p.step - ext.lo)::float8 * ${buckets} / (ext.hi - ext.lo + 1))::int as bucket,
             min(p.step) as s0, max(p.step) as s1, min(p.value) as vmin, max(p.value) as vmax, count(*) as n
      from ext, k, metric_points p
      where p.run_id = any(${sql.array(runs)}::bigint[]) and p.key_id = k.id and p.step between ext.lo and ext.hi
      group by p.run_id, bucket
    )
    select b.run_id, b.s0, b.s1, b.vmin, b.vmax, b.n, p.value as last
    from b, k, metric_points p
    where p.run_id = b.run_id and p.key_id = k.id and p.step = b.s1
    order by b.run_id, b.bucket`;
  for (const r of rows) {
    out.get(r.run_id)?.push({
      step: Number(r.s1),
      stepMin: Number(r.s0),
      stepMax: Number(r.s1),
      min: r.vmin,
      max: r.vmax,
      last: r.last,
      count: Number(r.n),
    });
  }
  return out;
}

/** Downsamples one run's key; see {@link downsampleMetrics}. */
export async function downsampleMetric(
  sql: Sql,
  runId: string | number,
  key: string,
  options: DownsampleOptions = {},
): Promise<MetricBucket[]> {
  return (await downsampleMetrics(sql, [runId], key, options)).get(String(runId)) ?? [];
}

/** Raw points of one key in a step range, in step order; at most `limit` (default 10,000, max 100,000). */
export async function rawMetric(
  sql: Sql,
  runId: string | number,
  key: string,
  options: { from?: number; to?: number; limit?: number } = {},
): Promise<{ step: number; value: number }[]> {
  const limit = options.limit ?? 10_000;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) {
    throw new MetricInputError(`limit must be an integer from 1 to 100,000, got ${limit}`);
  }
  const rows = await sql<{ step: string; value: number }[]>`
    select p.step, p.value from metric_points p
    where p.run_id = ${String(runId)}::bigint
      and p.key_id = (select id from metric_keys where name = ${key})
      and p.step >= ${options.from ?? 0}::bigint
      and (${options.to ?? null}::bigint is null or p.step <= ${options.to ?? null}::bigint)
    order by p.step limit ${limit}`;
  return rows.map((r) => ({ step: Number(r.step), value: r.value }));
}

/**
 * Deletes a run's points after `step` (every key) and shrinks the recorded extents: a run resumed from the
 * checkpoint at `step` re-logs what follows, so nothing from the lost attempt lingers.
 */
export async function truncateMetricsAfter(sql: Sql, runId: string | number, step: number): Promise<number> {
  const run = String(runId);
  return transaction(sql, async (tx) => {
    const res = await tx`delete from metric_points where run_id = ${run}::bigint and step > ${step}`;
    await tx`
      update run_metric_keys r set max_step = coalesce(
        (select max(step) from metric_points p where p.run_id = r.run_id and p.key_id = r.key_id), r.min_step)
      where r.run_id = ${run}::bigint and r.max_step > ${step}`;
    await tx`
      delete from run_metric_keys r where r.run_id = ${run}::bigint and not exists (
        select 1 from metric_points p where p.run_id = r.run_id and p.key_id = r.key_id)`;
    return res.count;
  });
}
