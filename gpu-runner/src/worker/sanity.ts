/**
 * When an analysis result cannot be trusted: the thresholds, declared once, and the pure helpers that turn measured
 * numbers into {@link SanityFlag}s (codes: `SANITY_CODES` in @basin/db). Nothing here touches a model or a database.
 */
import { MIN_SEEDS, nearChanceBelow } from '@basin/analysis';
import type { SanityFlag } from '@basin/db';
import type { Task } from '../data/types';

/**
 * NEAR_CHANCE for MULTILABEL: the runner's score there is mean per-label ROC AUC (see train/evaluate.ts), whose
 * chance level is 0.5 whatever the number of labels; the same margin applies (flagged below 0.55).
 */
export const MULTILABEL_CHANCE = 0.5;

/**
 * ENDPOINT_MISMATCH: a model's accuracy here and its run's own final test accuracy p may differ by
 * `max(ENDPOINT_MIN_TOLERANCE, ENDPOINT_SIGMAS · √(p(1−p)/n))` (n = examples evaluated here) before it is flagged.
 */
export const ENDPOINT_MIN_TOLERANCE = 0.05;
export const ENDPOINT_SIGMAS = 3;

/** The bounds, declared once in @basin/analysis (the findings judge with the same ones). */
export { MIN_SEEDS, NEAR_CHANCE_MARGIN } from '@basin/analysis';

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** The score of a model that guesses: 1/classes (MULTICLASS), or {@link MULTILABEL_CHANCE} (AUC, MULTILABEL). */
export function chanceLevel(task: Task, classes: number): number {
  return task === 'MULTILABEL' ? MULTILABEL_CHANCE : 1 / Math.max(1, classes);
}

/** The score below which a model counts as near chance. */
export function nearChanceThreshold(task: Task, classes: number): number {
  const chance = chanceLevel(task, classes);
  return nearChanceBelow(chance);
}

/** A NEAR_CHANCE flag when `accuracy` is below {@link nearChanceThreshold}; null otherwise (or when not finite). */
export function nearChanceFlag(m: {
  accuracy: number;
  task: Task;
  classes: number;
  checkpointId: string | null;
  label: string;
  dataset: string;
}): SanityFlag | null {
  const limit = nearChanceThreshold(m.task, m.classes);
  if (!Number.isFinite(m.accuracy) || m.accuracy >= limit) return null;
  const what = m.task === 'MULTILABEL' ? 'mean AUC' : 'accuracy';
  return {
    code: 'NEAR_CHANCE',
    message: `${m.label} scores ${pct(m.accuracy)} ${what} on ${m.dataset}, near chance (${pct(chanceLevel(m.task, m.classes))}; flagged below ${pct(limit)}): wrong dataset, or a model that did not train?`,
    checkpointId: m.checkpointId,
  };
}

/** How far a re-measured accuracy may be from a run's own `p` on `n` examples: max(0.05, 3·√(p(1−p)/n)). */
export function endpointTolerance(p: number, n: number): number {
  const se = n > 0 ? Math.sqrt(Math.max(0, p * (1 - p)) / n) : Number.POSITIVE_INFINITY;
  return Math.max(ENDPOINT_MIN_TOLERANCE, ENDPOINT_SIGMAS * se);
}

/**
 * An ENDPOINT_MISMATCH flag when `measured` (on `n` examples) and the run's own final test accuracy `reported`
 * differ by more than {@link endpointTolerance}(reported, n); null otherwise, or when either is missing.
 */
export function endpointMismatchFlag(m: {
  measured: number;
  reported: number | null | undefined;
  n: number;
  checkpointId: string | null;
  label: string;
  runId: string;
}): SanityFlag | null {
  const { measured, reported } = m;
  if (typeof reported !== 'number' || !Number.isFinite(reported) || !Number.isFinite(measured)) return null;
  const tol = endpointTolerance(reported, m.n);
  if (Math.abs(measured - reported) <= tol) return null;
  return {
    code: 'ENDPOINT_MISMATCH',
    message: `${m.label} scores ${pct(measured)} here but its run ${m.runId} reported ${pct(reported)} final test accuracy (difference ${pct(Math.abs(measured - reported))} > ${pct(tol)} allowed on ${m.n} examples)`,
    checkpointId: m.checkpointId,
  };
}

/**
 * One SINGLE_SEED flag for a sweep whose cells (`seedsPerCell`: the number of seeds of each row or point) include
 * any with fewer than {@link MIN_SEEDS}; null when every cell has enough. `what` names the cells ("rows", "points").
 */
export function singleSeedFlag(seedsPerCell: number[], what: string): SanityFlag | null {
  const thin = seedsPerCell.filter((n) => n < MIN_SEEDS);
  if (thin.length === 0) return null;
  const fewest = Math.min(...thin);
  return {
    code: 'SINGLE_SEED',
    message: `${fewest} seed${fewest === 1 ? '' : 's'}: no spread (std 0, CI = mean) in ${thin.length} of ${seedsPerCell.length} ${what}; run at least ${MIN_SEEDS} seeds`,
    checkpointId: null,
  };
}

/** Flags without repeats (same code and checkpoint: the first one wins), nulls dropped, in first-seen order. */
export function uniqueFlags(flags: (SanityFlag | null | undefined)[]): SanityFlag[] {
  const seen = new Set<string>();
  const out: SanityFlag[] = [];
  for (const f of flags) {
    if (!f) continue;
    const key = `${f.code}:${f.checkpointId ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(f);
  }
  return out;
}
