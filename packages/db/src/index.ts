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
export { jobQueueOptions, migrateJobQueue } from './jobs';
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
export { createTestDatabase, seedRuns, type TestDatabase, type TestDatabaseOptions } from './testing';
