/**
 * When is training done? A plateau criterion on the per-epoch mean training loss, so P-T and RI-T runs are compared
 * when both have converged instead of after the same fixed number of epochs (a random-init Fixup ResNet sits at
 * chance for its first few epochs, then learns). Pure functions, no TF.js.
 */

/** Settings of the plateau criterion ({@link plateaued}). */
export interface PlateauOptions {
  /**
   * Largest improvement of the best training loss over the last `window` epochs, as a fraction of the progress
   * made so far (first epoch's loss − best loss), that still counts as a plateau. In (0, 1). Default 0.02.
   */
  tolerance?: number;
  /** Epochs looked back over. An integer ≥ 1. Default 2. */
  window?: number;
  /** Epochs before the criterion is tested at all (at least `window` + 1 are needed anyway). Default 3. */
  minEpochs?: number;
  /**
   * Least progress (first epoch's loss − best loss), as a fraction of the first epoch's loss, before a plateau
   * can be declared. Default 0.1: a stall at chance whose epoch losses jitter (dipping once by 0.001 and then staying)
   * is not a plateau; a model that never learns runs to its cap and is reported as not converged.
   */
  minProgress?: number;
  /**
   * Largest rise of the last epoch's loss above the best, as a fraction of the progress so far, that still counts
   * as a plateau. Default 0.25: a run that learnt and then collapsed (loss 2.31 → 1.70 → 2.30, a divergence back
   * to chance) has not converged, however flat its best loss is; one noisy epoch (0.117 → 0.170) has.
   */
  maxRegression?: number;
}

/** {@link PlateauOptions} with every default filled in. */
export type ResolvedPlateauOptions = Required<PlateauOptions>;

/** Fills in defaults and checks the settings (a RangeError names the bad one). */
export function resolvePlateau(o: PlateauOptions = {}): ResolvedPlateauOptions {
  const r = {
    tolerance: o.tolerance ?? 0.02,
    window: o.window ?? 2,
    minEpochs: o.minEpochs ?? 3,
    minProgress: o.minProgress ?? 0.1,
    maxRegression: o.maxRegression ?? 0.25,
  };
  if (!(r.tolerance > 0 && r.tolerance < 1))
    throw new RangeError(`plateau tolerance must be a number in (0, 1), got ${r.tolerance}`);
  if (!Number.isInteger(r.window) || r.window < 1)
    throw new RangeError(`plateau window must be an integer ≥ 1, got ${r.window}`);
  if (!Number.isInteger(r.minEpochs) || r.minEpochs < 1)
    throw new RangeError(`plateau minEpochs must be an integer ≥ 1, got ${r.minEpochs}`);
  if (!(r.minProgress >= 0 && r.minProgress < 1))
    throw new RangeError(`plateau minProgress must be a number in [0, 1), got ${r.minProgress}`);
  if (!(r.maxRegression >= 0))
    throw new RangeError(`plateau maxRegression must be a number ≥ 0, got ${r.maxRegression}`);
  return r;
}

/**
 * Whether training has plateaued after `losses.length` epochs.
 *
 * `losses[i]` is the mean training loss of epoch i+1. With e = `losses.length`, the criterion is tested only when
 * e ≥ max(`minEpochs`, `window` + 1). Let best(k) = min(losses[0..k−1]) (the best loss of the first k epochs);
 * improvement = best(e − `window`) − best(e); progress = losses[0] − best(e). Training has plateaued iff
 * progress > 0, progress ≥ `minProgress` · losses[0], the last loss is at most `maxRegression` · progress above
 * the best (no collapse), and improvement ≤ `tolerance` · progress.
 *
 * So a model stuck at its starting loss (progress = 0, Fixup's slow start at chance) has not plateaued, and a model
 * still learning (improving by more than `tolerance` of what it has learnt so far per `window` epochs) has not
 * either. Any non-finite loss among the first e: not a plateau.
 *
 * @throws RangeError when an option is out of range (see {@link resolvePlateau}).
 */
export function plateaued(losses: readonly number[], o?: PlateauOptions): boolean {
  const { tolerance, window, minEpochs, minProgress, maxRegression } = resolvePlateau(o);
  const e = losses.length;
  if (e < Math.max(minEpochs, window + 1)) return false;
  if (!losses.every(Number.isFinite)) return false;
  const best = (k: number) => Math.min(...losses.slice(0, k));
  const bestNow = best(e);
  const improvement = best(e - window) - bestNow;
  const progress = losses[0]! - bestNow;
  if (!(progress > 0)) return false;
  if (minProgress > 0 && progress < minProgress * losses[0]!) return false;
  if (losses[e - 1]! - bestNow > maxRegression * progress) return false;
  return improvement <= tolerance * progress;
}

/**
 * The first epoch (1-based) after which {@link plateaued} holds for the losses so far, or null when it never does:
 * the epoch a run stopping at its plateau would have stopped at (used to rebuild that state when resuming).
 */
export function plateauEpoch(losses: readonly number[], o?: PlateauOptions): number | null {
  resolvePlateau(o);
  for (let e = 1; e <= losses.length; e++) if (plateaued(losses.slice(0, e), o)) return e;
  return null;
}

/**
 * The criterion in words, e.g. "best training loss improved by ≤ 2% of the progress so far over the last 2
 * epochs (after ≥ 3 epochs)" — what a study shows next to a converged run.
 */
export function describePlateau(o?: PlateauOptions): string {
  const { tolerance, window, minEpochs, minProgress } = resolvePlateau(o);
  const pct = (f: number) => `${Number((f * 100).toPrecision(6))}%`;
  const last = window === 1 ? 'the last epoch' : `the last ${window} epochs`;
  const after = Math.max(minEpochs, window + 1);
  const least = minProgress > 0 ? `, with progress ≥ ${pct(minProgress)} of the first epoch's loss` : '';
  return `best training loss improved by ≤ ${pct(tolerance)} of the progress so far over ${last} (after ≥ ${after} epochs${least})`;
}
