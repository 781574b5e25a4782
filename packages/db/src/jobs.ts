import { Logger, runMigrations } from 'graphile-worker';
import { isEmbeddedUrl } from './connect';

/**
 * Installs or upgrades graphile-worker's own schema (`graphile_worker`), the job queue runners claim work from.
 * @remarks graphile-worker manages its schema itself; Basin only calls it after its own migrations.
 * On the embedded database prepared statements are off (connections share one backend, DESIGN.md §5).
 */
export async function migrateJobQueue(url: string): Promise<void> {
  await runMigrations({
    connectionString: url,
    noPreparedStatements: isEmbeddedUrl(url),
    logger: silentLogger,
  });
}

/** Job-queue options every Basin process passes to graphile-worker for `url`. */
export function jobQueueOptions(url: string) {
  return { connectionString: url, noPreparedStatements: isEmbeddedUrl(url) };
}

/** graphile-worker logs through this; Basin's own logger reports what matters. */
export const silentLogger = new Logger(() => () => {});
