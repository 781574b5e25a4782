/**
 * The compare page's chart, from the API's `compareRuns`: one line per run (its last value per step bucket) with an
 * optional min–max band, or, when grouped, each group's mean with a ±std band; plus the CSV of what is drawn.
 */
import type { ChartSeries } from '../components/Chart';
import { color } from '../components/palette';
import { toCsv } from './csv';
import { groupLabel } from './group-label';
import { alignBuckets, bandOnBuckets, bucketOrder, unpackColumns } from './series';
import type { CompareData } from './types';

export type { CompareData };

/** What the chart draws: x (steps), one y array per series, the series, the filled bands, and the CSV. */
export interface CompareChart {
  x: number[];
  ys: (number | null)[][];
  series: ChartSeries[];
  bands: { upper: number; lower: number; color: string }[];
  csv: () => string;
}

/** The chart of `cmp`; null when there is nothing to draw. `group`: grouped (mean ± std); `spikes`: min–max bands. */
export function compareChart(
  cmp: CompareData['compareRuns'] | undefined,
  opts: { group: readonly string[]; spikes: boolean },
): CompareChart | null {
  if (!cmp || cmp.series.length === 0) return null;
  const runs = cmp.series.map((s) => ({
    bucketIndexes: s.bucketIndexes,
    columns: unpackColumns(s.columns.packed),
  }));
  const aligned = alignBuckets(runs);
  if (opts.group.length && cmp.groups.length) {
    const order = bucketOrder(runs);
    const series: ChartSeries[] = [];
    const ys: (number | null)[][] = [];
    const bands: { upper: number; lower: number; color: string }[] = [];
    cmp.groups.forEach((g, i) => {
      const b = bandOnBuckets(g.band, order);
      const base = series.length;
      series.push(
        { label: `${groupLabel(g.key)} (n=${g.runs.length}) mean`, color: color(i), width: 2 },
        { label: `${groupLabel(g.key)} −std`, color: color(i), bandEdge: true },
        { label: `${groupLabel(g.key)} +std`, color: color(i), bandEdge: true },
      );
      ys.push(b.mean, b.lo, b.hi);
      bands.push({ upper: base + 2, lower: base + 1, color: color(i) });
    });
    const csv = () =>
      toCsv(
        [
          'step',
          ...cmp.groups.flatMap((g) => [
            `${groupLabel(g.key)} mean`,
            `${groupLabel(g.key)} mean-std`,
            `${groupLabel(g.key)} mean+std`,
          ]),
        ],
        aligned.x.map((s, i) => [s, ...ys.map((y) => y[i])]),
      );
    return { x: aligned.x, ys, series, bands, csv };
  }
  const series: ChartSeries[] = [];
  const ys: (number | null)[][] = [];
  const bands: { upper: number; lower: number; color: string }[] = [];
  cmp.series.forEach((s, i) => {
    const base = series.length;
    series.push({ label: s.run.name, color: color(i), width: 1.5 });
    ys.push(aligned.last[i]!);
    if (opts.spikes) {
      series.push(
        { label: `${s.run.name} min`, color: color(i), bandEdge: true },
        { label: `${s.run.name} max`, color: color(i), bandEdge: true },
      );
      ys.push(aligned.min[i]!, aligned.max[i]!);
      bands.push({ upper: base + 2, lower: base + 1, color: color(i) });
    }
  });
  const csv = () =>
    toCsv(
      [
        'step',
        ...cmp.series.flatMap((s) => [`${s.run.name} last`, `${s.run.name} min`, `${s.run.name} max`]),
      ],
      aligned.x.map((st, i) => [
        st,
        ...cmp.series.flatMap((_, j) => [aligned.last[j]![i], aligned.min[j]![i], aligned.max[j]![i]]),
      ]),
    );
  return { x: aligned.x, ys, series, bands, csv };
}
