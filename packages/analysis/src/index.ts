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
export { type GemmOptions, gemmTN } from './gemm';
export { float32ToHalf, halfToFloat32 } from './half';
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
export {
  decodeSafetensors,
  encodeSafetensors,
  type SafeDType,
  type SafeTensor,
  SafetensorsError,
} from './safetensors';
export { AnalysisInputError, asRows, type NumericArray, sizeOf, type Tensor } from './tensor';
