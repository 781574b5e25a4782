import type { Point } from './shapes';

/** Fraction of each pixel inside the polygons (even-odd rule), from sub×sub samples per pixel. */
export function fillCoverage(polygons: Point[][], side: number, sub = 3): Float32Array {
  const out = new Float32Array(side * side);
  let x0 = side;
  let y0 = side;
  let x1 = 0;
  let y1 = 0;
  for (const poly of polygons)
    for (const [x, y] of poly) {
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
    }
  const r0 = Math.max(0, Math.floor(y0));
  const r1 = Math.min(side - 1, Math.ceil(y1));
  const c0 = Math.max(0, Math.floor(x0));
  const c1 = Math.min(side - 1, Math.ceil(x1));
  const w = 1 / (sub * sub);
  for (let r = r0; r <= r1; r++)
    for (let sy = 0; sy < sub; sy++) {
      const py = r + (sy + 0.5) / sub;
      // Crossings of the horizontal line y = py with every edge, then fill between pairs.
      const xs: number[] = [];
      for (const poly of polygons)
        for (let i = 0; i < poly.length; i++) {
          const a = poly[i]!;
          const b = poly[(i + 1) % poly.length]!;
          if (a[1] <= py !== b[1] <= py) xs.push(a[0] + ((py - a[1]) / (b[1] - a[1])) * (b[0] - a[0]));
        }
      xs.sort((p, q) => p - q);
      for (let c = c0; c <= c1; c++)
        for (let sx = 0; sx < sub; sx++) {
          const px = c + (sx + 0.5) / sub;
          let inside = false;
          for (const x of xs) {
            if (x > px) break;
            inside = !inside;
          }
          if (inside) out[r * side + c]! += w;
        }
    }
  return out;
}

/** Adds an anti-aliased stroke of `width` pixels along a polyline into `cov` (max-combined). */
export function strokePolyline(
  cov: Float32Array,
  side: number,
  pts: Point[],
  width: number,
  closed: boolean,
  alpha = 1,
): void {
  const half = width / 2;
  const segs = closed ? pts.length : pts.length - 1;
  for (let i = 0; i < segs; i++) {
    const [ax, ay] = pts[i]!;
    const [bx, by] = pts[(i + 1) % pts.length]!;
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy || 1e-9;
    const r0 = Math.max(0, Math.floor(Math.min(ay, by) - half - 1));
    const r1 = Math.min(side - 1, Math.ceil(Math.max(ay, by) + half + 1));
    const c0 = Math.max(0, Math.floor(Math.min(ax, bx) - half - 1));
    const c1 = Math.min(side - 1, Math.ceil(Math.max(ax, bx) + half + 1));
    for (let r = r0; r <= r1; r++)
      for (let c = c0; c <= c1; c++) {
        const px = c + 0.5 - ax;
        const py = r + 0.5 - ay;
        const t = Math.min(1, Math.max(0, (px * dx + py * dy) / len2));
        const d = Math.hypot(px - t * dx, py - t * dy);
        const v = alpha * Math.min(1, Math.max(0, half - d + 0.5));
        if (v > cov[r * side + c]!) cov[r * side + c] = v;
      }
  }
}

/** Smooth random field in [0, 1]: bilinear interpolation of a (cells+1)² grid of uniform values. */
export function valueNoise(rand: () => number, side: number, cells: number): Float32Array {
  const g = cells + 1;
  const grid = new Float32Array(g * g);
  for (let i = 0; i < grid.length; i++) grid[i] = rand();
  const out = new Float32Array(side * side);
  for (let r = 0; r < side; r++) {
    const fy = ((r + 0.5) / side) * cells;
    const y0 = Math.min(cells - 1, Math.floor(fy));
    const ty = fy - y0;
    const sy = ty * ty * (3 - 2 * ty);
    for (let c = 0; c < side; c++) {
      const fx = ((c + 0.5) / side) * cells;
      const x0 = Math.min(cells - 1, Math.floor(fx));
      const tx = fx - x0;
      const sx = tx * tx * (3 - 2 * tx);
      const at = (yy: number, xx: number) => grid[yy * g + xx]!;
      const top = at(y0, x0) * (1 - sx) + at(y0, x0 + 1) * sx;
      const bottom = at(y0 + 1, x0) * (1 - sx) + at(y0 + 1, x0 + 1) * sx;
      out[r * side + c] = top * (1 - sy) + bottom * sy;
    }
  }
  return out;
}

/** Separable box blur of radius `r` (edges clamped), for soft shadows. */
export function boxBlur(src: Float32Array, side: number, r: number): Float32Array {
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  const n = 2 * r + 1;
  for (let y = 0; y < side; y++)
    for (let x = 0; x < side; x++) {
      let s = 0;
      for (let k = -r; k <= r; k++) s += src[y * side + Math.min(side - 1, Math.max(0, x + k))]!;
      tmp[y * side + x] = s / n;
    }
  for (let y = 0; y < side; y++)
    for (let x = 0; x < side; x++) {
      let s = 0;
      for (let k = -r; k <= r; k++) s += tmp[Math.min(side - 1, Math.max(0, y + k)) * side + x]!;
      out[y * side + x] = s / n;
    }
  return out;
}
