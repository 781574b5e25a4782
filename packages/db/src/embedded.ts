import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { lockDirectory } from './dir-lock';
import { ConfigError } from './errors';
import { type WireLimits, WireServer } from './wire-server';

/** An in-process PGlite served over the PostgreSQL wire protocol on loopback. */
export interface EmbeddedDatabase {
  /** postgres:// URL other processes (API, runner) connect to. */
  url: string;
  /** The PGlite instance itself (in-process LISTEN works on it; see DESIGN.md §5). */
  db: PGlite;
  /** Stops the socket server, then closes PGlite so nothing is left half-written. */
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Data directory; `memory://` (the default) keeps nothing. */
  dataDir?: string;
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** Bounds on what one client may send or hold (see WireServer). */
  wireLimits?: Partial<WireLimits>;
}

/**
 * Starts PGlite and its socket server.
 * @remarks PGlite is single-process; serving it on loopback lets the API, runner and CLI all use the same
 * postgres.js code path as a real server. The URL carries `application_name=basin-embedded` so clients know to
 * turn off named prepared statements (they would collide in the shared backend).
 */
export async function startEmbedded(options: EmbeddedOptions = {}): Promise<EmbeddedDatabase> {
  const dataDir = options.dataDir ?? 'memory://';
  let unlock = () => {};
  if (!dataDir.startsWith('memory://')) {
    mkdirSync(dataDir, { recursive: true });
    unlock = lockDirectory(dataDir);
  }
  let db: PGlite;
  try {
    db = await PGlite.create({ dataDir });
  } catch (err) {
    unlock();
    throw new ConfigError(
      `cannot open the embedded database in ${dataDir} (${(err as Error).message}); is another Basin using it? Stop it, or set BASIN_HOME to another folder`,
      { cause: err },
    );
  }
  const server = new WireServer(db, options.wireLimits);
  let port: number;
  try {
    port = await server.listen(options.port ?? 0);
  } catch (err) {
    await db.close();
    unlock();
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(
      code === 'EADDRINUSE'
        ? `port ${options.port} for the embedded database is already in use; free it or choose another`
        : `cannot serve the embedded database (${code ?? (err as Error).message})`,
      { cause: err },
    );
  }
  const url = `postgres://postgres@127.0.0.1:${port}/postgres?application_name=basin-embedded`;
  let stopped = false;
  return {
    url,
    db,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.close();
      await db.close();
      unlock();
    },
  };
}
