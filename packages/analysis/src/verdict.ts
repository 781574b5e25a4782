/**
 * How a claim is judged from measurements that come with seeds: holds, does not hold, or inconclusive when the
 * difference is within the spread. One rule for every claim, stated in words by {@link CRITERION}.
 *
 * @remarks The spread is the standard error of the mean (sample std / √n), combined for a difference of two
 * groups (Welch). A claim holds when its quantity clears its threshold by more than {@link SPREAD_K} standard
 * errors, does not hold when it misses by more than that, and is inconclusive in between — or when a side has
 * fewer than {@link MIN_SEEDS} values, since one value has no spread.
 */

/** What a claim's measurements say. */
export type Verdict = 'HOLDS' | 'DOES_NOT_HOLD' | 'INCONCLUSIVE' | 'NOT_MEASURED';

/** Every verdict, in the order the schema lists them. */
export const VERDICTS: readonly Verdict[] = ['HOLDS', 'DOES_NOT_HOLD', 'INCONCLUSIVE', 'NOT_MEASURED'];

/** How many standard errors a difference must clear to count. */
export const SPREAD_K = 2;

/** Fewest values per side that have a spread. */
export const MIN_SEEDS = 2;

/**
 * A model scoring below `chance + NEAR_CHANCE_MARGIN · (1 − chance)` is near chance (10 classes: below 0.19); its
 * claims are inconclusive. The runner's sanity flags and the findings use this one bound.
 */
export const NEAR_CHANCE_MARGIN = 0.1;

/** The score below which a model counts as near chance, given the chance level. */
export const nearChanceBelow = (chance: number) => chance + NEAR_CHANCE_MARGIN * (1 - chance);

/** The rule, in words, for tables and notes. */
export const CRITERION = `holds when the difference clears its threshold by more than ${SPREAD_K} standard errors of the mean (over seeds), does not hold when it misses by more, inconclusive in between or with fewer than ${MIN_SEEDS} seeds`;

/** Mean, sample standard deviation (n − 1; 0 for one value) and the values, NaN left out. */
export interface Spread {
  mean: number;
  std: number;
  n: number;
  values: number[];
}

/** The spread of finite values (NaN and ±∞ dropped; use {@link spreadOf} with `keepInfinite` for ranks). */
export function spreadOf(values: readonly number[]): Spread {
  const v = values.filter((x) => Number.isFinite(x));
  const n = v.length;
  const mean = n ? v.reduce((a, b) => a + b, 0) / n : Number.NaN;
  const std = n > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std, n, values: v };
}

const se = (s: Spread) => (s.n > 0 ? s.std / Math.sqrt(s.n) : Number.NaN);

/** Judges `value` (with standard error `err`) against `threshold`: above it is the claim. */
function judge(value: number, err: number, threshold: number): Verdict {
  if (!Number.isFinite(value)) return 'INCONCLUSIVE';
  if (value - SPREAD_K * err > threshold) return 'HOLDS';
  if (value + SPREAD_K * err < threshold) return 'DOES_NOT_HOLD';
  return 'INCONCLUSIVE';
}

/** A judged quantity: the verdict, the estimate and its standard error. */
export interface Judgement {
  verdict: Verdict;
  estimate: number;
  stderr: number;
  /** Why it is inconclusive when the data, not the numbers, decided it. */
  reason?: string;
}

function tooFew(...sides: Spread[]): string | undefined {
  const n = Math.min(...sides.map((s) => s.n));
  return n < MIN_SEEDS ? `${n} value${n === 1 ? '' : 's'}: no spread` : undefined;
}

/** Claim: mean(a) − mean(b) > margin (margin 0: a is larger). */
export function greaterThan(a: Spread, b: Spread, margin = 0): Judgement {
  const estimate = a.mean - b.mean;
  const stderr = Math.sqrt(se(a) ** 2 + se(b) ** 2);
  const reason = tooFew(a, b);
  if (reason) return { verdict: 'INCONCLUSIVE', estimate, stderr, reason };
  return { verdict: judge(estimate, stderr, margin), estimate, stderr };
}

/** Claim: mean(a) ≥ mean(b) − margin (a is not worse than b by more than the margin). */
export function notWorseThan(a: Spread, b: Spread, margin: number): Judgement {
  return greaterThan(a, b, -margin);
}

/** Claim: the mean is below `threshold`. */
export function below(x: Spread, threshold: number): Judgement {
  const reason = tooFew(x);
  const j = judge(-x.mean, se(x), -threshold);
  return reason
    ? { verdict: 'INCONCLUSIVE', estimate: x.mean, stderr: se(x), reason }
    : { verdict: j, estimate: x.mean, stderr: se(x) };
}

/** Claim: the mean is above `threshold`. */
export function above(x: Spread, threshold: number): Judgement {
  const reason = tooFew(x);
  if (reason) return { verdict: 'INCONCLUSIVE', estimate: x.mean, stderr: se(x), reason };
  return { verdict: judge(x.mean, se(x), threshold), estimate: x.mean, stderr: se(x) };
}

/** Average ranks (1-based; ties share their mean rank); +∞ ranks last, NaN is not allowed here. */
export function ranks(values: readonly number[]): number[] {
  const order = values
    .map((v, i) => [v, i] as const)
    .sort((a, b) => (a[0] === b[0] ? 0 : a[0] < b[0] ? -1 : 1));
  const out = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    for (let k = i; k <= j; k++) out[order[k]![1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

/**
 * Spearman's rank correlation of x and y (Pearson's on average ranks). +∞ in y ranks above every finite value
 * (an infinitely critical module is the most critical); pairs with NaN are left out. NaN with fewer than 3 pairs
 * or when either side is constant.
 */
export function spearman(x: readonly number[], y: readonly number[]): number {
  const keep = x.map((_, i) => i).filter((i) => !Number.isNaN(x[i]!) && !Number.isNaN(y[i]!));
  if (keep.length < 3) return Number.NaN;
  const rx = ranks(keep.map((i) => x[i]!));
  const ry = ranks(keep.map((i) => y[i]!));
  const m = (keep.length + 1) / 2;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < keep.length; i++) {
    sxy += (rx[i]! - m) * (ry[i]! - m);
    sxx += (rx[i]! - m) ** 2;
    syy += (ry[i]! - m) ** 2;
  }
  return sxx === 0 || syy === 0 ? Number.NaN : sxy / Math.sqrt(sxx * syy);
}

/** Claim: y rises with x, judged on one rank correlation per seed (curve). */
export function increasing(curves: readonly { x: readonly number[]; y: readonly number[] }[]): Judgement & {
  rho: Spread;
} {
  const rho = spreadOf(curves.map((c) => spearman(c.x, c.y)));
  return { ...above(rho, 0), rho };
}
