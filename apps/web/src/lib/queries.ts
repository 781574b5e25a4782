import { graphql } from '@basin/schema';

/**
 * GraphQL documents the dashboard sends, typed by gql.tada from apps/api/schema.graphql (see @basin/schema): the
 * pages' data types derive from these documents (lib/types.ts), so a schema change that breaks a page fails the
 * typecheck. One place, so a schema change shows up in one file.
 */

const MODEL_REF = graphql(`fragment ModelRefFields on ModelRef { checkpointId runId label }`);
const STATS = graphql(`fragment Stats on SeedStats { mean std ciLow ciHigh n values }`);

export const RUN_ROW = graphql(`
  fragment RunRowFields on Run {
    id name kind init status seed blockSize blockLabel backend createdAt summary
    study { id name }
    dataset { id name }
    initCheckpoint { id step epoch run { id name } }
  }
`);

export const RESULT = graphql(
  `
  fragment ResultFields on AnalysisResult {
    __typename
    ... on CkaResult { debiased examples split pairs { a { ...ModelRefFields } b { ...ModelRefFields } pairType modulesA modulesB values } }
    ... on MistakesResult { examples pairs { a { ...ModelRefFields } b { ...ModelRefFields } pairType common onlyA onlyB accuracyA accuracyB agreement wrongAgreement } }
    ... on ParamDistanceResult { pairs { a { ...ModelRefFields } b { ...ModelRefFields } pairType total modules { module distance numel } excluded { module reason shapeA shapeB } } }
    ... on BarrierResult { split pairs { a { ...ModelRefFields } b { ...ModelRefFields } pairType lambdas loss error lossBarrier errorBarrier } }
    ... on ModuleCriticalityResult { initial { ...ModelRefFields } final { ...ModelRefFields } epsilon noiseSamples finalLoss finalAccuracy alphas sigmas modules { module criticality bestAlpha bestSigma distance meanLoss rewindLoss rewindAccuracy } }
    ... on BlockShuffleResult { datasetId pretrainCheckpointId seeds rows { blockSize label pretrainedAccuracy { ...Stats } randomAccuracy { ...Stats } pretrainedSpeed { ...Stats } randomSpeed { ...Stats } relativeDrop { ...Stats } pretrainedRunIds randomRunIds } }
    ... on CheckpointSweepResult { pretrainRunId datasetId seeds points { checkpointId epoch step accuracy { ...Stats } speed { ...Stats } runIds } randomInit { accuracy { ...Stats } speed { ...Stats } runIds } }
  }
`,
  [MODEL_REF, STATS],
);

const ANALYSIS_SUMMARY = graphql(`
  fragment AnalysisSummaryFields on Analysis {
    id kind name status progress error createdAt
    inputs { position role checkpoint { id step epoch run { id name } } run { id name } }
  }
`);

export const STUDIES = graphql(`
  query Studies { studies { id name description createdAt runCount } }
`);

export const CREATE_STUDY = graphql(`
  mutation CreateStudy($input: CreateStudyInput!) { createStudy(input: $input) { id name description createdAt runCount } }
`);

const FINDING_STAT = graphql(`fragment FindingStatFields on FindingStat { label mean std n }`);

/** What the study page needs of a result: the dataset it was evaluated on (to link a finding to it). */
export const RESULT_DATASET = graphql(`
  fragment ResultDataset on AnalysisResult {
    __typename
    ... on CkaResult { dataset { id name } }
    ... on MistakesResult { dataset { id name } }
    ... on BarrierResult { dataset { id name } }
    ... on ModuleCriticalityResult { dataset { id name } }
    ... on BlockShuffleResult { datasetId }
    ... on CheckpointSweepResult { datasetId }
  }
`);

/** The study page: the findings and tables the API computed (the CLI prints the same fields), runs, analyses. */
export const STUDY = graphql(
  `
  query Study($id: ID!) {
    study(id: $id) {
      id name description createdAt runCount config
      findings { id claimId claim target measured verdict holds criterion flags }
      findingsTables { id title target columns note rows { label cells { ...FindingStatFields } } }
      runs(first: 100, order: OLDEST_FIRST) { totalCount edges { node { ...RunRowFields sweepAnalysis { id } } } }
      analyses { ...AnalysisSummaryFields result { ...ResultDataset } }
    }
    datasets { id name }
  }
`,
  [RUN_ROW, ANALYSIS_SUMMARY, RESULT_DATASET, FINDING_STAT],
);

export const LINEAGE = graphql(`
  query Lineage($id: ID!) {
    study(id: $id) {
      id name
      runs(first: 100, order: OLDEST_FIRST) {
        totalCount
        edges { node { id name kind init status blockLabel initCheckpoint { id } checkpoints { id step epoch } } }
      }
      analyses { id kind name status inputs { checkpoint { id } run { id } } }
    }
  }
`);

export const RUN = graphql(
  `
  query Run($id: ID!, $buckets: Int!, $from: Int, $to: Int) {
    run(id: $id) {
      ...RunRowFields
      error hyperparameters startedAt finishedAt cancelRequestedAt attempt
      dataset { id name kind domain trainSize testSize imageShape classes }
      model { id name family depth width modules }
      checkpoints { id step epoch blobSize blobHash metrics createdAt }
      metricKeys { key minStep maxStep }
      metrics(buckets: $buckets, from: $from, to: $to) { key bucketWidth columns { packed { step last min max } } }
    }
  }
`,
  [RUN_ROW],
);

export const CANCEL_RUN = graphql(`
  mutation CancelRun($id: ID!) { cancelRun(id: $id) { id status cancelRequestedAt } }
`);

export const RUN_PROGRESS = graphql(`
  subscription RunProgress($runId: ID!) {
    runProgress(runId: $runId) { type at runId step epoch status backend error checkpointId metrics { key value } }
  }
`);

export const RUNS = graphql(
  `
  query Runs($first: Int!, $filter: RunFilterInput) {
    runs(first: $first, filter: $filter) { totalCount edges { node { ...RunRowFields metricKeys { key } } } }
  }
`,
  [RUN_ROW],
);

export const COMPARE = graphql(`
  query Compare($runIds: [ID!]!, $key: String!, $buckets: Int!, $groupBy: [RunGroupField!], $from: Int, $to: Int) {
    compareRuns(runIds: $runIds, key: $key, buckets: $buckets, groupBy: $groupBy, from: $from, to: $to) {
      key from to buckets bucketWidth
      series { run { id name init blockLabel seed study { id name } } bucketIndexes columns { packed { step last min max } } }
      groups { key runs { id } band { bucket step mean std min max n } }
    }
  }
`);

export const ANALYSIS = graphql(
  `
  query Analysis($id: ID!) {
    analysis(id: $id) {
      ...AnalysisSummaryFields params startedAt finishedAt
      study { id name }
      runs { id name status }
      result { ...ResultFields }
    }
  }
`,
  [ANALYSIS_SUMMARY, RESULT],
);

export const LAUNCH_CONTEXT = graphql(`
  query LaunchContext {
    studies { id name }
    datasets { id name kind }
    models { id name }
    runs(first: 100) { edges { node { id name kind init status study { id } checkpoints { id step epoch } } } }
  }
`);

export const START_FINE_TUNE = graphql(`
  mutation StartFineTune($input: StartFineTuneInput!) { startFineTune(input: $input) { id name status } }
`);

export const START_BLOCK_SWEEP = graphql(`
  mutation StartBlockSweep($input: StartBlockShuffleSweepInput!) { startBlockShuffleSweep(input: $input) { id name status } }
`);

export const START_CHECKPOINT_SWEEP = graphql(`
  mutation StartCheckpointSweep($input: StartCheckpointSweepInput!) { startCheckpointSweep(input: $input) { id name status } }
`);

export const RUN_ANALYSIS = graphql(`
  mutation RunAnalysis($input: RunAnalysisInput!) { runAnalysis(input: $input) { id name status } }
`);

export const ANALYSIS_EVENTS = graphql(`
  subscription AnalysisEvents($studyId: ID!) { studyEvents(studyId: $studyId) { type analysisId progress status } }
`);

export const STUDY_EVENTS = graphql(`
  subscription StudyEvents($studyId: ID!) { studyEvents(studyId: $studyId) { type runId analysisId status } }
`);

export const CHECKPOINT = graphql(`
  query Checkpoint($id: ID!) {
    checkpoint(id: $id) {
      id step epoch blobHash blobSize metrics createdAt
      model { id name family depth }
      run { id name study { id name } }
      parent { id epoch run { id name } }
      runsStartedFrom { id name init status }
      analyses { id kind name status }
    }
  }
`);

export const STUDY_NAMES = graphql(`
  query StudyNames { studies { id name } }
`);
