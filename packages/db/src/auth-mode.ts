import { isEmbeddedUrl } from './connect';
import { ConfigError } from './errors';

/** How the API authenticates: `token` (Bearer API tokens) or `off` (single-user mode, one team). */
export type AuthMode = 'token' | 'off';

/**
 * BASIN_AUTH, or its default: `off` on the embedded database (also when `basin start` hands its URL down),
 * `token` on a server. The API and `basin start` both read it here, so they always agree.
 * @throws ConfigError for any other value.
 */
export function resolveAuthMode(
  env: NodeJS.ProcessEnv,
  databaseUrl = env.DATABASE_URL?.trim() ?? '',
): AuthMode {
  const embedded = databaseUrl === '' || isEmbeddedUrl(databaseUrl) || env.BASIN_EMBEDDED === '1';
  const mode = (env.BASIN_AUTH?.trim() || (embedded ? 'off' : 'token')).toLowerCase();
  if (mode !== 'token' && mode !== 'off') {
    throw new ConfigError(`BASIN_AUTH must be 'token' or 'off', got '${env.BASIN_AUTH}'`);
  }
  return mode;
}
