import { gql } from '@urql/core';

/** GraphQL documents the dashboard sends. One place, so a schema change shows up in one file. */

const MODEL_REF = 'checkpointId runId label';
const STATS = 'mean std ciLow ciHigh n values';

const RUN_ROW = `
  id name kind init status seed blockSize blockLabel backend createdAt summary
  study { id name }
  dataset { id name }
  initCheckpoint { id step epoch run { id name } }
`;

const RESULT = `
  __typename
  ... on CkaResult { debiased examples split pairs { a { ${MODEL_REF} } b { ${MODEL_REF} } pairType modulesA modulesB values } }
  ... on MistakesResult { examples pairs { a { ${MODEL_REF} } b { ${MODEL_REF} } pairType common onlyA onlyB accuracyA accuracyB agreement wrongAgreement } }
  ... on ParamDistanceResult { pairs { a { ${MODEL_REF} } b { ${MODEL_REF} } pairType total modules { module distance numel } excluded { module reason shapeA shapeB } } }
  ... on BarrierResult { split pairs { a { ${MODEL_REF} } b { ${MODEL_REF} } pairType lambdas loss error lossBarrier errorBarrier } }
  ... on ModuleCriticalityResult { initial { ${MODEL_REF} } final { ${MODEL_REF} } epsilon noiseSamples finalLoss finalAccuracy alphas sigmas modules { module criticality bestAlpha bestSigma distance meanLoss rewindLoss rewindAccuracy } }
  ... on BlockShuffleResult { datasetId pretrainCheckpointId seeds rows { blockSize label pretrainedAccuracy { ${STATS} } randomAccuracy { ${STATS} } pretrainedSpeed { ${STATS} } randomSpeed { ${STATS} } relativeDrop { ${STATS} } pretrainedRunIds randomRunIds } }
  ... on CheckpointSweepResult { pretrainRunId datasetId seeds points { checkpointId epoch step accuracy { ${STATS} } speed { ${STATS} } runIds } randomInit { accuracy { ${STATS} } speed { ${STATS} } runIds } }
`;

const ANALYSIS_SUMMARY = `
  id kind name status progress error createdAt
  inputs { position role checkpoint { id step epoch run { id name } } run { id name } }
`;

export const STUDIES = gql`
  query Studies { studies { id name description createdAt runCount } }
`;

export const CREATE_STUDY = gql`
  mutation CreateStudy($input: CreateStudyInput!) { createStudy(input: $input) { id name description createdAt runCount } }
`;

const FINDING_STAT = 'label mean std n';

/** What the study page needs of a result: the dataset it was evaluated on (to link a finding to it). */
const RESULT_DATASET = `
  __typename
  ... on CkaResult { dataset { id name } }
  ... on MistakesResult { dataset { id name } }
  ... on BarrierResult { dataset { id name } }
  ... on ModuleCriticalityResult { dataset { id name } }
  ... on BlockShuffleResult { datasetId }
  ... on CheckpointSweepResult { datasetId }
`;

/** The study page: the findings and tables the API computed (the CLI prints the same fields), runs, analyses. */
export const STUDY = gql`
  query Study($id: ID!) {
    study(id: $id) {
      id name description createdAt runCount config
      findings { id claimId claim target measured verdict holds criterion flags }
      findingsTables { id title target columns note rows { label cells { ${FINDING_STAT} } } }
      runs(first: 100, order: OLDEST_FIRST) { totalCount edges { node { ${RUN_ROW} sweepAnalysis { id } } } }
      analyses { ${ANALYSIS_SUMMARY} result { ${RESULT_DATASET} } }
    }
    datasets { id name }
  }
`;

export const LINEAGE = gql`
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
`;

export const RUN = gql`
  query Run($id: ID!, $buckets: Int!) {
    run(id: $id) {
      ${RUN_ROW}
      error hyperparameters startedAt finishedAt cancelRequestedAt attempt
      dataset { id name kind domain trainSize testSize imageShape classes }
      model { id name family depth width modules }
      checkpoints { id step epoch blobSize blobHash metrics createdAt }
      metricKeys { key minStep maxStep }
      metrics(buckets: $buckets) { key columns { step last min max count } }
    }
  }
`;

export const CANCEL_RUN = gql`
  mutation CancelRun($id: ID!) { cancelRun(id: $id) { id status cancelRequestedAt } }
`;

export const RUN_PROGRESS = gql`
  subscription RunProgress($runId: ID!) {
    runProgress(runId: $runId) { type at runId step epoch status backend error checkpointId metrics { key value } }
  }
`;

export const RUNS = gql`
  query Runs($first: Int!, $filter: RunFilterInput) {
    runs(first: $first, filter: $filter) { totalCount edges { node { ${RUN_ROW} metricKeys { key } } } }
  }
`;

export const COMPARE = gql`
  query Compare($runIds: [ID!]!, $key: String!, $buckets: Int!, $groupBy: [RunGroupField!]) {
    compareRuns(runIds: $runIds, key: $key, buckets: $buckets, groupBy: $groupBy) {
      key from to buckets
      series { run { id name init blockLabel seed study { id name } } bucketIndexes columns { step last min max count } }
      groups { key runs { id } band { bucket step mean std min max n } }
    }
  }
`;

export const ANALYSIS = gql`
  query Analysis($id: ID!) {
    analysis(id: $id) {
      ${ANALYSIS_SUMMARY} params startedAt finishedAt
      study { id name }
      runs { id name status }
      result { ${RESULT} }
    }
  }
`;

export const LAUNCH_CONTEXT = gql`
  query LaunchContext {
    studies { id name }
    datasets { id name kind }
    models { id name }
    runs(first: 100) { edges { node { id name kind init status study { id } checkpoints { id step epoch } } } }
  }
`;

export const START_FINE_TUNE = gql`
  mutation StartFineTune($input: StartFineTuneInput!) { startFineTune(input: $input) { id name status } }
`;

export const START_BLOCK_SWEEP = gql`
  mutation StartBlockSweep($input: StartBlockShuffleSweepInput!) { startBlockShuffleSweep(input: $input) { id name status } }
`;

export const START_CHECKPOINT_SWEEP = gql`
  mutation StartCheckpointSweep($input: StartCheckpointSweepInput!) { startCheckpointSweep(input: $input) { id name status } }
`;

export const RUN_ANALYSIS = gql`
  mutation RunAnalysis($input: RunAnalysisInput!) { runAnalysis(input: $input) { id name status } }
`;

export const ANALYSIS_EVENTS = gql`
  subscription AnalysisEvents($studyId: ID!) { studyEvents(studyId: $studyId) { type analysisId progress status } }
`;

export const STUDY_EVENTS = gql`
  subscription StudyEvents($studyId: ID!) { studyEvents(studyId: $studyId) { type runId analysisId status } }
`;

export const CHECKPOINT = gql`
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
`;

export const STUDY_NAMES = gql`
  query StudyNames { studies { id name } }
`;
