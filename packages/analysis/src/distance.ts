/** ℓ2 distance between two sets of weights, in total and per module. */
import type { CheckpointModule } from './checkpoint';

/** One module's distance. */
export interface ModuleDistance {
  name: string;
  /** ‖θ_A − θ_B‖₂ over the module's flattened parameters. */
  distance: number;
  /** ‖θ_A‖₂ and ‖θ_B‖₂, to put the distance in scale. */
  normA: number;
  normB: number;
  /** Number of scalar parameters. */
  size: number;
}

/** A module left out of the total, and why. */
export interface ExcludedModule {
  name: string;
  reason: string;
}

/** What {@link parameterDistance} returns. */
export interface ParameterDistance {
  /** ℓ2 over every included module (square root of the sum of squared module distances). */
  total: number;
  /** Included modules, in A's order. */
  perModule: ModuleDistance[];
  /** Modules whose parameters differ in names or shapes (a re-initialised head), or exist on one side only. */
  excluded: ExcludedModule[];
}

function mismatch(a: CheckpointModule, b: CheckpointModule): string | undefined {
  const bp = new Map(b.params.map((p) => [p.name, p]));
  const an = a.params.map((p) => p.name);
  const missing = an.filter((n) => !bp.has(n));
  const extra = b.params.map((p) => p.name).filter((n) => !an.includes(n));
  if (missing.length || extra.length) {
    return `parameters differ (${[...missing.map((n) => `${n} only in A`), ...extra.map((n) => `${n} only in B`)].join(', ')})`;
  }
  for (const p of a.params) {
    const q = bp.get(p.name)!;
    if (p.shape.length !== q.shape.length || p.shape.some((s, i) => s !== q.shape[i])) {
      return `${p.name} has shape [${p.shape.join(', ')}] in A but [${q.shape.join(', ')}] in B`;
    }
  }
  return undefined;
}

/**
 * ℓ2 distance between two models' weights, matched by module and parameter name, accumulated in float64.
 * Modules whose parameter names or shapes differ are listed in `excluded`, never mixed into the total.
 */
export function parameterDistance(a: CheckpointModule[], b: CheckpointModule[]): ParameterDistance {
  const byName = new Map(b.map((m) => [m.name, m]));
  const perModule: ModuleDistance[] = [];
  const excluded: ExcludedModule[] = [];
  let total2 = 0;
  for (const ma of a) {
    const mb = byName.get(ma.name);
    if (!mb) {
      excluded.push({ name: ma.name, reason: 'only in A' });
      continue;
    }
    const why = mismatch(ma, mb);
    if (why) {
      excluded.push({ name: ma.name, reason: why });
      continue;
    }
    const bp = new Map(mb.params.map((p) => [p.name, p.data]));
    let d2 = 0;
    let a2 = 0;
    let b2 = 0;
    let size = 0;
    for (const p of ma.params) {
      const x = p.data;
      const y = bp.get(p.name)!;
      for (let i = 0; i < x.length; i++) {
        const u = x[i]!;
        const v = y[i]!;
        d2 += (u - v) * (u - v);
        a2 += u * u;
        b2 += v * v;
      }
      size += x.length;
    }
    perModule.push({
      name: ma.name,
      distance: Math.sqrt(d2),
      normA: Math.sqrt(a2),
      normB: Math.sqrt(b2),
      size,
    });
    total2 += d2;
  }
  const inA = new Set(a.map((m) => m.name));
  for (const mb of b) if (!inA.has(mb.name)) excluded.push({ name: mb.name, reason: 'only in B' });
  return { total: Math.sqrt(total2), perModule, excluded };
}
