/** A point in object units (roughly within the unit disc, y up). */
export type Point = [number, number];

/** One class's outline: closed polygons, filled with the even-odd rule (a second polygon can cut a hole). */
export interface ShapeOutline {
  polygons: Point[][];
}

/** The classes the synthetic generator draws, in label order. */
export const SYNTHETIC_CLASSES = [
  'circle',
  'square',
  'triangle',
  'star',
  'plus',
  'heart',
  'house',
  'arrow',
  'moon',
  'lightning',
] as const;

const TAU = Math.PI * 2;

function ellipse(rx: number, ry: number, n: number, cx = 0, cy = 0): Point[] {
  const pts: Point[] = [];
  for (let i = 0; i < n; i++)
    pts.push([cx + rx * Math.cos((i / n) * TAU), cy + ry * Math.sin((i / n) * TAU)]);
  return pts;
}

/** Crescent: the unit circle minus a circle of radius r centred at (d, 0). */
function crescent(d: number, r: number, n: number): Point[] {
  const x = (d * d + 1 - r * r) / (2 * d);
  const y = Math.sqrt(Math.max(0, 1 - x * x));
  const a = Math.atan2(y, x);
  const b = Math.atan2(y, x - d);
  const pts: Point[] = [];
  for (let i = 0; i <= n; i++) {
    const t = a + ((TAU - 2 * a) * i) / n;
    pts.push([Math.cos(t), Math.sin(t)]);
  }
  for (let i = 1; i < n; i++) {
    const t = TAU - b - ((TAU - 2 * b) * i) / n;
    pts.push([d + r * Math.cos(t), r * Math.sin(t)]);
  }
  return pts;
}

/**
 * The outline of class `cls` with per-example variation drawn from `rand` (aspect, star depth, arm width…),
 * so that no two examples of a class are the same shape.
 */
export function classOutline(cls: number, rand: () => number): ShapeOutline {
  const u = (lo: number, hi: number) => lo + (hi - lo) * rand();
  switch (SYNTHETIC_CLASSES[cls]) {
    case 'circle':
      return { polygons: [ellipse(u(0.8, 1), u(0.8, 1), 48)] };
    case 'square': {
      const w = u(0.7, 0.9);
      const h = u(0.7, 0.9);
      return {
        polygons: [
          [
            [-w, -h],
            [w, -h],
            [w, h],
            [-w, h],
          ],
        ],
      };
    }
    case 'triangle': {
      const w = u(0.75, 1);
      return {
        polygons: [
          [
            [-w, -0.75],
            [w, -0.75],
            [u(-0.15, 0.15), 0.95],
          ],
        ],
      };
    }
    case 'star': {
      const inner = u(0.36, 0.5);
      const pts: Point[] = [];
      for (let i = 0; i < 10; i++) {
        const t = Math.PI / 2 + (i * Math.PI) / 5;
        const r = i % 2 === 0 ? 1 : inner;
        pts.push([r * Math.cos(t), r * Math.sin(t)]);
      }
      return { polygons: [pts] };
    }
    case 'plus': {
      const t = u(0.22, 0.34);
      const a = u(0.8, 0.95);
      return {
        polygons: [
          [
            [-t, -a],
            [t, -a],
            [t, -t],
            [a, -t],
            [a, t],
            [t, t],
            [t, a],
            [-t, a],
            [-t, t],
            [-a, t],
            [-a, -t],
            [-t, -t],
          ],
        ],
      };
    }
    case 'heart': {
      const pts: Point[] = [];
      const sx = u(0.9, 1.05) / 17;
      for (let i = 0; i < 48; i++) {
        const t = (i / 48) * TAU;
        const x = 16 * Math.sin(t) ** 3;
        const y = 13 * Math.cos(t) - 5 * Math.cos(2 * t) - 2 * Math.cos(3 * t) - Math.cos(4 * t);
        pts.push([x * sx, (y + 2.5) / 15.5]);
      }
      return { polygons: [pts] };
    }
    case 'house': {
      const w = u(0.6, 0.75);
      const eave = w + u(0.08, 0.18);
      const wall = u(-0.05, 0.15);
      const polygons: Point[][] = [
        [
          [-w, -0.9],
          [w, -0.9],
          [w, wall],
          [eave, wall],
          [0, 0.95],
          [-eave, wall],
          [-w, wall],
        ],
      ];
      if (rand() < 0.7) {
        const dx = u(-0.35, 0.2);
        polygons.push([
          [dx, -0.9],
          [dx + 0.25, -0.9],
          [dx + 0.25, -0.45],
          [dx, -0.45],
        ]);
      }
      return { polygons };
    }
    case 'arrow': {
      const s = u(0.14, 0.22);
      const hx = u(0.05, 0.3);
      const hh = u(0.45, 0.6);
      return {
        polygons: [
          [
            [-0.95, -s],
            [hx, -s],
            [hx, -hh],
            [0.95, 0],
            [hx, hh],
            [hx, s],
            [-0.95, s],
          ],
        ],
      };
    }
    case 'moon':
      return { polygons: [crescent(u(0.38, 0.55), u(0.82, 0.92), 24)] };
    case 'lightning':
      return {
        polygons: [
          [
            [-0.25, 1],
            [0.45, 1],
            [u(0.05, 0.15), 0.2],
            [0.55, 0.2],
            [-0.4, -1],
            [u(-0.1, 0), -0.1],
            [-0.5, -0.1],
          ],
        ],
      };
    default:
      throw new Error(`synthetic: class index ${cls} is outside 0..${SYNTHETIC_CLASSES.length - 1}`);
  }
}
