import postgres from 'postgres';
import { parseDatabaseUrl } from './config';
import { ConfigError } from './errors';

/** A postgres.js client. Ids (bigint) come back as strings. */
export type Sql = postgres.Sql<Record<string, never>>;

export interface ConnectOptions {
  /** Pool size. Default 10 (4 against the embedded database, whose connections share one backend). */
  max?: number;
  /**
   * Use named prepared statements. Default true for a server, false for the embedded database: its socket
   * connections share ONE backend, so two connections' statement names would collide.
   */
  prepare?: boolean;
  /** Seconds to wait for a connection. Default 10. */
  connectTimeout?: number;
  /** Name shown in pg_stat_activity. Default "basin". */
  applicationName?: string;
}

/** True when `url` points at an embedded PGlite served by `basin start` (it marks the URL). */
export function isEmbeddedUrl(url: string): boolean {
  try {
    return new URL(url).searchParams.get('application_name') === 'basin-embedded';
  } catch {
    return false;
  }
}

/**
 * Opens a pool and proves it works with one round trip, so a bad URL or a stopped server fails here with one
 * clear line instead of later inside a query.
 */
export async function connect(rawUrl: string, options: ConnectOptions = {}): Promise<Sql> {
  const { url, display } = parseDatabaseUrl(rawUrl);
  const embedded = isEmbeddedUrl(url);
  const sql = postgres(url, {
    max: options.max ?? (embedded ? 4 : 10),
    prepare: options.prepare ?? !embedded,
    connect_timeout: options.connectTimeout ?? 10,
    idle_timeout: 30,
    onnotice: () => {},
    connection: { application_name: options.applicationName ?? (embedded ? 'basin-embedded' : 'basin') },
  }) as unknown as Sql;
  try {
    await sql`select 1`;
  } catch (err) {
    await sql.end({ timeout: 0 }).catch(() => {});
    const e = err as NodeJS.ErrnoException & { code?: string };
    const reason = e.code ?? e.message;
    if (e.code === '3D000')
      throw new ConfigError(
        `database in DATABASE_URL does not exist (${display}): create it or fix the URL`,
        { cause: err },
      );
    if (e.code === '28P01' || e.code === '28000')
      throw new ConfigError(`PostgreSQL refused the credentials in DATABASE_URL (${display}): ${e.message}`, {
        cause: err,
      });
    throw new ConfigError(
      `cannot reach PostgreSQL at ${display} (${reason}): start the server or fix DATABASE_URL`,
      { cause: err },
    );
  }
  return sql;
}

/** One round trip to the database (health checks): resolves when it answers, rejects with its error otherwise. */
export async function ping(sql: Sql): Promise<void> {
  await sql`select 1`;
}
