/**
 * Downsampling metric series for charts: min / max / last per bucket (spikes survive), read from the multi-resolution
 * summaries (`metric_summaries`, migration 0006) so the cost follows runs × buckets, not points.
 *
 * Buckets are aligned step ranges of a power-of-two width `2^L`: bucket `i` holds the steps
 * `[i·2^L, (i+1)·2^L − 1]` that fall inside the window. `L` is the smallest level at which the window spans at most
 * the requested number of buckets, so a request for B buckets gets between B/2 and B of them. Aligned buckets are
 * exactly the summary blocks of level L, and they stay put when a live run grows or a chart pans: the same step is
 * always in the same bucket at a given width.
 */
import type { Sql } from './connect';
import { pgMax, pgMin } from './float-order';
import { MetricInputError, SUMMARY_BASE_LEVEL } from './metrics';

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

/** Buckets as parallel arrays, one entry per bucket in step order: what a chart draws, and cheap to serve. */
export interface MetricColumns {
  step: number[];
  stepMin: number[];
  stepMax: number[];
  min: number[];
  max: number[];
  last: number[];
  count: number[];
}

/** Empty {@link MetricColumns}. */
export const emptyColumns = (): MetricColumns => ({
  step: [],
  stepMin: [],
  stepMax: [],
  min: [],
  max: [],
  last: [],
  count: [],
});

/** The buckets of `c` as objects. */
export function bucketsOf(c: MetricColumns): MetricBucket[] {
  return c.step.map((step, i) => ({
    step,
    stepMin: c.stepMin[i]!,
    stepMax: c.stepMax[i]!,
    min: c.min[i]!,
    max: c.max[i]!,
    last: c.last[i]!,
    count: c.count[i]!,
  }));
}

export interface DownsampleOptions {
  /** Most buckets wanted (1 to 100,000); the answer has between half as many and this many. Default 1,000. */
  buckets?: number;
  /** First step included. Default: the series' first step (for several runs: the earliest of them). */
  from?: number;
  /** Last step included. Default: the series' last step (for several runs: the latest of them). */
  to?: number;
}

/** What {@link downsampleMetrics} returns: the window, the bucket width, and each run's buckets in step order. */
export interface Downsampled {
  /** The window's first and last step (null when no run has the key). */
  from: number | null;
  to: number | null;
  /** Steps per bucket, a power of two; bucket `i` covers `[i·width, (i+1)·width − 1]`. */
  width: number;
  /** Every asked run, in the order asked, its buckets as columns (empty for a run without the key). */
  runs: Map<string, MetricColumns>;
}

/** Levels kept: 4, 6, 8, … (each block holds up to four of the level below). */
const isStored = (level: number) => level >= SUMMARY_BASE_LEVEL && level % 2 === 0;
/** Most buckets one call may ask for. */
export const MAX_BUCKETS = 100_000;

const pow2 = (level: number) => 2 ** level;
/** floor(x / 2^level) for any non-negative safe integer (`>>` is 32-bit in JavaScript). */
const shift = (x: number, level: number) => Math.floor(x / pow2(level));

/**
 * The bucket level for a window: the smallest L at which `[from, to]` touches at most `buckets` aligned blocks.
 */
export function bucketLevel(from: number, to: number, buckets: number): number {
  let level = 0;
  while (shift(to, level) - shift(from, level) + 1 > buckets) level++;
  return level;
}

/** Top summary level of a series whose last step is `maxStep`: the first stored level whose block 0 holds it. */
export function topLevel(maxStep: number): number {
  let level = SUMMARY_BASE_LEVEL;
  while (shift(maxStep, level) > 0) level += 2;
  return level;
}

/** Part of a ragged bucket: a summary block, or a range of raw points shorter than one base block. */
export type Piece = { level: number; block: number } | { from: number; to: number };

/**
 * Exactly covers `[a, b]` with aligned blocks of the stored levels no coarser than `maxLevel` (the canonical
 * decomposition: at most three blocks per level on each side) plus raw-point ranges at its ends, each shorter than
 * two base blocks (32 steps).
 */
export function coverRange(a: number, b: number, maxLevel: number): Piece[] {
  const pieces: Piece[] = [];
  let x = a;
  while (x <= b) {
    let level = maxLevel;
    while (
      level >= SUMMARY_BASE_LEVEL &&
      (!isStored(level) || x % pow2(level) !== 0 || x + pow2(level) - 1 > b)
    )
      level--;
    if (level >= SUMMARY_BASE_LEVEL) {
      pieces.push({ level, block: shift(x, level) });
      x += pow2(level);
    } else {
      // up to the next base-block edge (or b): raw points
      const end = Math.min(b, (shift(x, SUMMARY_BASE_LEVEL) + 1) * pow2(SUMMARY_BASE_LEVEL) - 1);
      const prev = pieces.at(-1);
      if (prev && 'to' in prev && prev.to === x - 1) prev.to = end;
      else pieces.push({ from: x, to: end });
      x = end + 1;
    }
  }
  return pieces;
}

interface Extent {
  run_id: string;
  key_id: number;
  min_step: string;
  max_step: string;
}

/** A run's pieces in step order as parallel columns (one entry per summary block, raw point or raw bucket). */
interface Pieces {
  s0: Float64Array;
  s1: Float64Array;
  vmin: Float64Array;
  vmax: Float64Array;
  n: Float64Array;
  last: Float64Array;
}

/**
 * Row of the packed queries: each column is `array_send` of a float8[] in base64 (a third smaller on the wire than
 * bytea's hex; null when the run had no rows).
 */
interface PackedRow {
  run_id: string;
  s0: string | null;
  s1: string | null;
  vmin: string | null;
  vmax: string | null;
  n: string | null;
  last: string | null;
}

/** One edge piece as a plain row. */
interface PieceRow {
  run_id: string;
  s0: string;
  s1: string;
  vmin: number;
  vmax: number;
  n: string;
  last: number;
}

/**
 * Reads PostgreSQL's binary form of a one-dimensional float8[] without nulls (`array_send`): a 20-byte header, then
 * a 4-byte length and 8 big-endian bytes per element.
 * @remarks Why by hand: the bulk of a downsampling answer is tens of thousands of numbers, and postgres.js parses
 * result rows and text arrays value by value (~180 ns each here); one binary column per run and field is read at
 * memory speed.
 */
export function readFloat8Array(buf: Buffer | null): Float64Array {
  if (!buf || buf.byteLength === 0) return new Float64Array(0);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (dv.getInt32(0) === 0) return new Float64Array(0);
  if (dv.getInt32(0) !== 1 || dv.getInt32(4) !== 0 || dv.getUint32(8) !== 701)
    throw new Error('expected a one-dimensional float8[] without nulls');
  const n = dv.getInt32(12);
  const out = new Float64Array(n);
  for (let i = 0, o = 24; i < n; i++, o += 12) out[i] = dv.getFloat64(o);
  return out;
}

const column = (b64: string | null) => readFloat8Array(b64 === null ? null : Buffer.from(b64, 'base64'));
const unpack = (r: PackedRow): Pieces => ({
  s0: column(r.s0),
  s1: column(r.s1),
  vmin: column(r.vmin),
  vmax: column(r.vmax),
  n: column(r.n),
  last: column(r.last),
});

/** Edge rows as pieces, in step order. */
function piecesOf(rows: readonly PieceRow[]): Pieces {
  const sorted = [...rows].sort((a, b) => Number(a.s1) - Number(b.s1));
  const col = (f: keyof Pieces) => Float64Array.from(sorted, (r) => Number(r[f]));
  return {
    s0: col('s0'),
    s1: col('s1'),
    vmin: col('vmin'),
    vmax: col('vmax'),
    n: col('n'),
    last: col('last'),
  };
}

/** The rows `idx` of `p`. */
function pick(p: Pieces, idx: readonly number[]): Pieces {
  const col = (c: Float64Array) => Float64Array.from(idx, (i) => c[i]!);
  return {
    s0: col(p.s0),
    s1: col(p.s1),
    vmin: col(p.vmin),
    vmax: col(p.vmax),
    n: col(p.n),
    last: col(p.last),
  };
}

/** `p` in step order (the packed queries' ordered subqueries normally give it; sorted here if not). */
function inOrder(p: Pieces): Pieces {
  for (let i = 1; i < p.s1.length; i++) {
    if (p.s1[i]! <= p.s1[i - 1]!) {
      const idx = Array.from(p.s1.keys()).sort((a, b) => p.s1[a]! - p.s1[b]!);
      return pick(p, idx);
    }
  }
  return p;
}

/**
 * Appends pieces given in step order (each inside one bucket of `width` steps) to `out`, merging those of one
 * bucket in PostgreSQL's float order: min of minima, max of maxima, counts added, `last` of the latest piece.
 */
function mergeInto(out: MetricColumns, p: Pieces, width: number): void {
  for (let i = 0; i < p.s1.length; i++) {
    const s1 = p.s1[i]!;
    const j = out.step.length - 1;
    if (j >= 0 && Math.floor(out.stepMax[j]! / width) === Math.floor(s1 / width)) {
      out.stepMin[j] = Math.min(out.stepMin[j]!, p.s0[i]!);
      if (s1 > out.stepMax[j]!) {
        out.stepMax[j] = s1;
        out.step[j] = s1;
        out.last[j] = p.last[i]!;
      }
      out.min[j] = pgMin(out.min[j]!, p.vmin[i]!);
      out.max[j] = pgMax(out.max[j]!, p.vmax[i]!);
      out.count[j] = out.count[j]! + p.n[i]!;
    } else {
      out.step.push(s1);
      out.stepMin.push(p.s0[i]!);
      out.stepMax.push(s1);
      out.min.push(p.vmin[i]!);
      out.max.push(p.vmax[i]!);
      out.last.push(p.last[i]!);
      out.count.push(p.n[i]!);
    }
  }
}

/** The packed columns of a query (each a float8[] in step order, sent in binary) and the aggregate making them. */
const PACKED = ['s0', 's1', 'vmin', 'vmax', 'n', 'last']
  .map((c) => `encode(array_send(x.${c}), 'base64') as ${c}`)
  .join(', ');
const AGG = `array_agg(q.s0::float8) as s0, array_agg(q.s1::float8) as s1, array_agg(q.vmin) as vmin,
  array_agg(q.vmax) as vmax, array_agg(q.n::float8) as n, array_agg(q.last) as last`;

/**
 * Downsamples one key of many runs into the SAME aligned step buckets (so series line up for comparison), each
 * bucket keeping min, max, last and the point count: a one-step spike survives any zoom level. The answer equals an
 * aggregate of the raw points over the same buckets, exactly (NaN and ±Infinity included).
 * @remarks Two queries: the key's extents (run_metric_keys), then one that reads, per run, one summary row per
 * bucket at the bucket level (two at an odd level), plus — only where a `from`/`to` edge cuts a bucket that has points outside the window —
 * at most six summary rows per level and fewer than 32 raw points per edge. Buckets narrower than 16 steps are
 * aggregated from the points (at most 8 points per bucket by the choice of level).
 */
export async function downsampleMetrics(
  sql: Sql,
  runIds: readonly (string | number)[],
  key: string,
  options: DownsampleOptions = {},
): Promise<Downsampled> {
  const buckets = options.buckets ?? 1000;
  if (!Number.isInteger(buckets) || buckets < 1 || buckets > MAX_BUCKETS)
    throw new MetricInputError(
      `buckets must be an integer from 1 to ${MAX_BUCKETS.toLocaleString('en-US')}, got ${buckets}`,
    );
  for (const [name, v] of [
    ['from', options.from],
    ['to', options.to],
  ] as const) {
    if (v !== undefined && (!Number.isSafeInteger(v) || v < 0))
      throw new MetricInputError(`${name} must be a non-negative integer step, got ${v}`);
  }
  if (options.from !== undefined && options.to !== undefined && options.from > options.to)
    throw new MetricInputError(`from (${options.from}) is after to (${options.to})`);

  const runs = [...new Set(runIds.map(String))];
  const out: Downsampled = {
    from: null,
    to: null,
    width: 1,
    runs: new Map(runs.map((r) => [r, emptyColumns()])),
  };
  if (runs.length === 0) return out;
  const extents = await sql<Extent[]>`
    select r.run_id, r.key_id, r.min_step, r.max_step
    from run_metric_keys r join metric_keys k on k.id = r.key_id
    where k.name = ${key} and r.run_id = any(${sql.array(runs)}::bigint[])`;
  if (extents.length === 0) return out;
  const keyId = extents[0]!.key_id;
  const lo = options.from ?? Math.min(...extents.map((e) => Number(e.min_step)));
  const hi = options.to ?? Math.max(...extents.map((e) => Number(e.max_step)));
  const level = bucketLevel(lo, hi, buckets);
  const width = pow2(level);
  out.from = lo;
  out.to = hi;
  out.width = width;

  if (level < SUMMARY_BASE_LEVEL) {
    // buckets narrower than a summary block: the window's points aggregated per bucket (fewer than 16 each)
    const rows = await sql<PackedRow[]>`
      select r.id::text as run_id, ${sql.unsafe(PACKED)}
      from unnest(${sql.array(extents.map((e) => e.run_id))}::bigint[]) as r(id)
      cross join lateral (
        select ${sql.unsafe(AGG)} from (
          select min(p.step) as s0, max(p.step) as s1, min(p.value) as vmin, max(p.value) as vmax, count(*) as n,
                 (array_agg(p.value order by p.step desc))[1] as last
          from metric_points p
          where p.run_id = r.id and p.key_id = ${keyId} and p.step between ${lo} and ${hi}
          group by p.step >> ${level}
          order by 2
        ) q
      ) x`;
    for (const r of rows) {
      const columns = emptyColumns();
      mergeInto(columns, inOrder(unpack(r)), width);
      out.runs.set(r.run_id, columns);
    }
  } else {
    for (const [run, columns] of await readSummaryBuckets(sql, keyId, extents, lo, hi, level))
      out.runs.set(run, columns);
  }
  return out;
}

/**
 * Every run's buckets at `level` ≥ the base level: the summary blocks of the buckets inside the window (one query,
 * packed columns per run), plus the pieces of the buckets a `from`/`to` edge cuts (a second, small query).
 */
async function readSummaryBuckets(
  sql: Sql,
  keyId: number,
  extents: readonly Extent[],
  lo: number,
  hi: number,
  level: number,
): Promise<Map<string, MetricColumns>> {
  const width = pow2(level);
  const first = shift(lo, level);
  const last = shift(hi, level);
  // the stored level a bucket is read at: its own, or the one below (two blocks per bucket)
  const stored = isStored(level) ? level : level - 1;
  const interior = { run: [] as string[], level: [] as number[], b0: [] as number[], b1: [] as number[] };
  const blocks = { run: [] as string[], level: [] as number[], block: [] as number[] };
  const raw = { run: [] as string[], from: [] as number[], to: [] as number[] };
  const cuts = new Map<string, { left: number | null; right: number | null }>();
  for (const e of extents) {
    // a series shorter than one block of a level has its whole extent in block 0 of its own top level
    const top = topLevel(Number(e.max_step));
    const at = (l: number) => Math.min(l, top);
    const cover = (a: number, b: number) => {
      for (const p of coverRange(a, b, level)) {
        if ('block' in p) {
          const l = at(p.level);
          blocks.run.push(e.run_id);
          blocks.level.push(l);
          blocks.block.push(shift(p.block * pow2(p.level), l));
        } else {
          raw.run.push(e.run_id);
          raw.from.push(p.from);
          raw.to.push(p.to);
        }
      }
    };
    // an edge bucket is ragged when the window cuts it and this run may have points beyond the cut
    const leftCut = lo > first * width && Number(e.min_step) < lo;
    const rightCut = hi < (last + 1) * width - 1 && Number(e.max_step) > hi;
    if (first === last && (leftCut || rightCut)) {
      cover(lo, hi);
      cuts.set(e.run_id, { left: first, right: null });
      continue;
    }
    if (leftCut) cover(lo, (first + 1) * width - 1);
    if (rightCut) cover(last * width, hi);
    cuts.set(e.run_id, { left: leftCut ? first : null, right: rightCut ? last : null });
    const i0 = leftCut ? first + 1 : first;
    const i1 = rightCut ? last - 1 : last;
    if (i0 <= i1) {
      const l = at(stored);
      interior.run.push(e.run_id);
      interior.level.push(l);
      interior.b0.push(shift(i0 * width, l));
      interior.b1.push(shift((i1 + 1) * width - 1, l));
    }
  }
  const [main, edgeRows] = await Promise.all([
    interior.run.length === 0
      ? ([] as PackedRow[])
      : sql<PackedRow[]>`
          select r.id::text as run_id, ${sql.unsafe(PACKED)}
          from unnest(${sql.array(interior.run)}::bigint[], ${sql.array(interior.level)}::int[],
                      ${sql.array(interior.b0)}::bigint[], ${sql.array(interior.b1)}::bigint[]) as r(id, lv, b0, b1)
          cross join lateral (
            select ${sql.unsafe(AGG)} from (
              select m.s0, m.s1, m.vmin, m.vmax, m.n, m.last from metric_summaries m
              where m.run_id = r.id and m.key_id = ${keyId} and m.level = r.lv and m.block between r.b0 and r.b1
              order by m.block
            ) q
          ) x`,
    blocks.run.length + raw.run.length === 0
      ? ([] as PieceRow[])
      : sql<PieceRow[]>`
          select m.run_id::text as run_id, m.s0, m.s1, m.vmin, m.vmax, m.n, m.last
          from unnest(${sql.array(blocks.run)}::bigint[], ${sql.array(blocks.level)}::int[],
                      ${sql.array(blocks.block)}::bigint[]) as r(id, lv, b)
          join metric_summaries m
            on m.run_id = r.id and m.key_id = ${keyId} and m.level = r.lv and m.block = r.b
          union all
          select p.run_id::text, p.step, p.step, p.value, p.value, 1, p.value
          from unnest(${sql.array(raw.run)}::bigint[], ${sql.array(raw.from)}::bigint[],
                      ${sql.array(raw.to)}::bigint[]) as r(id, a, b)
          join metric_points p on p.run_id = r.id and p.key_id = ${keyId} and p.step between r.a and r.b`,
  ]);
  const mains = new Map(main.map((r) => [r.run_id, inOrder(unpack(r))]));
  const edgeRowsOf = new Map<string, PieceRow[]>();
  for (const r of edgeRows) edgeRowsOf.set(r.run_id, [...(edgeRowsOf.get(r.run_id) ?? []), r]);
  const out = new Map<string, MetricColumns>();
  for (const e of extents) {
    const cut = cuts.get(e.run_id)!;
    const edge = piecesOf(edgeRowsOf.get(e.run_id) ?? []);
    const ofBucket = (b: number) =>
      pick(
        edge,
        [...edge.s1.keys()].filter((i) => shift(edge.s1[i]!, level) === b),
      );
    const buckets = emptyColumns();
    if (cut.left !== null) mergeInto(buckets, ofBucket(cut.left), width);
    const m = mains.get(e.run_id);
    if (m) mergeInto(buckets, m, width);
    if (cut.right !== null) mergeInto(buckets, ofBucket(cut.right), width);
    out.set(e.run_id, buckets);
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
  return bucketsOf(
    (await downsampleMetrics(sql, [runId], key, options)).runs.get(String(runId)) ?? emptyColumns(),
  );
}
