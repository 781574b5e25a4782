import { openDatabase } from '@basin/db';
import { runService } from '@basin/service';
import { runnerConfigFromEnv } from './worker/config';
import { createRunner } from './worker/runner';

/**
 * Starts one runner from the environment: DATABASE_URL (else the embedded database under BASIN_HOME), BASIN_HOME
 * (blob store), BASIN_SERVICE_ID (its name) and the `BASIN_RUNNER_*` settings (see worker/config.ts).
 */
await runService('runner', async (log) => {
  const db = await openDatabase({ env: process.env });
  try {
    const config = runnerConfigFromEnv(process.env, db.url);
    const runner = await createRunner({ config, sql: db.sql, log });
    log.info(`runner ${config.name} ready; database: ${db.display}`);
    return {
      async stop() {
        // runService exits the process after this, which also ends the wasm backend's worker threads (removing
        // the backend first raced with messages still in flight to them)
        await runner.stop();
        await db.close();
      },
    };
  } catch (err) {
    await db.close();
    throw err;
  }
});
