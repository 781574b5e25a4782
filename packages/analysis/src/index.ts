export {
  CHECKPOINT_FORMAT,
  type Checkpoint,
  CheckpointError,
  type CheckpointMetadata,
  type CheckpointModule,
  type CheckpointParam,
  halfToFloat32,
  readCheckpoint,
  writeCheckpoint,
} from './checkpoint';
export {
  decodeSafetensors,
  encodeSafetensors,
  type SafeDType,
  type SafeTensor,
  SafetensorsError,
} from './safetensors';
