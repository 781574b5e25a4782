/**
 * Which web pages may call the API from a browser. A page on another origin (any site the user visits) must not
 * drive their Basin — even on loopback the browser would carry its requests there — so only the dashboard's own
 * origins and those listed in BASIN_ALLOWED_ORIGINS may; a request with any other `Origin` is refused (HTTP 403, and
 * the WebSocket handshake too). Scripts, the CLI and the dashboard's server send no `Origin` and are not affected.
 */
import { isWildcardHost, urlHostOf } from '@basin/db';

/** The origins a browser page may call from: the dashboard's (WEB_PORT, WEB_HOST) and BASIN_ALLOWED_ORIGINS. */
export function allowedOrigins(env: NodeJS.ProcessEnv): string[] {
  const port = env.WEB_PORT?.trim() || '3000';
  const out = [`http://localhost:${port}`, `http://127.0.0.1:${port}`];
  const host = env.WEB_HOST?.trim();
  if (host && !isWildcardHost(host)) out.push(`http://${urlHostOf(host)}:${port}`);
  for (const o of (env.BASIN_ALLOWED_ORIGINS ?? '').split(',')) {
    const t = o.trim().replace(/\/+$/, '');
    if (t) out.push(t);
  }
  return [...new Set(out)];
}

/** Whether a request with this `Origin` header may be served: none (not a browser page) or an allowed one. */
export function originAllowed(allowed: readonly string[], origin: string | undefined): boolean {
  return origin === undefined || allowed.includes(origin);
}

/** The refusal's words: which origin, and how to allow it. */
export const originRefusal = (origin: string) =>
  `a page on ${origin} may not call this API; add the origin to BASIN_ALLOWED_ORIGINS if it should`;
