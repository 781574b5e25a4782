import { appendLive, chartValue, joinOnX, unpackColumns, type XY } from './series';
import type { MetricSeries } from './types';

/** Metric keys grouped into charts by what they measure: `train/loss` and `test/loss` share the "loss" chart. */
export function chartGroups(keys: readonly string[]): { name: string; keys: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const k of keys) {
    const name = k.includes('/') ? k.slice(k.lastIndexOf('/') + 1) : k;
    groups.set(name, [...(groups.get(name) ?? []), k]);
  }
  const rank = (n: string) => (/loss/.test(n) ? 0 : /acc/.test(n) ? 1 : 2);
  return [...groups.entries()]
    .map(([name, ks]) => ({ name, keys: ks.sort() }))
    .sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
}

export type LivePoints = Record<string, { step: number; value: number }[]>;

/**
 * One chart's data: per key its last value per bucket (with live points appended after the fetched range) and
 * the bucket min/max as a faint band, so a one-step spike stays visible.
 */
export function runChartData(series: readonly MetricSeries[], live: LivePoints, keys: readonly string[]) {
  const parts: XY[] = [];
  for (const key of keys) {
    const s = series.find((m) => m.key === key);
    const c = s ? unpackColumns(s.columns.packed) : { step: [], last: [], min: [], max: [] };
    const step = c.step;
    const col = (f: 'last' | 'min' | 'max') => c[f].map(chartValue);
    const last = appendLive({ x: step, y: col('last') }, live[key] ?? []);
    const extra = last.x.length - step.length;
    const liveY = last.y.slice(step.length);
    parts.push(
      last,
      { x: last.x, y: [...col('min'), ...liveY.slice(0, extra)] },
      { x: last.x, y: [...col('max'), ...liveY.slice(0, extra)] },
    );
  }
  const [x, ...ys] = joinOnX(parts);
  return { x, ys };
}
