/**
 * Shaping metric data for uPlot: every series of a chart shares one ascending x array, with null where a series
 * has no point (uPlot draws a gap, or bridges it with `spanGaps`).
 */

import type { Real } from '@basin/schema';

export type Y = (number | null)[];

/**
 * A logged value as a chart draws it: NaN and ±Infinity (a diverged loss, sent as strings) become gaps, which uPlot
 * draws as breaks in the line; the CSV and tooltips of the raw data keep them.
 */
export const chartValue = (x: Real | null | undefined): number | null =>
  typeof x === 'number' && Number.isFinite(x) ? x : null;

export interface XY {
  x: readonly number[];
  y: readonly (number | null)[];
}

/** A column of `MetricColumns.packed` (base64 of little-endian float64 values) as numbers, NaN and ±Infinity kept. */
export function unpackColumn(b64: string): number[] {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return Array.from(new Float64Array(bytes.buffer));
}

/** Every column of a `packed` selection, unpacked (urql's `__typename` left out). */
export function unpackColumns<K extends string>(packed: Record<K, string>): Record<K, number[]> {
  const out: Partial<Record<K, number[]>> = {};
  for (const [k, v] of Object.entries<string>(packed)) if (k !== '__typename') out[k as K] = unpackColumn(v);
  return out as Record<K, number[]>;
}

/** Joins series with their own x values onto the sorted union of all x values. */
export function joinOnX(series: readonly XY[]): [number[], ...Y[]] {
  const xs = [...new Set(series.flatMap((s) => s.x))].sort((a, b) => a - b);
  const at = new Map(xs.map((x, i) => [x, i]));
  const ys = series.map((s) => {
    const y: Y = new Array(xs.length).fill(null);
    s.x.forEach((x, i) => {
      y[at.get(x)!] = s.y[i] ?? null;
    });
    return y;
  });
  return [xs, ...ys];
}

/** One run's buckets in a comparison: `bucketIndexes[i]` is the shared bucket of the i-th entry. */
export interface BucketedSeries {
  bucketIndexes: readonly number[];
  columns: {
    step: readonly number[];
    last: readonly Real[];
    min: readonly Real[];
    max: readonly Real[];
  };
}

export interface Aligned {
  /** One x per shared bucket that any run has: the largest step logged in it. */
  x: number[];
  last: Y[];
  min: Y[];
  max: Y[];
}

/**
 * Aligns runs on the comparison's shared step buckets, so a run that skipped buckets keeps its gaps in the right
 * place; x is the largest step any run logged in the bucket (ascending, since buckets are ordered step ranges).
 */
export function alignBuckets(series: readonly BucketedSeries[]): Aligned {
  const stepOf = new Map<number, number>();
  for (const s of series)
    s.bucketIndexes.forEach((b, i) => {
      const step = s.columns.step[i] ?? 0;
      stepOf.set(b, Math.max(stepOf.get(b) ?? Number.NEGATIVE_INFINITY, step));
    });
  const buckets = [...stepOf.keys()].sort((a, b) => a - b);
  const pos = new Map(buckets.map((b, i) => [b, i]));
  const empty = (): Y => new Array(buckets.length).fill(null);
  const out: Aligned = { x: buckets.map((b) => stepOf.get(b)!), last: [], min: [], max: [] };
  for (const s of series) {
    const [last, min, max] = [empty(), empty(), empty()];
    s.bucketIndexes.forEach((b, i) => {
      const p = pos.get(b)!;
      last[p] = chartValue(s.columns.last[i]);
      min[p] = chartValue(s.columns.min[i]);
      max[p] = chartValue(s.columns.max[i]);
    });
    out.last.push(last);
    out.min.push(min);
    out.max.push(max);
  }
  return out;
}

export interface BandPoint {
  bucket: number;
  step: number;
  mean: Real;
  std: Real;
}

/** A group's mean ± std band on the x of `alignBuckets` (by bucket index): [mean, mean − std, mean + std]. */
export function bandOnBuckets(
  band: readonly BandPoint[],
  bucketOrder: readonly number[],
): { mean: Y; lo: Y; hi: Y } {
  const pos = new Map(bucketOrder.map((b, i) => [b, i]));
  const mk = (): Y => new Array(bucketOrder.length).fill(null);
  const out = { mean: mk(), lo: mk(), hi: mk() };
  for (const p of band) {
    const i = pos.get(p.bucket);
    const mean = chartValue(p.mean);
    const std = chartValue(p.std);
    if (i === undefined || mean === null || std === null) continue;
    out.mean[i] = mean;
    out.lo[i] = mean - std;
    out.hi[i] = mean + std;
  }
  return out;
}

/** Sorted bucket indexes present in any series (the x order `alignBuckets` uses). */
export function bucketOrder(series: readonly BucketedSeries[]): number[] {
  return [...new Set(series.flatMap((s) => s.bucketIndexes))].sort((a, b) => a - b);
}

/** Mean and sample standard deviation (n − 1; 0 for one value) of the finite values; null when none. */
export function meanStd(
  values: readonly (number | null | undefined)[],
): { mean: number; std: number } | null {
  const v = values.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  if (v.length === 0) return null;
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)) : 0;
  return { mean, std };
}

/** Appends live points (from subscription events) after the last step a fetched series holds. */
export function appendLive(base: XY, live: readonly { step: number; value: number }[]): XY {
  const lastStep = base.x.length ? base.x[base.x.length - 1]! : Number.NEGATIVE_INFINITY;
  const extra = live.filter((p) => p.step > lastStep).sort((a, b) => a.step - b.step);
  if (extra.length === 0) return base;
  return { x: [...base.x, ...extra.map((p) => p.step)], y: [...base.y, ...extra.map((p) => p.value)] };
}
