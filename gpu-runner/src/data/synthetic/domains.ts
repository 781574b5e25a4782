import { boxBlur, fillCoverage, strokePolyline, valueNoise } from './raster';
import { classOutline, type Point } from './shapes';

/**
 * The synthetic domains. Near pairs share a rendering idea (photo ↔ painting ↔ clipart are filled and coloured;
 * sketch ↔ quickdraw are dark strokes on white); photo ↔ quickdraw are far apart. New domains are appended, so
 * a domain's index (part of its style seed) never changes.
 */
export const SYNTHETIC_DOMAINS = ['photo', 'clipart', 'sketch', 'quickdraw', 'painting'] as const;
export type SyntheticDomain = (typeof SYNTHETIC_DOMAINS)[number];

type Rand = () => number;
type Rgb = [number, number, number];

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));
const lum = (c: Rgb) => 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];
const range = (rand: Rand, lo: number, hi: number) => lo + (hi - lo) * rand();
/** Roughly normal, mean 0, sd ≈ 0.5 (sum of three uniforms). */
const gauss = (rand: Rand) => rand() + rand() + rand() - 1.5;

/** Where the object sits: drawn from the geometry stream, so example i has the same pose in every domain. */
interface Pose {
  cx: number;
  cy: number;
  scale: number;
  angle: number;
}

function toPixels(poly: Point[], pose: Pose): Point[] {
  const cos = Math.cos(pose.angle);
  const sin = Math.sin(pose.angle);
  return poly.map(([x, y]) => [
    pose.cx + pose.scale * (cos * x - sin * y),
    pose.cy - pose.scale * (sin * x + cos * y),
  ]);
}

/** Points every ~`step` pixels along a closed polygon. */
function densify(poly: Point[], step: number): Point[] {
  const out: Point[] = [];
  for (let i = 0; i < poly.length; i++) {
    const [ax, ay] = poly[i]!;
    const [bx, by] = poly[(i + 1) % poly.length]!;
    const n = Math.max(1, Math.ceil(Math.hypot(bx - ax, by - ay) / step));
    for (let k = 0; k < n; k++) out.push([ax + ((bx - ax) * k) / n, ay + ((by - ay) * k) / n]);
  }
  return out;
}

/** Paints `color` over `img` (side²·3) with per-pixel opacity `cov`. */
function paint(img: Float32Array, cov: Float32Array, color: Rgb | ((p: number) => Rgb)): void {
  for (let p = 0; p < cov.length; p++) {
    const a = cov[p]!;
    if (a <= 0) continue;
    const c = typeof color === 'function' ? color(p) : color;
    for (let k = 0; k < 3; k++) img[p * 3 + k] = img[p * 3 + k]! * (1 - a) + c[k]! * a;
  }
}

function randomColor(rand: Rand, lo = 0.1, hi = 0.95): Rgb {
  return [range(rand, lo, hi), range(rand, lo, hi), range(rand, lo, hi)];
}

const CLIPART_PALETTE: Rgb[] = [
  [0.9, 0.15, 0.15],
  [0.95, 0.55, 0.1],
  [0.95, 0.85, 0.15],
  [0.2, 0.7, 0.25],
  [0.15, 0.45, 0.9],
  [0.55, 0.25, 0.8],
  [0.95, 0.4, 0.7],
  [0.1, 0.75, 0.75],
  [0.55, 0.35, 0.2],
];

function renderPhoto(side: number, polys: Point[][], pose: Pose, rand: Rand): Float32Array {
  const img = new Float32Array(side * side * 3);
  const c1 = randomColor(rand);
  const c2 = randomColor(rand);
  const ga = range(rand, 0, Math.PI * 2);
  const bgNoise = valueNoise(rand, side, 2 + Math.floor(rand() * 4));
  for (let r = 0; r < side; r++)
    for (let c = 0; c < side; c++) {
      const t = clamp01(((c - side / 2) * Math.cos(ga) + (r - side / 2) * Math.sin(ga)) / side + 0.5);
      const m = 0.7 + 0.6 * bgNoise[r * side + c]!;
      for (let k = 0; k < 3; k++) img[(r * side + c) * 3 + k] = clamp01((c1[k]! * (1 - t) + c2[k]! * t) * m);
    }
  const bgLum = (lum(c1) + lum(c2)) / 2;
  // The object must stand out from its background by brightness, whatever its hue.
  let obj = randomColor(rand);
  for (let tries = 0; tries < 50 && Math.abs(lum(obj) - bgLum) < 0.3; tries++)
    obj = randomColor(rand, 0.02, 1);
  const cover = fillCoverage(polys, side);
  // Soft drop shadow.
  const shift = Math.max(1, Math.round(side / 16));
  const shifted = new Float32Array(side * side);
  for (let r = shift; r < side; r++)
    for (let c = shift; c < side; c++) shifted[r * side + c] = cover[(r - shift) * side + c - shift]!;
  const shadow = boxBlur(shifted, side, Math.max(1, Math.round(side / 20)));
  for (let p = 0; p < shadow.length; p++)
    for (let k = 0; k < 3; k++) img[p * 3 + k] = img[p * 3 + k]! * (1 - 0.45 * shadow[p]!);
  // Texture: stripes, blotches or checks, then directional shading.
  const kind = Math.floor(rand() * 3);
  const freq = range(rand, 0.12, 0.3) * (32 / side);
  const phi = range(rand, 0, Math.PI);
  const phase = range(rand, 0, Math.PI * 2);
  const amp = range(rand, 0.15, 0.35);
  const blotch = valueNoise(rand, side, 5 + Math.floor(rand() * 4));
  const light = range(rand, 0, Math.PI * 2);
  paint(img, cover, (p) => {
    const r = Math.floor(p / side);
    const c = p % side;
    let tex: number;
    if (kind === 0) tex = Math.sin(2 * Math.PI * freq * (c * Math.cos(phi) + r * Math.sin(phi)) + phase);
    else if (kind === 1) tex = blotch[p]! * 2 - 1;
    else tex = (Math.floor(c * freq * 2) + Math.floor(r * freq * 2)) % 2 === 0 ? 0.8 : -0.8;
    const shade =
      1 + 0.35 * (((c - pose.cx) * Math.cos(light) + (r - pose.cy) * Math.sin(light)) / pose.scale);
    const f = shade * (1 + amp * tex);
    return [clamp01(obj[0] * f), clamp01(obj[1] * f), clamp01(obj[2] * f)];
  });
  for (let i = 0; i < img.length; i++) img[i] = clamp01(img[i]! + 0.06 * gauss(rand));
  return img;
}

function renderClipart(side: number, polys: Point[][], rand: Rand): Float32Array {
  const img = new Float32Array(side * side * 3);
  const bg: Rgb = rand() < 0.7 ? [1, 1, 1] : randomColor(rand, 0.8, 1);
  for (let p = 0; p < side * side; p++) img.set(bg, p * 3);
  const base = CLIPART_PALETTE[Math.floor(rand() * CLIPART_PALETTE.length)]!;
  const fill: Rgb = [
    clamp01(base[0] + 0.08 * gauss(rand)),
    clamp01(base[1] + 0.08 * gauss(rand)),
    clamp01(base[2] + 0.08 * gauss(rand)),
  ];
  paint(img, fillCoverage(polys, side), fill);
  const line = new Float32Array(side * side);
  const width = range(rand, 1, 1.6) * (side / 32);
  for (const poly of polys) strokePolyline(line, side, poly, width, true);
  const ink = range(rand, 0.02, 0.2);
  paint(img, line, [ink, ink, ink]);
  return img;
}

function renderSketch(side: number, polys: Point[][], rand: Rand): Float32Array {
  const img = new Float32Array(side * side * 3);
  const paper = range(rand, 0.92, 0.99);
  for (let p = 0; p < side * side; p++) {
    const v = paper + 0.02 * gauss(rand);
    img[p * 3] = clamp01(v);
    img[p * 3 + 1] = clamp01(v - 0.01);
    img[p * 3 + 2] = clamp01(v - 0.03);
  }
  const ink = new Float32Array(side * side);
  const unit = side / 32;
  for (const poly of polys) {
    const passes = 2 + (rand() < 0.4 ? 1 : 0);
    for (let pass = 0; pass < passes; pass++) {
      const pts = densify(poly, 1);
      const amp = range(rand, 0.3, 0.9) * unit;
      const w1 = range(rand, 0.05, 0.2);
      const ph = range(rand, 0, Math.PI * 2);
      const ox = gauss(rand) * 0.8 * unit;
      const oy = gauss(rand) * 0.8 * unit;
      const wobbly: Point[] = pts.map(([x, y], i) => {
        const d = amp * Math.sin(w1 * i + ph);
        return [x + ox + d, y + oy - d];
      });
      strokePolyline(ink, side, wobbly, range(rand, 0.7, 1.1) * unit, true, range(rand, 0.7, 0.95));
    }
  }
  if (rand() < 0.6) {
    const cover = fillCoverage(polys, side, 2);
    const spacing = range(rand, 2.5, 3.5) * unit;
    const a = range(rand, Math.PI / 6, Math.PI / 3) * (rand() < 0.5 ? 1 : -1);
    const strength = range(rand, 0.25, 0.45);
    for (let r = 0; r < side; r++)
      for (let c = 0; c < side; c++) {
        const t = (c * Math.cos(a) + r * Math.sin(a)) / spacing;
        const onLine = Math.max(0, 1 - Math.abs(t - Math.round(t)) * spacing * 1.4);
        const v = onLine * strength * cover[r * side + c]!;
        if (v > ink[r * side + c]!) ink[r * side + c] = v;
      }
  }
  const pencil = range(rand, 0.1, 0.35);
  paint(img, ink, [pencil, pencil, pencil]);
  return img;
}

function renderQuickdraw(side: number, polys: Point[][], pose: Pose, rand: Rand): Float32Array {
  const img = new Float32Array(side * side * 3).fill(1);
  const ink = new Float32Array(side * side);
  const width = range(rand, 1, 1.5) * (side / 32);
  const jitter = 0.05 * pose.scale;
  for (const poly of polys) {
    // Few vertices, as a quick mouse or finger drawing: keep ~8–12 points of a smooth outline.
    const keep = poly.length > 12 ? Math.ceil(poly.length / (8 + Math.floor(rand() * 5))) : 1;
    const coarse = poly
      .filter((_, i) => i % keep === 0)
      .map(([x, y]): Point => [x + jitter * gauss(rand), y + jitter * gauss(rand)]);
    // One open stroke from a random vertex round the shape, ending short of or past its start.
    const start = Math.floor(rand() * coarse.length);
    const stroke: Point[] = [];
    for (let i = 0; i <= coarse.length; i++) stroke.push(coarse[(start + i) % coarse.length]!);
    const end = stroke[stroke.length - 1]!;
    const prev = stroke[stroke.length - 2]!;
    const f = range(rand, -0.25, 0.25);
    stroke[stroke.length - 1] = [end[0] + (end[0] - prev[0]) * f, end[1] + (end[1] - prev[1]) * f];
    strokePolyline(ink, side, stroke, width, false);
  }
  paint(img, ink, [0, 0, 0]);
  return img;
}

/** Brush strokes: textured background, the object painted in short strokes of its colour, soft edges. */
function renderPainting(side: number, polys: Point[][], rand: Rand): Float32Array {
  const img = new Float32Array(side * side * 3);
  const unit = side / 32;
  const muted = (c: Rgb): Rgb => c.map((v) => 0.25 + 0.6 * v) as Rgb;
  const bgA = muted(randomColor(rand));
  const bgB = muted(randomColor(rand));
  for (let r = 0; r < side; r++)
    for (let c = 0; c < side; c++) {
      const t = r / side;
      const weave = 0.03 * Math.sin(c * 2.2) * Math.sin(r * 2.2);
      for (let k = 0; k < 3; k++)
        img[(r * side + c) * 3 + k] = clamp01(bgA[k]! * (1 - t) + bgB[k]! * t + weave);
    }
  const bgLum = (lum(bgA) + lum(bgB)) / 2;
  let obj = randomColor(rand, 0.05, 1);
  for (let tries = 0; tries < 50 && Math.abs(lum(obj) - bgLum) < 0.3; tries++)
    obj = randomColor(rand, 0.05, 1);
  const dab = (mask: Float32Array | null, base: Rgb, count: number, angle: number, spread: number) => {
    for (let i = 0; i < count; i++) {
      const x = range(rand, 0, side);
      const y = range(rand, 0, side);
      const a = angle + gauss(rand) * 0.6;
      const len = range(rand, 3, 8) * unit;
      const cov = new Float32Array(side * side);
      const pts: Point[] = [
        [x - (Math.cos(a) * len) / 2, y - (Math.sin(a) * len) / 2],
        [x + (Math.cos(a) * len) / 2, y + (Math.sin(a) * len) / 2],
      ];
      strokePolyline(cov, side, pts, range(rand, 1.5, 3) * unit, false, range(rand, 0.4, 0.8));
      if (mask) for (let p = 0; p < cov.length; p++) cov[p]! *= mask[p]!;
      const color: Rgb = [
        clamp01(base[0] + spread * gauss(rand)),
        clamp01(base[1] + spread * gauss(rand)),
        clamp01(base[2] + spread * gauss(rand)),
      ];
      paint(img, cov, color);
    }
  };
  const angle = range(rand, 0, Math.PI);
  dab(null, [(bgA[0] + bgB[0]) / 2, (bgA[1] + bgB[1]) / 2, (bgA[2] + bgB[2]) / 2], 30, angle, 0.12);
  // An underpainting of the object's colour with soft edges, then strokes on top of it.
  const soft = boxBlur(fillCoverage(polys, side, 2), side, Math.max(1, Math.round(unit)));
  paint(img, soft, obj);
  dab(soft, obj, 70, angle + Math.PI / 2, 0.1);
  return img;
}

/**
 * Renders one example as side²·3 RGB values in [0, 1]. `geometry` fixes the class's shape variation and
 * pose (shared by all domains for the same example index); `style` draws everything domain-specific.
 */
export function renderSynthetic(
  domain: SyntheticDomain,
  cls: number,
  side: number,
  geometry: Rand,
  style: Rand,
): Float32Array {
  const outline = classOutline(cls, geometry);
  const pose: Pose = {
    scale: side * range(geometry, 0.3, 0.4),
    angle: range(geometry, -0.35, 0.35),
    cx: side / 2 + side * range(geometry, -0.08, 0.08),
    cy: side / 2 + side * range(geometry, -0.08, 0.08),
  };
  const polys = outline.polygons.map((p) => toPixels(p, pose));
  switch (domain) {
    case 'photo':
      return renderPhoto(side, polys, pose, style);
    case 'clipart':
      return renderClipart(side, polys, style);
    case 'sketch':
      return renderSketch(side, polys, style);
    case 'quickdraw':
      return renderQuickdraw(side, polys, pose, style);
    case 'painting':
      return renderPainting(side, polys, style);
  }
}
