/**
 * The JSON stored in `analyses.result`, one shape per analysis kind. The runner writes exactly these; the API
 * serves them as the GraphQL `AnalysisResult` union (documented with examples in apps/api/RESULTS.md).
 *
 * Conventions: ids are strings (bigint ids as PostgreSQL prints them); accuracies and error rates are fractions in
 * [0, 1]; every array that is indexed by another array (a λ grid, a module list) has the same length as it.
 *
 * Fields added later are absent from rows written before them: a reader treats a missing `sanity` as `[]`, a missing
 * `dataset` as `null` and a missing `note` or `split` as `null` (the API does; see {@link withResultDefaults}).
 */

import type { AnalysisKind, PairType } from './domain';

export type { AnalysisKind, PairType };

/** One side of a compared pair: a checkpoint, with a human label such as "P-T seed 1". */
export interface ModelRef {
  checkpointId: string;
  /** The run that produced the checkpoint, when there is one. */
  runId: string | null;
  label: string;
}

/** Summary of one quantity measured over several seeds. */
export interface SeedStats {
  mean: number;
  /** Sample standard deviation (n − 1); 0 when n = 1. */
  std: number;
  /** 95% confidence interval of the mean (Student's t); equal to the mean when n = 1. */
  ciLow: number;
  ciHigh: number;
  n: number;
  /** The per-seed values, in seed order. */
  values: number[];
}

/** The dataset an analysis evaluated its models on. */
export interface DatasetRef {
  id: string;
  name: string;
}

/**
 * Why a result may not be trustworthy (the thresholds live in the runner's gpu-runner/src/worker/sanity.ts):
 * - `NEAR_CHANCE`: a model's accuracy on the evaluation data is below chance + 0.1·(1 − chance) (chance = 1/classes;
 *   MULTILABEL scores are mean ROC AUC, chance 0.5) — usually the wrong dataset or a model that never trained.
 * - `ENDPOINT_MISMATCH`: a model's accuracy here differs from its producing run's own final test accuracy on the
 *   same dataset by more than max(0.05, 3·√(p(1−p)/n)).
 * - `SINGLE_SEED`: a sweep cell has fewer than 2 seeds, so its spread (std, CI) means nothing.
 */
export const SANITY_CODES = ['NEAR_CHANCE', 'ENDPOINT_MISMATCH', 'SINGLE_SEED'] as const;

/** One of {@link SANITY_CODES}. */
export type SanityCode = (typeof SANITY_CODES)[number];

/** One reason to distrust a result; `checkpointId` names the model it is about (null: the whole result). */
export interface SanityFlag {
  code: SanityCode;
  message: string;
  checkpointId: string | null;
}

// ── CKA ────────────────────────────────────────────────────────────────────────────────────────────────────────

/** Linear CKA between every module of A and every module of B, on the same examples. */
export interface CkaPair {
  a: ModelRef;
  b: ModelRef;
  pairType: PairType;
  modulesA: string[];
  modulesB: string[];
  /** `values[i][j]` = CKA(A.modulesA[i], B.modulesB[j]), in [0, 1]. */
  values: number[][];
}

/** Result of a CKA analysis. */
export interface CkaResult {
  kind: 'CKA';
  /** Debiased (unbiased HSIC) rather than the plain estimator. */
  debiased: boolean;
  /** Number of examples the features were taken on. */
  examples: number;
  /** Dataset split the examples came from ('test' by default). */
  split: string;
  /** The dataset evaluated on (null in rows written before it was recorded). */
  dataset: DatasetRef | null;
  pairs: CkaPair[];
  /** Reasons to distrust the result; empty when none. */
  sanity: SanityFlag[];
}

// ── Mistakes ───────────────────────────────────────────────────────────────────────────────────────────────────

/** Common and uncommon mistakes of two models on the same test examples. */
export interface MistakesPair {
  a: ModelRef;
  b: ModelRef;
  pairType: PairType;
  /** Examples both models get wrong. */
  common: number;
  /** Examples only A gets wrong. */
  onlyA: number;
  /** Examples only B gets wrong. */
  onlyB: number;
  accuracyA: number;
  accuracyB: number;
  /** Fraction of examples where the two predictions are equal. */
  agreement: number;
  /** Among examples both get wrong, the fraction where they predict the same wrong class. */
  wrongAgreement: number;
}

/** Result of a MISTAKES analysis. */
export interface MistakesResult {
  kind: 'MISTAKES';
  /** Number of test examples compared. */
  examples: number;
  /** Dataset split the examples came from ('test' by default; null in rows written before it was recorded). */
  split: string | null;
  /** The dataset evaluated on (null in rows written before it was recorded). */
  dataset: DatasetRef | null;
  pairs: MistakesPair[];
  /** Reasons to distrust the result; empty when none. */
  sanity: SanityFlag[];
}

// ── Parameter distance ─────────────────────────────────────────────────────────────────────────────────────────

/** Distance between the two versions of one module. */
export interface ModuleDistance {
  module: string;
  /** ℓ2 norm of the flattened difference of the module's weights. */
  distance: number;
  /** Number of parameters compared. */
  numel: number;
}

/** A module left out because its shapes differ between A and B (a re-initialised head). */
export interface ExcludedModule {
  module: string;
  reason: string;
  shapeA: number[];
  shapeB: number[];
}

/** Parameter distance between two checkpoints. */
export interface ParamDistancePair {
  a: ModelRef;
  b: ModelRef;
  pairType: PairType;
  /** ℓ2 over every compared parameter (excluded modules left out). */
  total: number;
  modules: ModuleDistance[];
  excluded: ExcludedModule[];
}

/** Result of a PARAM_DISTANCE analysis. */
export interface ParamDistanceResult {
  kind: 'PARAM_DISTANCE';
  pairs: ParamDistancePair[];
  /** Reasons to distrust the result; empty when none (no data is evaluated, so always empty today). */
  sanity: SanityFlag[];
}

// ── Performance barrier ────────────────────────────────────────────────────────────────────────────────────────

/** The interpolation curve between two checkpoints and its barriers. */
export interface BarrierPair {
  a: ModelRef;
  b: ModelRef;
  pairType: PairType;
  /** The interpolation grid, ascending, 0 and 1 included (default 21 points). */
  lambdas: number[];
  /** Loss of θ(λ) = (1−λ)θ_A + λθ_B at each λ. */
  loss: number[];
  /** Error rate (1 − accuracy) at each λ. */
  error: number[];
  /** max_λ [L(θ(λ)) − ((1−λ)L(θ_A) + λL(θ_B))]. */
  lossBarrier: number;
  /** The same for the error rate. */
  errorBarrier: number;
}

/** Result of a BARRIER analysis. */
export interface BarrierResult {
  kind: 'BARRIER';
  /** Dataset split evaluated ('test' by default). */
  split: string;
  /** The dataset evaluated on (null in rows written before it was recorded). */
  dataset: DatasetRef | null;
  pairs: BarrierPair[];
  /** Reasons to distrust the result; empty when none. */
  sanity: SanityFlag[];
}

// ── Module criticality ─────────────────────────────────────────────────────────────────────────────────────────

/** Criticality of one module (Chatterji et al. 2020) and its rewind test. */
export interface ModuleCriticality {
  module: string;
  /** μ = min α²‖θ^F − θ⁰‖²_F / σ² over the feasible (α, σ); null when no grid point stayed within (1+ε)·L. */
  criticality: number | null;
  bestAlpha: number | null;
  bestSigma: number | null;
  /** ‖θ^F − θ⁰‖_F of the module. */
  distance: number;
  /** `meanLoss[i][j]`: mean loss over noise samples at alphas[i], sigmas[j]. */
  meanLoss: number[][];
  /** Loss and accuracy with only this module rewound to its initial weights (the paper's simpler test). */
  rewindLoss: number;
  rewindAccuracy: number;
}

/** Result of a MODULE_CRITICALITY analysis. */
export interface ModuleCriticalityResult {
  kind: 'MODULE_CRITICALITY';
  initial: ModelRef;
  final: ModelRef;
  epsilon: number;
  noiseSamples: number;
  /** Loss and accuracy of the final model, the baseline every grid point is held against. */
  finalLoss: number;
  finalAccuracy: number;
  alphas: number[];
  sigmas: number[];
  modules: ModuleCriticality[];
  /** Dataset split the losses were measured on ('train' by default; null in rows written before it was recorded). */
  split: string | null;
  /**
   * The dataset evaluated on: `params.datasetId`, else the final checkpoint's run's (null in rows written before it
   * was recorded).
   */
  dataset: DatasetRef | null;
  /** Reasons to distrust the result; empty when none. */
  sanity: SanityFlag[];
}

// ── Block-shuffle sweep ────────────────────────────────────────────────────────────────────────────────────────

/** One block size of the sweep, P-T vs RI-T over seeds. */
export interface BlockShuffleRow {
  /** null = no shuffle, 0 = pixel shuffle "*", b = b×b blocks. */
  blockSize: number | null;
  /** How the paper prints it: "none", "*", "4" … */
  label: string;
  /** Final test accuracy of the P-T (pretrained init) runs. */
  pretrainedAccuracy: SeedStats;
  /** Final test accuracy of the RI-T (random init) runs. */
  randomAccuracy: SeedStats;
  /** Optimisation speed: mean training accuracy over all epochs, P-T. */
  pretrainedSpeed: SeedStats;
  /** Optimisation speed, RI-T. */
  randomSpeed: SeedStats;
  /** 100·(A_PT − A_RIT)/A_PT, per seed. */
  relativeDrop: SeedStats;
  pretrainedRunIds: string[];
  randomRunIds: string[];
  /** A remark on the row, e.g. that b = 1 and "*" shuffle 1-channel images identically; null when none. */
  note: string | null;
}

/** Result of a BLOCK_SHUFFLE sweep. */
export interface BlockShuffleResult {
  kind: 'BLOCK_SHUFFLE';
  datasetId: string;
  pretrainCheckpointId: string;
  seeds: number[];
  rows: BlockShuffleRow[];
  /** Reasons to distrust the result (SINGLE_SEED when a row has fewer than 2 seeds); empty when none. */
  sanity: SanityFlag[];
}

// ── Checkpoint sweep ───────────────────────────────────────────────────────────────────────────────────────────

/** Fine-tuning from one pretraining checkpoint. */
export interface CheckpointSweepPoint {
  checkpointId: string;
  epoch: number;
  step: number;
  /** Final target test accuracy over seeds. */
  accuracy: SeedStats;
  /** Optimisation speed (mean training accuracy over epochs) over seeds. */
  speed: SeedStats;
  runIds: string[];
}

/** Result of a CHECKPOINT_SWEEP. */
export interface CheckpointSweepResult {
  kind: 'CHECKPOINT_SWEEP';
  pretrainRunId: string;
  datasetId: string;
  seeds: number[];
  /** Ascending by epoch. */
  points: CheckpointSweepPoint[];
  /** The random-init baseline fine-tuned with the same seeds; null when it was not requested. */
  randomInit: { accuracy: SeedStats; speed: SeedStats; runIds: string[] } | null;
  /** Reasons to distrust the result (SINGLE_SEED when a point has fewer than 2 seeds); empty when none. */
  sanity: SanityFlag[];
}

/** Any stored analysis result; `kind` says which. */
export type AnalysisResult =
  | CkaResult
  | MistakesResult
  | ParamDistanceResult
  | BarrierResult
  | ModuleCriticalityResult
  | BlockShuffleResult
  | CheckpointSweepResult;

/** The result type for one kind. */
export type ResultOf<K extends AnalysisKind> = Extract<AnalysisResult, { kind: K }>;

/**
 * A stored result with the fields added after it was written filled in: `sanity` → `[]`, `dataset` → `null` (kinds
 * that evaluate data), a block-shuffle row's `note` → `null`. Returns a new object; `null` stays `null`.
 */
export function withResultDefaults<T extends AnalysisResult | null>(result: T): T {
  if (!result) return result;
  const sanity = (result as { sanity?: SanityFlag[] }).sanity ?? [];
  const r: Record<string, unknown> = { ...result, sanity };
  if (['CKA', 'MISTAKES', 'BARRIER', 'MODULE_CRITICALITY'].includes(result.kind)) r.dataset ??= null;
  if (['MISTAKES', 'MODULE_CRITICALITY'].includes(result.kind)) r.split ??= null;
  if (result.kind === 'BLOCK_SHUFFLE')
    r.rows = result.rows.map((row) => ({ ...row, note: (row as { note?: string | null }).note ?? null }));
  return r as T;
}
