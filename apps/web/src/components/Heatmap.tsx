'use client';

import { useEffect, useRef } from 'react';

export interface HeatmapProps {
  title: string;
  rows: readonly string[];
  cols: readonly string[];
  /** values[i][j] for rows[i], cols[j]; null = no value (hatched grey). */
  values: readonly (readonly (number | null)[])[];
  min?: number;
  max?: number;
  /** Cell text. Default 2 decimals. */
  format?: (v: number) => string;
  rowLabel?: string;
  colLabel?: string;
  /** Largest cell side in CSS px. */
  cell?: number;
}

/** Viridis-like ramp from dark blue (low) to yellow (high), readable in greyscale too. */
export function ramp(t: number): string {
  const stops = [
    [68, 1, 84],
    [59, 82, 139],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
  ] as const;
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(u));
  const f = u - i;
  const [a, b] = [stops[i]!, stops[i + 1]!];
  const c = a.map((v, k) => Math.round(v + (b[k]! - v) * f));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/**
 * A labelled heatmap on one canvas (so "Download PNG" gets labels and values too). The numbers are also in the
 * table each view shows beside it, for keyboards and screen readers.
 */
export function Heatmap(props: HeatmapProps) {
  const { title, rows, cols, values, rowLabel, colLabel, cell = 56 } = props;
  const ref = useRef<HTMLCanvasElement>(null);
  const finite = values.flat().filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const min = props.min ?? Math.min(...finite, 0);
  const max = props.max ?? Math.max(...finite, 1);
  const format = props.format ?? ((v: number) => v.toFixed(2));
  const key = JSON.stringify([rows, cols, values, min, max, cell]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: redrawn when what it shows changes
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const dpr = window.devicePixelRatio || 1;
    const font = '12px system-ui, sans-serif';
    ctx.font = font;
    const left = Math.ceil(Math.max(40, ...rows.map((r) => ctx.measureText(r).width))) + 16;
    const top = Math.ceil(Math.max(40, ...cols.map((c) => ctx.measureText(c).width * 0.75))) + 20;
    const legend =
      `${rowLabel ? `rows: ${rowLabel}` : ''}${colLabel ? `   columns: ${colLabel}` : ''}   colour: ${format(min)} → ${format(max)}`.trim();
    // column labels are drawn at 45°: the last one reaches right of the grid by about its width × cos 45°
    const overhang = Math.ceil(ctx.measureText(cols.at(-1) ?? '').width * 0.75);
    const w = Math.max(
      left + cols.length * cell + overhang + 8,
      Math.ceil(ctx.measureText(legend).width) + 24,
    );
    const h = top + rows.length * cell + 28;
    canvas.width = w * dpr;
    canvas.height = h * dpr;
    canvas.style.width = `${w}px`;
    canvas.style.height = `${h}px`;
    ctx.scale(dpr, dpr);
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, w, h);
    ctx.font = font;
    ctx.textBaseline = 'middle';
    rows.forEach((r, i) => {
      ctx.fillStyle = '#222';
      ctx.textAlign = 'right';
      ctx.fillText(r, left - 8, top + i * cell + cell / 2);
      cols.forEach((_, j) => {
        const v = values[i]?.[j];
        const x0 = left + j * cell;
        const y0 = top + i * cell;
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          ctx.fillStyle = '#e5e5e5';
          ctx.fillRect(x0, y0, cell - 1, cell - 1);
          return;
        }
        const t = max > min ? (v - min) / (max - min) : 0.5;
        ctx.fillStyle = ramp(t);
        ctx.fillRect(x0, y0, cell - 1, cell - 1);
        ctx.fillStyle = t > 0.6 ? '#111' : '#fff';
        ctx.textAlign = 'center';
        if (cell >= 30) ctx.fillText(format(v), x0 + cell / 2, y0 + cell / 2);
      });
    });
    cols.forEach((c, j) => {
      ctx.save();
      ctx.translate(left + j * cell + cell / 2, top - 8);
      ctx.rotate(-Math.PI / 4);
      ctx.fillStyle = '#222';
      ctx.textAlign = 'left';
      ctx.fillText(c, 0, 0);
      ctx.restore();
    });
    ctx.fillStyle = '#555';
    ctx.textAlign = 'left';
    ctx.fillText(legend, 8, h - 12);
  }, [key]);

  return (
    <div className="heatmap">
      <canvas ref={ref} role="img" aria-label={title} />
    </div>
  );
}
