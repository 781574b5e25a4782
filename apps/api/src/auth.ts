import { authenticateToken, type Sql, type TokenScope } from '@basin/db';
import { BasinError } from './errors';

/**
 * How callers prove who they are. `token`: every request carries `Authorization: Bearer <token>` (HTTP) or
 * `{ authorization }` in graphql-ws `connection_init`. `off`: single-user mode, everything is the one team's.
 */
export type AuthConfig = { mode: 'token' } | { mode: 'off'; teamId: string; teamName: string };

/** Who is calling: the team every query is scoped to, and what the caller may do. */
export interface Identity {
  teamId: string;
  teamName: string;
  scope: TokenScope;
  /** The token used; null in single-user mode. */
  tokenId: string | null;
  /** When that token expires; null: never (or single-user mode). */
  expiresAt: Date | null;
}

/**
 * Resolves the caller from an Authorization value (`Bearer <token>`).
 * @throws BasinError UNAUTHENTICATED when a token is needed and missing, malformed, unknown, revoked or expired.
 */
export async function identify(
  sql: Sql,
  auth: AuthConfig,
  authorization: string | undefined | null,
): Promise<Identity> {
  if (auth.mode === 'off')
    return { teamId: auth.teamId, teamName: auth.teamName, scope: 'write', tokenId: null, expiresAt: null };
  if (!authorization) {
    throw new BasinError(
      'UNAUTHENTICATED',
      'missing API token: send "Authorization: Bearer <token>" (create one with `basin token create --team <team>`)',
      { http: true },
    );
  }
  const m = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (!m) {
    throw new BasinError('UNAUTHENTICATED', 'Authorization must be "Bearer <token>"', { http: true });
  }
  const who = await authenticateToken(sql, m[1]!);
  if (!who) throw new BasinError('UNAUTHENTICATED', 'unknown, revoked or expired API token', { http: true });
  return { ...who };
}
