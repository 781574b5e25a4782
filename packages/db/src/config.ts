import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from './errors';

/** Where Basin's data lives: a PostgreSQL server, or PGlite embedded under BASIN_HOME. */
export type DatabaseTarget =
  | { mode: 'server'; url: string; display: string }
  | { mode: 'embedded'; dataDir: string };

/** Default of BASIN_HOME, relative to the working directory. */
export const DEFAULT_BASIN_HOME = './.basin';

/** Resolves BASIN_HOME to an absolute path, creating it; a ConfigError if it cannot be written. */
export function resolveBasinHome(env: NodeJS.ProcessEnv = process.env): string {
  const home = resolve(env.BASIN_HOME?.trim() || DEFAULT_BASIN_HOME);
  try {
    mkdirSync(home, { recursive: true });
    if (!statSync(home).isDirectory()) throw new Error('not a directory');
    accessSync(home, constants.W_OK | constants.R_OK);
  } catch (err) {
    throw new ConfigError(
      `BASIN_HOME=${home} is not a writable directory (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); set BASIN_HOME to a folder you can write`,
      { cause: err },
    );
  }
  return home;
}

/**
 * Checks a PostgreSQL URL without connecting and returns a form safe to print (no password).
 * @throws ConfigError naming what is wrong.
 */
export function parseDatabaseUrl(raw: string): { url: string; display: string } {
  const url = raw.trim();
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(
      `DATABASE_URL is not a valid URL: '${url}'; expected postgres://user[:password]@host[:port]/database`,
    );
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new ConfigError(
      `DATABASE_URL must start with postgres:// or postgresql://, got '${parsed.protocol}//'; expected postgres://user@host:port/database`,
    );
  }
  if (!parsed.hostname && !parsed.searchParams.get('host')) {
    throw new ConfigError(`DATABASE_URL has no host: '${url}'; expected postgres://user@host:port/database`);
  }
  if (parsed.port && !(Number(parsed.port) > 0 && Number(parsed.port) < 65536)) {
    throw new ConfigError(`DATABASE_URL has an invalid port '${parsed.port}'`);
  }
  const display = `${parsed.protocol}//${parsed.username ? `${decodeURIComponent(parsed.username)}@` : ''}${parsed.host}${parsed.pathname}`;
  return { url, display };
}

/** DATABASE_URL set → that server; unset → embedded PGlite in BASIN_HOME/pgdata. */
export function resolveDatabaseTarget(env: NodeJS.ProcessEnv = process.env): DatabaseTarget {
  const raw = env.DATABASE_URL;
  if (raw !== undefined && raw.trim() !== '') return { mode: 'server', ...parseDatabaseUrl(raw) };
  return { mode: 'embedded', dataDir: resolve(resolveBasinHome(env), 'pgdata') };
}
