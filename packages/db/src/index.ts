export { type AuthMode, resolveAuthMode } from './auth-mode';
export { BlobStore } from './blobs';
export {
  type DatabaseTarget,
  DEFAULT_BASIN_HOME,
  parseDatabaseUrl,
  resolveBasinHome,
  resolveDatabaseTarget,
} from './config';
export { type ConnectOptions, connect, isEmbeddedUrl, type Sql } from './connect';
export { type Database, type OpenOptions, openDatabase } from './database';
export { type EmbeddedDatabase, type EmbeddedOptions, startEmbedded } from './embedded';
export { ConfigError, MigrationError } from './errors';
export { chooseEvalDataset, type EvalDatasetChoice, type EvalInput } from './eval-dataset';
export {
  type BasinEvent,
  createEventBus,
  EVENT_CHANNEL,
  type EventBus,
  type EventFilter,
  type EventType,
  matches as eventMatches,
  type RunStatus,
} from './events';
export {
  type CheckedHyperparameters,
  checkHyperparameters,
  checkNumber,
  expectedText,
  HYPERPARAMETER_RULES,
  HyperparameterError,
  type HyperparameterName,
  type NumberRule,
} from './hyperparameters';
export { jobQueueOptions, migrateJobQueue } from './jobs';
export {
  DATASET_FLAG_PREFIX,
  datasetIdOfFlag,
  enqueueFlaggedJob,
  GPU_FLAG,
  type JobNeeds,
  jobFlags,
} from './jobs-flags';
export {
  type DownsampleOptions,
  downsampleMetric,
  downsampleMetrics,
  ingestMetrics,
  type MetricBucket,
  MetricInputError,
  type MetricPoint,
  metricKeyIds,
  rawMetric,
  runMetricKeys,
  truncateMetricsAfter,
} from './metrics';
export { loadMigrations, MIGRATIONS_DIR, type MigrateResult, type Migration, migrate } from './migrate';
export {
  type AnalysisInputRow,
  type AnalysisRow,
  analysesByIds,
  analysesByInputCheckpointIds,
  analysesByStudyIds,
  analysisInputsByAnalysisIds,
  createAnalysis,
  type NewAnalysis,
} from './repos/analyses';
export {
  type CheckpointRow,
  checkpointsByIds,
  checkpointsByModelIds,
  checkpointsByParentIds,
  checkpointsByRunIds,
  createCheckpoint,
  type NewCheckpoint,
} from './repos/checkpoints';
export {
  type DatasetKind,
  type DatasetRow,
  datasetsByIds,
  listDatasets,
  type NewDataset,
  registerDataset,
} from './repos/datasets';
export { enqueueJob, type JobPayload, type JobTask, jobKeyFor, removeQueuedJob } from './repos/jobs';
export { createModel, listModels, type ModelRow, modelsByIds, type NewModel } from './repos/models';
export {
  countRuns,
  countRunsByStudyIds,
  createRuns,
  listRuns,
  metricKeysByRunIds,
  type NewRun,
  type RunFilter,
  type RunInit,
  type RunKind,
  type RunPage,
  type RunRow,
  requestRunCancel,
  runsByIds,
  runsByInitCheckpointIds,
  runsBySweepAnalysisIds,
} from './repos/runs';
export { createStudy, listStudies, type StudyRow, studiesByIds } from './repos/studies';
export { ensureTeam, type TeamRow, teamByName, teamsByIds } from './repos/teams';
export {
  type ApiTokenRow,
  authenticateToken,
  createApiToken,
  hashToken,
  listApiTokens,
  revokeApiToken,
  type TokenIdentity,
  type TokenScope,
} from './repos/tokens';
export type * from './results';
export { ANALYSIS_KINDS, SANITY_CODES, withResultDefaults } from './results';
export { createTestDatabase, seedRuns, type TestDatabase, type TestDatabaseOptions } from './testing';
