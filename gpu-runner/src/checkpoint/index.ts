/** Model checkpoints on disk (Basin checkpoint format) and resumable momentum state. */
export {
  type ApplyCheckpointOptions,
  applyCheckpoint,
  type CheckpointFile,
  checkpointModules,
  encodeModelCheckpoint,
  type LoadedCheckpoint,
  loadCheckpoint,
  modelFromCheckpoint,
  type SaveCheckpointOptions,
  saveCheckpoint,
  sha256,
} from './checkpoint';
export { loadMomentum, momentumPath, saveMomentum } from './resume';
