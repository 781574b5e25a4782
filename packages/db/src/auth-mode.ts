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

/** Where a service listens unless told otherwise: this machine only. */
export const LOOPBACK_HOST = '127.0.0.1';

/** Whether only this machine can reach a service bound to `host` (localhost, 127.0.0.0/8, ::1). */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h === '::1' || /^(::ffff:)?127(\.\d{1,3}){3}$/.test(h);
}

/** Whether `host` binds every interface (`0.0.0.0`, `::`). */
export const isWildcardHost = (host: string): boolean => host === '0.0.0.0' || host === '::';

/** `host` as it goes into a URL: an IPv6 address in brackets. */
export const urlHostOf = (host: string): string => (host.includes(':') ? `[${host}]` : host);

/** The host to show a user for a service bound to `host`: `localhost` for loopback and wildcard binds. */
export const shownHost = (host: string): string =>
  isWildcardHost(host) || isLoopbackHost(host) ? 'localhost' : urlHostOf(host);

/** The host this machine dials to reach a service bound to `host`: loopback for a wildcard bind or `localhost`. */
export const dialHost = (host: string): string =>
  isWildcardHost(host) || host === 'localhost' ? LOOPBACK_HOST : urlHostOf(host);

/** The address a service binds, and the warning to print when it was told to serve the network without auth. */
export interface BindHost {
  host: string;
  loopback: boolean;
  warning: string | null;
}

/**
 * The address the API (`API_HOST`) or the dashboard (`WEB_HOST`) binds: the variable, else loopback. Serving another
 * address with auth off would let anyone on the network act as the single user, so it is refused unless
 * `BASIN_INSECURE_BIND=1` says to do it anyway (then with a warning). The API, the dashboard and `basin start` all
 * decide here, so they agree.
 * @throws ConfigError naming the variable and the two ways out.
 */
export function resolveBindHost(
  env: NodeJS.ProcessEnv,
  variable: 'API_HOST' | 'WEB_HOST',
  auth: AuthMode,
): BindHost {
  const host = env[variable]?.trim() || LOOPBACK_HOST;
  const loopback = isLoopbackHost(host);
  if (loopback || auth === 'token') return { host, loopback, warning: null };
  const risk = `${variable}=${host} serves Basin beyond this machine with auth off (anyone who can reach it acts as the single user)`;
  if (env.BASIN_INSECURE_BIND?.trim() === '1')
    return { host, loopback, warning: `${risk}, as BASIN_INSECURE_BIND=1 asks` };
  throw new ConfigError(
    `${risk}: set BASIN_AUTH=token and give users tokens (basin token create --team <team>), or BASIN_INSECURE_BIND=1 to serve it unauthenticated anyway`,
  );
}
