/** Every GraphQL document the CLI sends, typed from the schema (see ../graphql.ts). */
import { graphql } from '@basin/schema';

/** The study's findings and tables, exactly as the API computes them. */
export const FINDINGS_QUERY = graphql(`
  query Findings($id: ID!) {
    study(id: $id) {
      findings { id claimId claim target measured verdict holds criterion flags evidence { label mean std n values } }
      findingsTables { id title target columns note rows { label cells { label mean std n values } } }
    }
  }
`);

export const STUDY_STATE = graphql(`
  query StudyState($id: ID!, $after: String) {
    study(id: $id) {
      runs(first: 100, after: $after, order: OLDEST_FIRST) {
        edges { node { id name status error checkpoints { id epoch step } } }
        pageInfo { hasNextPage endCursor }
      }
      analyses { id name kind status progress error }
    }
  }
`);

export const START_PRETRAIN = graphql(
  `mutation StartPretrain($i: StartPretrainInput!) { startPretrain(input: $i) { id } }`,
);

export const START_FINETUNE = graphql(
  `mutation StartFineTune($i: StartFineTuneInput!) { startFineTune(input: $i) { id } }`,
);

export const START_BLOCK_SHUFFLE = graphql(`
  mutation StartBlockShuffleSweep($i: StartBlockShuffleSweepInput!) { startBlockShuffleSweep(input: $i) { id } }
`);

export const START_CHECKPOINT_SWEEP = graphql(`
  mutation StartCheckpointSweep($i: StartCheckpointSweepInput!) { startCheckpointSweep(input: $i) { id } }
`);

export const RUN_ANALYSIS = graphql(
  `mutation RunAnalysis($i: RunAnalysisInput!) { runAnalysis(input: $i) { id } }`,
);

export const STUDIES = graphql(`query StudyNames { studies { id name } }`);

export const CREATE_STUDY = graphql(
  `mutation CreateStudy($i: CreateStudyInput!) { createStudy(input: $i) { id } }`,
);

export const DATASETS = graphql(`query DatasetNames { datasets { id name } }`);

export const REGISTER_DATASET = graphql(`
  mutation RegisterDataset($i: RegisterDatasetInput!) { registerDataset(input: $i) { id } }
`);

export const MODELS = graphql(`query ModelNames { models { id name } }`);

export const IMPORT_MODEL = graphql(
  `mutation ImportModel($i: ImportModelInput!) { importModel(input: $i) { id } }`,
);
