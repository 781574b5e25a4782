import {
  ANALYSIS_KINDS,
  DATASET_KINDS,
  DATASET_TASKS,
  type AnalysisKind as DbAnalysisKind,
  type DatasetKind as DbDatasetKind,
  type DatasetTask as DbDatasetTask,
  type PairType as DbPairType,
  type RunInit as DbRunInit,
  type RunKind as DbRunKind,
  type RunStatus as DbRunStatus,
  enumObject,
  PAIR_TYPES,
  RUN_INITS,
  RUN_KINDS,
  RUN_STATUSES,
} from '@basin/db';
import { registerEnumType } from 'type-graphql';

// The domain's names are declared once in @basin/db; the GraphQL enums are registered from those lists, so a value
// added there appears here and in schema.graphql (checked by `npm run schema:check`).

/** Pretraining or fine-tuning. */
export const RunKind = enumObject(RUN_KINDS);
export type RunKind = DbRunKind;

/** How a fine-tuned model starts: from a pretrained checkpoint (P-T) or random weights (RI-T). */
export const RunInit = enumObject(RUN_INITS);
export type RunInit = DbRunInit;

/** Lifecycle of a run or an analysis. */
export const RunStatus = enumObject(RUN_STATUSES);
export type RunStatus = DbRunStatus;

/** Dataset families Basin can open. */
export const DatasetKind = enumObject(DATASET_KINDS);
export type DatasetKind = DbDatasetKind;

/** One label per image, or several. */
export const DatasetTask = enumObject(DATASET_TASKS);
export type DatasetTask = DbDatasetTask;

/** Which analysis; fixes the member of the result union. */
export const AnalysisKind = enumObject(ANALYSIS_KINDS);
export type AnalysisKind = DbAnalysisKind;

/** Which of the paper's groups a compared pair belongs to. */
export const PairType = enumObject(PAIR_TYPES);
export type PairType = DbPairType;

/** Order of a run listing (by creation). */
export enum RunOrder {
  NEWEST_FIRST = 'NEWEST_FIRST',
  OLDEST_FIRST = 'OLDEST_FIRST',
}

/** A run field `compareRuns` can group by (runs that agree on every listed field form a band over seeds). */
export enum RunGroupField {
  STUDY = 'STUDY',
  KIND = 'KIND',
  INIT = 'INIT',
  DATASET = 'DATASET',
  MODEL = 'MODEL',
  BLOCK_SIZE = 'BLOCK_SIZE',
  INIT_CHECKPOINT = 'INIT_CHECKPOINT',
}

/** What happened, in a live event. */
export enum EventType {
  RUN_PROGRESS = 'RUN_PROGRESS',
  RUN_STATUS = 'RUN_STATUS',
  CHECKPOINT_SAVED = 'CHECKPOINT_SAVED',
  ANALYSIS_PROGRESS = 'ANALYSIS_PROGRESS',
  ANALYSIS_STATUS = 'ANALYSIS_STATUS',
}

registerEnumType(RunKind, { name: 'RunKind', description: 'Pretraining or fine-tuning.' });
registerEnumType(RunInit, {
  name: 'RunInit',
  description: 'P-T (from a pretrained checkpoint) or RI-T (random init).',
});
registerEnumType(RunStatus, { name: 'RunStatus', description: 'Lifecycle of a run or an analysis.' });
registerEnumType(DatasetKind, { name: 'DatasetKind' });
registerEnumType(DatasetTask, { name: 'DatasetTask' });
registerEnumType(AnalysisKind, { name: 'AnalysisKind' });
registerEnumType(PairType, { name: 'PairType', description: "Which of the paper's groups a pair is in." });
registerEnumType(RunOrder, { name: 'RunOrder' });
registerEnumType(RunGroupField, { name: 'RunGroupField' });
registerEnumType(EventType, { name: 'EventType' });
