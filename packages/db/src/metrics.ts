import type { Sql } from './connect';
import { pgMax, pgMin } from './float-order';
import { transaction } from './tx';

/** One logged value. `step` is a non-negative integer; `value` may be NaN or ±Infinity (a diverged loss is data). */
export interface MetricPoint {
  key: string;
  step: number;
  value: number;
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

/** Lowest level kept in `metric_summaries` (migration 0006): its blocks are 2^4 = 16 steps. */
export const SUMMARY_BASE_LEVEL = 4;
const BASE_BLOCK = 2 ** SUMMARY_BASE_LEVEL;

/**
 * The batch's level-4 summary blocks (points already unique per key and step): what basin_ingest_metric_points
 * merges into every level when the batch only logs onward, aggregated here so the database does not sort and group
 * the batch again. Values in PostgreSQL's float order (NaN above every number).
 */
function baseBlocks(points: readonly MetricPoint[], ids: ReadonlyMap<string, number>) {
  const at = new Map<string, number>();
  const b = {
    k: [] as number[],
    b: [] as number[],
    s0: [] as number[],
    s1: [] as number[],
    min: [] as number[],
    max: [] as number[],
    n: [] as number[],
    last: [] as number[],
  };
  for (const p of points) {
    const key = ids.get(p.key)!;
    const block = Math.floor(p.step / BASE_BLOCK);
    const id = `${key}:${block}`;
    const i = at.get(id);
    if (i === undefined) {
      at.set(id, b.k.length);
      b.k.push(key);
      b.b.push(block);
      b.s0.push(p.step);
      b.s1.push(p.step);
      b.min.push(p.value);
      b.max.push(p.value);
      b.n.push(1);
      b.last.push(p.value);
      continue;
    }
    if (p.step < b.s0[i]!) b.s0[i] = p.step;
    if (p.step > b.s1[i]!) {
      b.s1[i] = p.step;
      b.last[i] = p.value;
    }
    b.min[i] = pgMin(b.min[i]!, p.value);
    b.max[i] = pgMax(b.max[i]!, p.value);
    b.n[i]! += 1;
  }
  return b;
}

/** SQLSTATE raised by basin_ingest_metric_points when a fenced write finds the run held by someone else. */
const RUN_NOT_HELD = 'BA001';

/** A fenced metric write refused: the run is no longer RUNNING under the writer's worker id. */
export class RunNotHeldError extends Error {
  override name = 'RunNotHeldError';
}

/**
 * Stores points for one run (`basin_ingest_metric_points`: three arrays, one statement per 20,000 points).
 * Idempotent on (run, key, step): a point sent again overwrites the stored value (the newest attempt of a resumed
 * run wins), and a repeat within one call keeps the last. The whole call is one transaction: all points or none,
 * with the series' multi-resolution summaries (`metric_summaries`) brought up to date for every block it changed.
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
  const heldBy = options.heldBy ?? null;
  // one statement per 20,000 points (one parse each), through the database's ingestion function
  const write = async (tx: Sql) => {
    let changed = 0;
    for (let start = 0; start < unique.length; start += CHUNK) {
      const chunk = unique.slice(start, start + CHUNK);
      const b = baseBlocks(chunk, ids);
      const [row] = await tx<{ changed: number }[]>`
        select basin_ingest_metric_points(${run}::bigint, ${tx.array(chunk.map((p) => ids.get(p.key)!))}::int[],
          ${tx.array(chunk.map((p) => p.step))}::bigint[], ${tx.array(chunk.map((p) => p.value))}::float8[],
          ${heldBy}::text, ${tx.array(b.k)}::int[], ${tx.array(b.b)}::bigint[], ${tx.array(b.s0)}::bigint[],
          ${tx.array(b.s1)}::bigint[], ${tx.array(b.min)}::float8[], ${tx.array(b.max)}::float8[],
          ${tx.array(b.n)}::bigint[], ${tx.array(b.last)}::float8[]) as changed`;
      changed += row!.changed;
    }
    return changed;
  };
  try {
    return unique.length > CHUNK ? await transaction(sql, write) : await write(sql);
  } catch (err) {
    if ((err as { code?: string }).code === RUN_NOT_HELD) throw new RunNotHeldError((err as Error).message);
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
 * Deletes a run's points after `step` (every key), shrinks the recorded extents and updates the summaries: a run
 * resumed from the checkpoint at `step` re-logs what follows, so nothing from the lost attempt lingers.
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
    // summaries: drop every block reaching past `step`, and levels above each series' new top; then rebuild the
    // blocks that straddled `step` from what is left
    await tx`
      delete from metric_summaries m where m.run_id = ${run}::bigint and (
        ((m.block + 1) << m.level) - 1 > ${step}
        or not exists (select 1 from run_metric_keys r where r.run_id = m.run_id and r.key_id = m.key_id
                         and (m.level = 4 or (r.max_step >> (m.level - 2)) > 0)))`;
    await tx`
      select basin_refresh_metric_summaries(${run}::bigint, array_agg(key_id), array_agg(${step}::bigint))
      from run_metric_keys where run_id = ${run}::bigint`;
    return res.count;
  });
}

/**
 * Rebuilds the key extents and the multi-resolution summaries of runs from their points: the repair after points
 * were loaded around {@link ingestMetrics} (a `COPY`, a restore). One transaction.
 */
export async function rebuildMetricSummaries(sql: Sql, runIds: readonly (string | number)[]): Promise<void> {
  await sql`select basin_rebuild_metric_summaries(${sql.array(runIds.map(String))}::bigint[])`;
}
