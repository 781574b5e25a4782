export {
  type AuthMode,
  type BindHost,
  dialHost,
  isLoopbackHost,
  isWildcardHost,
  LOOPBACK_HOST,
  resolveAuthMode,
  resolveBindHost,
  shownHost,
  urlHostOf,
} from './auth-mode';
export { BlobStore } from './blobs';
export {
  type DatabaseTarget,
  DEFAULT_BASIN_HOME,
  parseDatabaseUrl,
  resolveBasinHome,
  resolveDatabaseTarget,
} from './config';
export { type ConnectOptions, connect, isEmbeddedUrl, ping, type Sql } from './connect';
export { confineDataRoot, DataRootError, dataRoots } from './data-roots';
export { type Database, type OpenOptions, openDatabase } from './database';
export {
  ANALYSIS_KINDS,
  type AnalysisKind,
  DATASET_KINDS,
  DATASET_TASKS,
  type DatasetKind,
  type DatasetTask,
  enumObject,
  isTerminal,
  PAIR_TYPES,
  type PairType,
  RUN_INITS,
  RUN_KINDS,
  RUN_STATUSES,
  type RunInit,
  type RunKind,
  type RunStatus,
  SWEEP_KINDS,
  TERMINAL_STATUSES,
} from './domain';
export {
  bucketsOf,
  type Downsampled,
  type DownsampleOptions,
  downsampleMetric,
  downsampleMetrics,
  type MetricBucket,
  type MetricColumns,
} from './downsample';
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
  ingestMetrics,
  MetricInputError,
  type MetricPoint,
  metricKeyIds,
  RunNotHeldError,
  rawMetric,
  rebuildMetricSummaries,
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
  blobReferences,
  type CheckpointRow,
  checkpointsByIds,
  checkpointsByModelIds,
  checkpointsByParentIds,
  checkpointsByRunIds,
  createCheckpoint,
  latestCheckpointOfRun,
  type NewCheckpoint,
} from './repos/checkpoints';
export {
  type DatasetRow,
  datasetById,
  datasetsByIds,
  listDatasets,
  type NewDataset,
  registerDataset,
} from './repos/datasets';
export { enqueueJob, type JobPayload, type JobTask, jobKeyFor, removeQueuedJob } from './repos/jobs';
export {
  type Claimant,
  claimAnalysis,
  claimRun,
  failOrphans,
  finishAnalysis,
  finishRun,
  type HeartbeatVerdict,
  heartbeatAnalysis,
  heartbeatRun,
  queuedJobFlags,
  type ResumePoint,
  saveRunCheckpoint,
  staleWorkerIds,
  unlockJobsOfWorkers,
} from './repos/lifecycle';
export { createModel, listModels, type ModelRow, modelsByIds, type NewModel } from './repos/models';
export {
  countRuns,
  countRunsByStudyIds,
  createRuns,
  listRuns,
  metricKeysByRunIds,
  type NewRun,
  type RunFilter,
  type RunPage,
  type RunRow,
  requestRunCancel,
  runsByIds,
  runsByInitCheckpointIds,
  runsBySweepAnalysisIds,
} from './repos/runs';
export { createStudy, listStudies, type StudyRow, studiesByIds } from './repos/studies';
export {
  addSweepRuns,
  advanceSweep,
  finishSweep,
  lockSweep,
  lockSweepsOfRun,
  startSweep,
  sweepSummaryKey,
} from './repos/sweeps';
export { ensureTeam, type TeamRow, teamByName, teamsByIds } from './repos/teams';
export {
  type ApiTokenRow,
  authenticateToken,
  createApiToken,
  hashToken,
  LAST_USED_RESOLUTION_MS,
  listApiTokens,
  liveTokenIds,
  MAX_TOKEN_LIFETIME_MS,
  revokeApiToken,
  type TokenIdentity,
  type TokenScope,
} from './repos/tokens';
export type * from './results';
export { SANITY_CODES, withResultDefaults } from './results';
export {
  DATABASE_OUTAGE_MS,
  DatabaseUnavailableError,
  isConnectionLoss,
  retryWhileDatabaseAway,
} from './retry';
export {
  createTestDatabase,
  type ScratchPostgres,
  seedRuns,
  startScratchPostgres,
  type TestDatabase,
  type TestDatabaseOptions,
} from './testing';
export { transaction } from './tx';
