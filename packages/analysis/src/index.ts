export {
  assertSameStructure,
  type Barrier,
  type BarrierOptions,
  type BarrierResult,
  barrierOf,
  type CurvePoint,
  cloneModules,
  type Evaluation,
  type Evaluator,
  interpolateInto,
  interpolationBarrier,
  lambdaGrid,
} from './barrier';
export {
  CHECKPOINT_FORMAT,
  type Checkpoint,
  CheckpointError,
  type CheckpointMetadata,
  type CheckpointModule,
  type CheckpointParam,
  readCheckpoint,
  writeCheckpoint,
} from './checkpoint';
export {
  type CkaMethod,
  type CkaOptions,
  type CkaResult,
  chooseCkaMethod,
  ckaMatrix,
  linearCka,
} from './cka';
export { CkaAccumulator, type CkaAccumulatorOptions } from './cka-stream';
export {
  type CriticalityCell,
  type CriticalityOptions,
  type CriticalityResult,
  type ModuleCriticality,
  moduleCriticality,
  type RewindResult,
  rewindModules,
} from './criticality';
export {
  type ExcludedModule,
  type ModuleDistance,
  type ParameterDistance,
  parameterDistance,
} from './distance';
export {
  evaluateFindings,
  type Finding,
  type FindingsOptions,
  type FindingsTable,
  findingsTables,
  formatFindings,
  formatTables,
  type StudyMeasurements,
  type TargetMeasurements,
} from './findings';
export { type GemmOptions, gemmBackend, gemmNT, gemmTN, gemmTNJs } from './gemm';
export { float32ToHalf, halfToFloat32 } from './half';
export {
  type MistakeCounts,
  type MultilabelMistakes,
  multiclassMistakes,
  multilabelMistakes,
  predictedClasses,
} from './mistakes';
export {
  type NpyArray,
  type NpyData,
  type NpyDType,
  NpyError,
  type NpyWriteOptions,
  npyToTensor,
  readNpy,
  writeNpy,
} from './npy';
export { mixSeed, Rng } from './random';
export {
  decodeSafetensors,
  encodeSafetensors,
  type SafeDType,
  type SafeTensor,
  SafetensorsError,
} from './safetensors';
export { type Aggregate, aggregate, studentTCdf, studentTQuantile } from './stats';
export {
  type BlockShuffleRow,
  type BlockShuffleRun,
  blockLabel,
  blockShuffleSummary,
  type CheckpointSweepRow,
  type CheckpointSweepRun,
  checkpointSweepSummary,
  type InitSummary,
} from './sweeps';
export { AnalysisInputError, asRows, type NumericArray, sizeOf, type Tensor } from './tensor';
export {
  above,
  below,
  greaterThan,
  increasing,
  MIN_SEEDS,
  NEAR_CHANCE_MARGIN,
  nearChanceBelow,
  notWorseThan,
  spearman,
  spreadOf,
  VERDICTS,
  type Verdict,
} from './verdict';
