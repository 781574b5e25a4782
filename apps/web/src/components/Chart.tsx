'use client';

import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';

export interface ChartSeries {
  label: string;
  color: string;
  width?: number;
  dash?: number[];
  /** Draw a dot at every point (few points, e.g. a sweep). */
  points?: boolean;
  /** Edge of a band: drawn faintly and left out of the legend. */
  bandEdge?: boolean;
  /** Scale key: 'y' (left axis, default) or 'y2' (right axis). */
  scale?: 'y' | 'y2';
}

export interface ChartProps {
  /** Read by screen readers; the figure's table or caption carries the numbers. */
  title: string;
  x: readonly number[];
  ys: readonly (readonly (number | null)[])[];
  series: readonly ChartSeries[];
  /** Shaded areas between two series (indexes into `series`). */
  bands?: readonly { upper: number; lower: number; color: string }[];
  xLabel: string;
  yLabel: string;
  y2Label?: string;
  height?: number;
  /** Tick labels for x (e.g. block sizes shown as "none", "*", "4"). */
  xTick?: (v: number) => string;
  /** Ticks exactly at the data's x values (categories such as block sizes), not at round numbers. */
  xAtData?: boolean;
  /** Vertical markers with a label (e.g. where the barrier is). */
  markers?: readonly { x: number; label: string; color: string }[];
  /**
   * Called with the x range a person selects by dragging, so the caller can fetch that window again at full
   * resolution (without it, a drag only magnifies the points already drawn).
   */
  onZoom?: (range: { from: number; to: number }) => void;
}

/**
 * A uPlot chart that resizes with its container and takes new data without being rebuilt (live runs).
 * @remarks uPlot draws on one canvas and keeps 20 runs × 1,000 points (60 series with min/max) at a few ms per
 * frame; the chart is rebuilt only when its series change, never when only the data grows.
 */
export function Chart(props: ChartProps) {
  const {
    title,
    x,
    ys,
    series,
    bands,
    xLabel,
    yLabel,
    y2Label,
    height = 300,
    xTick,
    xAtData,
    markers,
    onZoom,
  } = props;
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = JSON.stringify([series, bands, xLabel, yLabel, y2Label, height, markers, xAtData]);
  const data = useMemo(() => [x, ...ys] as unknown as uPlot.AlignedData, [x, ys]);
  const latest = useRef(data);
  latest.current = data;
  const tick = useRef(xTick);
  tick.current = xTick;
  const zoom = useRef(onZoom);
  zoom.current = onZoom;

  // biome-ignore lint/correctness/useExhaustiveDependencies: rebuilt only when the chart's shape changes
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const s: uPlot.Series[] = [
      { label: xLabel },
      ...series.map((c) => ({
        label: c.label,
        stroke: c.bandEdge ? `${c.color}55` : c.color,
        width: c.bandEdge ? 0.5 : (c.width ?? 1.5),
        dash: c.dash,
        scale: c.scale ?? 'y',
        spanGaps: true,
        points: { show: c.points ?? false, size: 6 },
      })),
    ];
    const marks = markers ?? [];
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      series: s,
      bands: bands?.map((b) => ({
        series: [b.upper + 1, b.lower + 1] as [number, number],
        fill: `${b.color}33`,
      })),
      scales: { x: { time: false } },
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
      axes: [
        {
          label: xLabel,
          values: (_u, splits) => splits.map((v) => (tick.current ? tick.current(v) : String(v))),
          ...(xAtData ? { splits: (u: uPlot) => [...(u.data[0] ?? [])] } : {}),
        },
        { label: yLabel, scale: 'y' },
        ...(y2Label ? [{ label: y2Label, scale: 'y2', side: 1 as const, grid: { show: false } }] : []),
      ],
      hooks: {
        // a drag selection (a person zooming), not the scale changes that new data makes
        setSelect: [
          (u) => {
            if (!zoom.current || u.select.width < 2) return;
            const from = Math.ceil(u.posToVal(u.select.left, 'x'));
            const to = Math.floor(u.posToVal(u.select.left + u.select.width, 'x'));
            if (to > from) zoom.current({ from, to });
          },
        ],
        draw: [
          (u) => {
            const ctx = u.ctx;
            for (const m of marks) {
              const px = u.valToPos(m.x, 'x', true);
              ctx.save();
              ctx.strokeStyle = m.color;
              ctx.setLineDash([6, 4]);
              ctx.lineWidth = 1.5 * devicePixelRatio;
              ctx.beginPath();
              ctx.moveTo(px, u.bbox.top);
              ctx.lineTo(px, u.bbox.top + u.bbox.height);
              ctx.stroke();
              ctx.fillStyle = m.color;
              ctx.font = `${12 * devicePixelRatio}px system-ui, sans-serif`;
              ctx.fillText(m.label, px + 4 * devicePixelRatio, u.bbox.top + 14 * devicePixelRatio);
              ctx.restore();
            }
          },
        ],
      },
    };
    const u = new uPlot(opts, latest.current, el);
    plot.current = u;
    // band edges draw the shading; the legend lists only the lines a person reads
    const rows = u.root.querySelectorAll<HTMLElement>('.u-legend .u-series');
    series.forEach((c, i) => {
      const row = rows[i + 1];
      if (c.bandEdge && row) row.style.display = 'none';
    });
    const ro = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [shape]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  return <div className="chart" ref={box} role="img" aria-label={title} data-points={x.length} />;
}
