/**
 * Module criticality (Chatterji, Neyshabur & Sedghi, ICLR 2020) and the simpler "rewind one module" test.
 *
 * For module i: θᵢ^α = (1−α)θᵢ⁰ + αθᵢ^F with every other module final, plus Gaussian noise u ~ N(0, σ²I) on module
 * i. μᵢ = min α²‖θᵢ^F − θᵢ⁰‖²_F / σ² over the (α, σ) grid cells whose mean loss over the noise samples stays
 * ≤ (1 + ε)·L(θ^F).
 */
import { assertSameStructure, cloneModules, type Evaluation, type Evaluator, toLossError } from './barrier';
import type { CheckpointModule } from './checkpoint';
import { mixSeed, Rng } from './random';

/** Options for {@link moduleCriticality}; defaults follow Google's reference implementation. */
export interface CriticalityOptions {
  /** α grid. Default 11 points 0, 0.1, …, 1. */
  alphas?: number[];
  /** σ grid. Default 11 points 0, 0.1, …, 1 (σ = 0: no noise, one evaluation). */
  sigmas?: number[];
  /** Noise draws per cell. Default 10. */
  noiseSamples?: number;
  /** Loss tolerance ε. Default 0.01. */
  epsilon?: number;
  /** Seed of the noise. Default 0. Noise for (module, sample) is the same in every cell (common random numbers). */
  seed?: number;
  /** Modules to measure (default all). */
  modules?: string[];
  /**
   * Scale σ by the RMS of the module's final weights, so one grid suits modules of different scale. Default false
   * (σ is absolute, as in the paper).
   */
  relativeNoise?: boolean;
  /** Called after every evaluated cell. */
  onCell?: (module: string, cell: CriticalityCell) => void;
  signal?: AbortSignal;
}

/** One (α, σ) cell of a module's grid. */
export interface CriticalityCell {
  alpha: number;
  sigma: number;
  /** Mean loss over the noise samples. */
  meanLoss: number;
  /** Whether meanLoss ≤ (1 + ε)·L(θ^F). */
  ok: boolean;
  /** α²‖θᵢ^F − θᵢ⁰‖² / σ² (0 when α‖Δ‖ = 0, ∞ when σ = 0 otherwise). */
  measure: number;
}

/** Criticality of one module. */
export interface ModuleCriticality {
  name: string;
  /** μᵢ: the smallest `measure` among ok cells (∞ if none is ok). */
  criticality: number;
  /** The cell that attains it (undefined if none is ok). */
  alpha?: number;
  sigma?: number;
  /** ‖θᵢ^F − θᵢ⁰‖_F. */
  distance: number;
  /** `grid[a][s]` for alphas[a], sigmas[s]. */
  grid: CriticalityCell[][];
}

/** What {@link moduleCriticality} returns. */
export interface CriticalityResult {
  finalLoss: number;
  threshold: number;
  alphas: number[];
  sigmas: number[];
  modules: ModuleCriticality[];
}

const grid11 = () => Array.from({ length: 11 }, (_, i) => i / 10);

function moduleIndex(final: CheckpointModule[], names: string[] | undefined): number[] {
  if (!names) return final.map((_, i) => i);
  return names.map((n) => {
    const i = final.findIndex((m) => m.name === n);
    if (i < 0) throw new Error(`unknown module '${n}' (have ${final.map((m) => m.name).join(', ')})`);
    return i;
  });
}

/**
 * Runs the α × σ search for each module, calling `evaluate` (loss on a fixed training subset) on weights where only
 * that module is moved. Evaluations run one at a time.
 */
export async function moduleCriticality(
  initial: CheckpointModule[],
  final: CheckpointModule[],
  evaluate: Evaluator,
  opts: CriticalityOptions = {},
): Promise<CriticalityResult> {
  assertSameStructure(initial, final, 'measure criticality');
  const alphas = opts.alphas ?? grid11();
  const sigmas = opts.sigmas ?? grid11();
  const samples = opts.noiseSamples ?? 10;
  const eps = opts.epsilon ?? 0.01;
  const seed = opts.seed ?? 0;
  const work = cloneModules(final);
  const finalLoss = toLossError(await evaluate(work), 'the final weights').loss;
  const threshold = (1 + eps) * finalLoss;
  const modules: ModuleCriticality[] = [];
  for (const mi of moduleIndex(final, opts.modules)) {
    const m0 = initial[mi]!;
    const mf = final[mi]!;
    const wm = work[mi]!;
    let d2 = 0;
    let f2 = 0;
    let size = 0;
    for (const [j, p] of mf.params.entries()) {
      const q = m0.params[j]!.data;
      for (let k = 0; k < p.data.length; k++) {
        d2 += (p.data[k]! - q[k]!) ** 2;
        f2 += p.data[k]! ** 2;
      }
      size += p.data.length;
    }
    const scale = opts.relativeNoise ? Math.sqrt(f2 / Math.max(size, 1)) : 1;
    const grid: CriticalityCell[][] = [];
    let best: CriticalityCell | undefined;
    for (const alpha of alphas) {
      const row: CriticalityCell[] = [];
      for (const sigma of sigmas) {
        const draws = sigma === 0 ? 1 : samples;
        let sum = 0;
        for (let s = 0; s < draws; s++) {
          opts.signal?.throwIfAborted();
          // Re-seeded per (module, sample): the same noise in every cell, without storing it.
          const rng = new Rng(mixSeed(seed, mi, s));
          const sd = sigma * scale;
          for (const [j, p] of wm.params.entries()) {
            const x0 = m0.params[j]!.data;
            const xf = mf.params[j]!.data;
            for (let k = 0; k < p.data.length; k++)
              p.data[k] = (1 - alpha) * x0[k]! + alpha * xf[k]! + sd * rng.normal();
          }
          sum += toLossError(await evaluate(work), `module ${mf.name}, α = ${alpha}, σ = ${sigma}`).loss;
        }
        const meanLoss = sum / draws;
        const top = alpha * alpha * d2;
        const sd = sigma * scale;
        const measure = top === 0 ? 0 : sd === 0 ? Number.POSITIVE_INFINITY : top / (sd * sd);
        const cell = { alpha, sigma, meanLoss, ok: meanLoss <= threshold, measure };
        row.push(cell);
        opts.onCell?.(mf.name, cell);
        if (cell.ok && (!best || cell.measure < best.measure)) best = cell;
      }
      grid.push(row);
    }
    for (const [j, p] of wm.params.entries()) p.data.set(mf.params[j]!.data);
    modules.push({
      name: mf.name,
      criticality: best ? best.measure : Number.POSITIVE_INFINITY,
      ...(best ? { alpha: best.alpha, sigma: best.sigma } : {}),
      distance: Math.sqrt(d2),
      grid,
    });
  }
  return { finalLoss, threshold, alphas, sigmas, modules };
}

/** One module rewound to its initial weights. */
export interface RewindResult {
  name: string;
  loss: number;
  error: number;
  /** Change against the final model (positive = worse). */
  lossIncrease: number;
  errorIncrease: number;
}

/**
 * The paper's simpler test: for each module, put back its initial weights (everything else final) and evaluate.
 * Modules whose rewinding barely changes the error are not critical.
 */
export async function rewindModules(
  initial: CheckpointModule[],
  final: CheckpointModule[],
  evaluate: Evaluator,
  opts: { modules?: string[]; signal?: AbortSignal } = {},
): Promise<{ final: { loss: number; error: number }; modules: RewindResult[] }> {
  assertSameStructure(initial, final, 'rewind modules');
  const work = cloneModules(final);
  const base = toLossError(await evaluate(work), 'the final weights');
  const modules: RewindResult[] = [];
  for (const mi of moduleIndex(final, opts.modules)) {
    opts.signal?.throwIfAborted();
    const wm = work[mi]!;
    for (const [j, p] of wm.params.entries()) p.data.set(initial[mi]!.params[j]!.data);
    const e: Evaluation = await evaluate(work);
    const { loss, error } = toLossError(e, `module ${wm.name} rewound`);
    for (const [j, p] of wm.params.entries()) p.data.set(final[mi]!.params[j]!.data);
    modules.push({
      name: wm.name,
      loss,
      error,
      lossIncrease: loss - base.loss,
      errorIncrease: error - base.error,
    });
  }
  return { final: base, modules };
}
