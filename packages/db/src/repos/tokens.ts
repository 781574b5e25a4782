import { createHash, randomBytes } from 'node:crypto';
import type { Sql } from '../connect';
import { idArray } from './ids';

/** What a token may do: `read` tokens cannot run mutations. */
export type TokenScope = 'read' | 'write';

/** A stored token, without its secret. */
export interface ApiTokenRow {
  id: string;
  teamId: string;
  name: string;
  prefix: string;
  scope: TokenScope;
  createdAt: Date;
  /** When the token was last presented, to within {@link LAST_USED_RESOLUTION_MS}. */
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  /** When it stops working; null: never. */
  expiresAt: Date | null;
}

/** Who a presented token belongs to. */
export interface TokenIdentity {
  tokenId: string;
  teamId: string;
  teamName: string;
  scope: TokenScope;
  /** When it stops working; null: never. */
  expiresAt: Date | null;
}

/** How often `last_used_at` is written at most: authentication does not write on every request. */
export const LAST_USED_RESOLUTION_MS = 5 * 60_000;

/** The longest lifetime a token may be given (ten years); `expiresAt` beyond it is refused. */
export const MAX_TOKEN_LIFETIME_MS = 10 * 365 * 24 * 3_600_000;

/** Characters of the token kept in clear (`prefix`) so a person can tell tokens apart. */
const PREFIX_LENGTH = 12;

/** SHA-256 of a token's text: what the database stores and looks up. */
export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/**
 * Creates a token for a team and returns its secret, which is never stored (only its SHA-256) and cannot be shown
 * again.
 */
export async function createApiToken(
  sql: Sql,
  input: { teamId: string; name?: string; scope?: TokenScope; expiresAt?: Date | null },
): Promise<{ token: string; row: ApiTokenRow }> {
  const expiresAt = input.expiresAt ?? null;
  if (expiresAt) {
    const ahead = expiresAt.getTime() - Date.now();
    if (!(ahead > 0 && ahead <= MAX_TOKEN_LIFETIME_MS))
      throw new RangeError(
        `expiresAt must be in the future and at most ten years ahead, got ${Number.isNaN(ahead) ? 'an invalid date' : expiresAt.toISOString()}`,
      );
  }
  const token = `basin_${randomBytes(24).toString('base64url')}`;
  const prefix = token.slice(0, PREFIX_LENGTH);
  const [r] = await sql<RawToken[]>`
    insert into api_tokens (team_id, name, prefix, token_hash, scope, expires_at)
    values (${input.teamId}, ${input.name ?? ''}, ${prefix}, ${hashToken(token)}, ${input.scope ?? 'write'},
            ${expiresAt})
    returning ${sql.unsafe(TOKEN_COLUMNS)}`;
  return { token, row: mapToken(r!) };
}

/**
 * The team a token belongs to, or null for an unknown, revoked or expired token. Records `last_used_at` at most
 * every {@link LAST_USED_RESOLUTION_MS} so authentication does not write on every request.
 */
export async function authenticateToken(sql: Sql, token: string): Promise<TokenIdentity | null> {
  const [r] = await sql<
    { id: string; team_id: string; team_name: string; scope: TokenScope; expires_at: Date | null }[]
  >`
    with t as (
      select id, team_id, scope, last_used_at, expires_at from api_tokens
      where token_hash = ${hashToken(token)} and revoked_at is null
        and (expires_at is null or expires_at > now())
    ), touched as (
      update api_tokens a set last_used_at = now() from t
      where a.id = t.id
        and (t.last_used_at is null
             or t.last_used_at < now() - make_interval(secs => ${LAST_USED_RESOLUTION_MS / 1000}))
    )
    select t.id, t.team_id, teams.name as team_name, t.scope, t.expires_at
    from t join teams on teams.id = t.team_id`;
  return r
    ? { tokenId: r.id, teamId: r.team_id, teamName: r.team_name, scope: r.scope, expiresAt: r.expires_at }
    : null;
}

/**
 * Which of `tokenIds` still authenticate (not revoked, not expired): what the API asks, every few seconds, for the
 * tokens behind its open WebSocket connections. One query whatever the number of tokens.
 */
export async function liveTokenIds(sql: Sql, tokenIds: readonly string[]): Promise<Set<string>> {
  if (tokenIds.length === 0) return new Set();
  const rows = await sql<{ id: string }[]>`
    select id from api_tokens
    where id = any(${idArray(sql, tokenIds)}::bigint[]) and revoked_at is null
      and (expires_at is null or expires_at > now())`;
  return new Set(rows.map((r) => r.id));
}

/** Revokes a team's token; false when there is no such live token. */
export async function revokeApiToken(sql: Sql, teamId: string, tokenId: string): Promise<boolean> {
  const res = await sql`
    update api_tokens set revoked_at = now()
    where id = ${tokenId} and team_id = ${teamId} and revoked_at is null`;
  return res.count === 1;
}

/** A team's tokens, newest first (secrets are not stored, so none are returned). */
export async function listApiTokens(sql: Sql, teamId: string): Promise<ApiTokenRow[]> {
  const rows = await sql<RawToken[]>`
    select ${sql.unsafe(TOKEN_COLUMNS)}
    from api_tokens where team_id = ${teamId} order by id desc`;
  return rows.map(mapToken);
}

const TOKEN_COLUMNS = 'id, team_id, name, prefix, scope, created_at, last_used_at, revoked_at, expires_at';

interface RawToken {
  expires_at: Date | null;
  id: string;
  team_id: string;
  name: string;
  prefix: string;
  scope: TokenScope;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const mapToken = (r: RawToken): ApiTokenRow => ({
  id: r.id,
  teamId: r.team_id,
  name: r.name,
  prefix: r.prefix,
  scope: r.scope,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
  expiresAt: r.expires_at,
});
