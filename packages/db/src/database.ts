import { resolveDatabaseTarget } from './config';
import { type ConnectOptions, connect, type Sql } from './connect';
import { type EmbeddedDatabase, startEmbedded } from './embedded';
import { migrateJobQueue } from './jobs';
import { migrate } from './migrate';

/** An open, migrated database: the pool, the URL other processes may use, and how to close it all. */
export interface Database {
  sql: Sql;
  url: string;
  mode: 'server' | 'embedded';
  /** What to print: the server URL without password, or the embedded data folder. */
  display: string;
  /** Present in embedded mode: the in-process PGlite host. */
  embedded?: EmbeddedDatabase;
  close(): Promise<void>;
}

export interface OpenOptions extends ConnectOptions {
  env?: NodeJS.ProcessEnv;
  /** Run Basin's and the job queue's migrations. Default true. */
  migrate?: boolean;
}

/**
 * Opens Basin's database: DATABASE_URL if set, else PGlite embedded under BASIN_HOME/pgdata, served on loopback so
 * the API and runners (other processes) reach it with the same client code.
 */
export async function openDatabase(options: OpenOptions = {}): Promise<Database> {
  const target = resolveDatabaseTarget(options.env);
  let embedded: EmbeddedDatabase | undefined;
  let url: string;
  let display: string;
  if (target.mode === 'server') {
    url = target.url;
    display = target.display;
  } else {
    embedded = await startEmbedded({ dataDir: target.dataDir });
    url = embedded.url;
    display = `embedded PGlite in ${target.dataDir}`;
  }
  let sql: Sql | undefined;
  try {
    sql = await connect(url, options);
    if (options.migrate !== false) {
      await migrate(sql);
      await migrateJobQueue(url);
    }
  } catch (err) {
    await sql?.end({ timeout: 5 });
    await embedded?.stop();
    throw err;
  }
  const pool = sql;
  return {
    sql: pool,
    url,
    mode: target.mode,
    display,
    embedded,
    async close() {
      await pool.end({ timeout: 5 });
      await embedded?.stop();
    },
  };
}
