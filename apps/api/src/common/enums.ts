import { registerEnumType } from 'type-graphql';

/** Pretraining or fine-tuning. */
export enum RunKind {
  PRETRAIN = 'PRETRAIN',
  FINETUNE = 'FINETUNE',
}

/** How a fine-tuned model starts: from a pretrained checkpoint (P-T) or random weights (RI-T). */
export enum RunInit {
  PRETRAINED = 'PRETRAINED',
  RANDOM = 'RANDOM',
}

/** Lifecycle of a run or an analysis. */
export enum RunStatus {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
}

/** Dataset families Basin can open. */
export enum DatasetKind {
  MNIST = 'MNIST',
  FASHION_MNIST = 'FASHION_MNIST',
  SYNTHETIC_DOMAIN = 'SYNTHETIC_DOMAIN',
  DOMAINNET = 'DOMAINNET',
  CHEXPERT = 'CHEXPERT',
  IMAGE_FOLDER = 'IMAGE_FOLDER',
}

/** One label per image, or several. */
export enum DatasetTask {
  MULTICLASS = 'MULTICLASS',
  MULTILABEL = 'MULTILABEL',
}

/** Which analysis; fixes the member of the result union. */
export enum AnalysisKind {
  CKA = 'CKA',
  MISTAKES = 'MISTAKES',
  PARAM_DISTANCE = 'PARAM_DISTANCE',
  BARRIER = 'BARRIER',
  MODULE_CRITICALITY = 'MODULE_CRITICALITY',
  BLOCK_SHUFFLE = 'BLOCK_SHUFFLE',
  CHECKPOINT_SWEEP = 'CHECKPOINT_SWEEP',
}

/** Which of the paper's groups a compared pair belongs to. */
export enum PairType {
  PT_PT = 'PT_PT',
  RIT_RIT = 'RIT_RIT',
  PT_RIT = 'PT_RIT',
  OTHER = 'OTHER',
}

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
