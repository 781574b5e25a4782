/** Training: SGD, losses, metrics, evaluation, pretrain / fine-tune / resume runs. */
export { type EvalResult, type EvaluateOptions, evaluate } from './evaluate';
export { BadBatchError, checkBatch, taskLoss } from './loss';
export { accuracy, meanRocAuc, rocAuc } from './metrics';
export { describePlateau, type PlateauOptions, plateaued } from './plateau';
export {
  type FinetuneInit,
  type FinetuneOptions,
  type FinetuneOutput,
  finetune,
  type PretrainOptions,
  pretrain,
  type RunOutput,
  resumeRun,
} from './runs';
export { Sgd, type SgdOptions, type SgdParam } from './sgd';
export { type SyntheticStep, sgdFor, syntheticStep } from './synthetic-step';
export { type StripesOptions, stripesDataset } from './test-data';
export {
  type BatchEndEvent,
  type CheckpointEvent,
  type CheckpointPlan,
  type EpochEndEvent,
  type EpochMetrics,
  epochSeed,
  type ResumeFrom,
  stepLr,
  type TrainCallbacks,
  TrainingDivergedError,
  type TrainOptions,
  type TrainResult,
  trainModel,
} from './trainer';
