/**
 * What the dashboard reads from the API, derived from its documents (lib/queries.ts) by gql.tada, so every type here
 * follows apps/api/schema.graphql and the fields the pages ask for. Names for the pieces the components pass around.
 */
import type { ResultOf, VariablesOf } from '@basin/schema';
import type {
  ANALYSIS,
  CHECKPOINT,
  COMPARE,
  LAUNCH_CONTEXT,
  LINEAGE,
  RESULT,
  RESULT_DATASET,
  RUN,
  RUN_PROGRESS,
  RUN_ROW,
  STUDIES,
  STUDY,
} from './queries';

type Run = NonNullable<ResultOf<typeof RUN>['run']>;
type Study = NonNullable<ResultOf<typeof STUDY>['study']>;
type Analysis = NonNullable<ResultOf<typeof ANALYSIS>['analysis']>;

export type RunStatus = Run['status'];
export type RunKind = Run['kind'];
export type RunInit = Run['init'];
export type AnalysisKind = Analysis['kind'];
export type RunGroupField = NonNullable<VariablesOf<typeof COMPARE>['groupBy']>[number];

export type StudySummary = ResultOf<typeof STUDIES>['studies'][number];
/** A run as lists show it; the study page also asks for the sweep that started it. */
export type RunRow = ResultOf<typeof RUN_ROW> & { sweepAnalysis?: { id: string } | null };
export type RunDetail = Run;
export type DatasetRef = Run['dataset'];
export type CheckpointRef = Run['checkpoints'][number];
export type MetricSeries = Run['metrics'][number];
export type MetricColumns = MetricSeries['columns'];

export type AnalysisResult = ResultOf<typeof RESULT>;
type ResultKind<K extends AnalysisResult['__typename']> = Extract<AnalysisResult, { __typename: K }>;
export type CkaResult = ResultKind<'CkaResult'>;
export type MistakesResult = ResultKind<'MistakesResult'>;
export type ParamDistanceResult = ResultKind<'ParamDistanceResult'>;
export type BarrierResult = ResultKind<'BarrierResult'>;
export type ModuleCriticalityResult = ResultKind<'ModuleCriticalityResult'>;
export type BlockShuffleResult = ResultKind<'BlockShuffleResult'>;
export type CheckpointSweepResult = ResultKind<'CheckpointSweepResult'>;
export type CkaPair = CkaResult['pairs'][number];
export type ModelRef = CkaPair['a'];
export type PairType = CkaResult['pairs'][number]['pairType'];
export type SeedStats = BlockShuffleResult['rows'][number]['pretrainedAccuracy'];

export type AnalysisDetail = Analysis;
export type AnalysisSummary = Study['analyses'][number];
export type AnalysisInput = AnalysisSummary['inputs'][number];
/**
 * What the study page reads of an analysis result: the dataset it was evaluated on (`dataset`, on the kinds that
 * evaluate data; null for results stored before it was recorded) or, for sweeps, `datasetId`.
 */
export type ResultDataset = ResultOf<typeof RESULT_DATASET>;

/** One of the paper's claims judged on one target dataset of a study (`Finding`), computed by the API. */
export type Finding = Study['findings'][number];
/** The API's judgement of a claim. */
export type Verdict = Finding['verdict'];
/** One of the paper's tables for one target (`FindingsTable`). */
export type FindingsTable = Study['findingsTables'][number];
export type FindingsTableRow = FindingsTable['rows'][number];
/** A measured quantity over seeds or pairs: mean ± sample std of n values (`FindingStat`). */
export type FindingStat = NonNullable<FindingsTableRow['cells'][number]>;

/** The claims the API judges (`Finding.claimId`, a string in the schema); a newer API may add others. */
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

/** An event from `runProgress` / `studyEvents`. */
export type LiveEvent = ResultOf<typeof RUN_PROGRESS>['runProgress'];

/** The study page's query. */
export type StudyData = ResultOf<typeof STUDY>;
/** The compare page's query. */
export type CompareData = ResultOf<typeof COMPARE>;
/** What the launch forms choose from: studies, datasets, models and every run's checkpoints. */
export type LaunchContext = ResultOf<typeof LAUNCH_CONTEXT>;
export type CheckpointDetail = NonNullable<ResultOf<typeof CHECKPOINT>['checkpoint']>;
type LineageStudy = NonNullable<ResultOf<typeof LINEAGE>['study']>;
/** What the lineage query returns (per study), its runs unpaged. */
export interface LineageData {
  runs: LineageStudy['runs']['edges'][number]['node'][];
  analyses: LineageStudy['analyses'];
}
