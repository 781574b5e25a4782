/** What the dashboard reads from the API (apps/api/schema.graphql), hand-typed for the fields it asks for. */

export type RunStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
export type RunKind = 'PRETRAIN' | 'FINETUNE';
export type RunInit = 'PRETRAINED' | 'RANDOM';
export type PairType = 'PT_PT' | 'RIT_RIT' | 'PT_RIT' | 'OTHER';
export type AnalysisKind =
  | 'CKA'
  | 'MISTAKES'
  | 'PARAM_DISTANCE'
  | 'BARRIER'
  | 'MODULE_CRITICALITY'
  | 'BLOCK_SHUFFLE'
  | 'CHECKPOINT_SWEEP';
export type RunGroupField =
  | 'BLOCK_SIZE'
  | 'DATASET'
  | 'INIT'
  | 'INIT_CHECKPOINT'
  | 'KIND'
  | 'MODEL'
  | 'STUDY';

export interface StudySummary {
  id: string;
  name: string;
  description: string;
  createdAt: string;
  runCount: number;
}

export interface DatasetRef {
  id: string;
  name: string;
  kind: string;
  domain: string | null;
  trainSize: number;
  testSize: number;
  imageShape: number[];
  classes: string[];
}

export interface CheckpointRef {
  id: string;
  step: number;
  epoch: number;
  blobSize: number;
  blobHash?: string;
  metrics: Record<string, unknown>;
  createdAt?: string;
  run?: { id: string; name: string } | null;
}

export interface RunRow {
  id: string;
  name: string;
  kind: RunKind;
  init: RunInit;
  status: RunStatus;
  seed: number;
  blockSize: number | null;
  blockLabel: string;
  backend: string | null;
  createdAt: string;
  summary: Record<string, unknown>;
  study?: { id: string; name: string } | null;
  dataset: { id: string; name: string };
  /** The sweep that started the run; null for a run started on its own (asked for by the study page only). */
  sweepAnalysis?: { id: string } | null;
  initCheckpoint: {
    id: string;
    step: number;
    epoch: number;
    run: { id: string; name: string } | null;
  } | null;
}

export interface MetricColumns {
  step: number[];
  last: number[];
  min: number[];
  max: number[];
  count: number[];
}

export interface MetricSeries {
  key: string;
  columns: MetricColumns;
}

export interface RunDetail extends RunRow {
  error: string | null;
  hyperparameters: Record<string, unknown>;
  startedAt: string | null;
  finishedAt: string | null;
  cancelRequestedAt: string | null;
  attempt: number;
  dataset: DatasetRef;
  model: { id: string; name: string; family: string; depth: number; width: number; modules: string[] };
  checkpoints: CheckpointRef[];
  metricKeys: { key: string; minStep: number; maxStep: number }[];
  metrics: MetricSeries[];
}

export interface ModelRef {
  checkpointId: string;
  runId: string | null;
  label: string;
}

export interface SeedStats {
  mean: number;
  std: number;
  ciLow: number;
  ciHigh: number;
  n: number;
  values: number[];
}

export interface CkaPair {
  a: ModelRef;
  b: ModelRef;
  pairType: PairType;
  modulesA: string[];
  modulesB: string[];
  values: number[][];
}
export interface CkaResult {
  __typename: 'CkaResult';
  debiased: boolean;
  examples: number;
  split: string;
  pairs: CkaPair[];
}
export interface MistakesPair {
  a: ModelRef;
  b: ModelRef;
  pairType: PairType;
  common: number;
  onlyA: number;
  onlyB: number;
  accuracyA: number;
  accuracyB: number;
  agreement: number;
  wrongAgreement: number;
}
export interface MistakesResult {
  __typename: 'MistakesResult';
  examples: number;
  pairs: MistakesPair[];
}
export interface ParamDistancePair {
  a: ModelRef;
  b: ModelRef;
  pairType: PairType;
  total: number;
  modules: { module: string; distance: number; numel: number }[];
  excluded: { module: string; reason: string; shapeA: number[]; shapeB: number[] }[];
}
export interface ParamDistanceResult {
  __typename: 'ParamDistanceResult';
  pairs: ParamDistancePair[];
}
export interface BarrierPair {
  a: ModelRef;
  b: ModelRef;
  pairType: PairType;
  lambdas: number[];
  loss: number[];
  error: number[];
  lossBarrier: number;
  errorBarrier: number;
}
export interface BarrierResult {
  __typename: 'BarrierResult';
  split: string;
  pairs: BarrierPair[];
}
export interface ModuleCriticality {
  module: string;
  criticality: number | null;
  bestAlpha: number | null;
  bestSigma: number | null;
  distance: number;
  meanLoss: number[][];
  rewindLoss: number;
  rewindAccuracy: number;
}
export interface ModuleCriticalityResult {
  __typename: 'ModuleCriticalityResult';
  initial: ModelRef;
  final: ModelRef;
  epsilon: number;
  noiseSamples: number;
  finalLoss: number;
  finalAccuracy: number;
  alphas: number[];
  sigmas: number[];
  modules: ModuleCriticality[];
}
export interface BlockShuffleRow {
  blockSize: number | null;
  label: string;
  pretrainedAccuracy: SeedStats;
  randomAccuracy: SeedStats;
  pretrainedSpeed: SeedStats;
  randomSpeed: SeedStats;
  relativeDrop: SeedStats;
  pretrainedRunIds: string[];
  randomRunIds: string[];
}
export interface BlockShuffleResult {
  __typename: 'BlockShuffleResult';
  datasetId: string;
  pretrainCheckpointId: string;
  seeds: number[];
  rows: BlockShuffleRow[];
}
export interface CheckpointSweepPoint {
  checkpointId: string;
  epoch: number;
  step: number;
  accuracy: SeedStats;
  speed: SeedStats;
  runIds: string[];
}
export interface CheckpointSweepResult {
  __typename: 'CheckpointSweepResult';
  pretrainRunId: string;
  datasetId: string;
  seeds: number[];
  points: CheckpointSweepPoint[];
  randomInit: { accuracy: SeedStats; speed: SeedStats; runIds: string[] } | null;
}
export type AnalysisResult =
  | CkaResult
  | MistakesResult
  | ParamDistanceResult
  | BarrierResult
  | ModuleCriticalityResult
  | BlockShuffleResult
  | CheckpointSweepResult;

export interface AnalysisInput {
  position: number;
  role: string;
  checkpoint: { id: string; step: number; epoch: number; run: { id: string; name: string } | null } | null;
  run: { id: string; name: string } | null;
}

export interface AnalysisSummary {
  id: string;
  kind: AnalysisKind;
  name: string;
  status: RunStatus;
  progress: number;
  error: string | null;
  createdAt: string;
  inputs: AnalysisInput[];
}

export interface AnalysisDetail extends AnalysisSummary {
  params: Record<string, unknown>;
  startedAt: string | null;
  finishedAt: string | null;
  study: { id: string; name: string } | null;
  runs: { id: string; name: string; status: RunStatus }[];
  result: AnalysisResult | null;
}

/** A dataset by id and name (`DatasetRef` in the schema). */
export interface DatasetName {
  id: string;
  name: string;
}

/**
 * What the study page reads of an analysis result: the dataset it was evaluated on (`dataset`, on the kinds that
 * evaluate data; null for results stored before it was recorded) or, for sweeps, `datasetId`.
 */
export interface ResultDataset {
  __typename: AnalysisResult['__typename'];
  dataset?: DatasetName | null;
  datasetId?: string;
}

/** The API's judgement of one of the paper's claims (`Verdict`). */
export type Verdict = 'HOLDS' | 'DOES_NOT_HOLD' | 'INCONCLUSIVE' | 'NOT_MEASURED';

/** The claims the API judges (`Finding.claimId`); a newer API may add others. */
export type ClaimId =
  | 'pt-speed'
  | 'pt-final'
  | 'feature-reuse'
  | 'mistakes'
  | 'cka'
  | 'distance'
  | 'barrier-pt'
  | 'barrier-rit'
  | 'criticality'
  | 'checkpoints';

/** A measured quantity over seeds or pairs: mean ± sample std of n values (`FindingStat`). */
export interface FindingStat {
  label: string;
  /** null when no value was measured. */
  mean: number | null;
  std: number | null;
  n: number;
  values?: number[];
}

/** One of the paper's claims judged on one target dataset of a study (`Finding`), computed by the API. */
export interface Finding {
  /** `<claimId>:<target>`. */
  id: string;
  /** One of {@link ClaimId} (a newer API may add others). */
  claimId: string;
  claim: string;
  target: string;
  /** The numbers behind the verdict, in words; "not measured yet" when there are none. */
  measured: string;
  verdict: Verdict;
  holds: boolean | null;
  criterion: string;
  /** Why it is inconclusive whatever its numbers (flagged inputs, one seed). */
  flags: string[];
  evidence?: FindingStat[];
}

export interface FindingsTableRow {
  label: string;
  /** One per column after the label; null: not measured. */
  cells: (FindingStat | null)[];
}

/** One of the paper's tables for one target (`FindingsTable`). */
export interface FindingsTable {
  /** `<table>:<target>`. */
  id: string;
  title: string;
  target: string;
  /** Column headings; the first is the row labels' column. */
  columns: string[];
  rows: FindingsTableRow[];
  note: string;
}

/** An event from `runProgress` / `studyEvents`. */
export interface LiveEvent {
  type: 'RUN_PROGRESS' | 'RUN_STATUS' | 'CHECKPOINT_SAVED' | 'ANALYSIS_PROGRESS' | 'ANALYSIS_STATUS';
  at: string;
  runId: string | null;
  step: number | null;
  epoch: number | null;
  status: RunStatus | null;
  backend: string | null;
  error: string | null;
  checkpointId: string | null;
  metrics: { key: string; value: number }[] | null;
}
