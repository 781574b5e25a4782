import { createHash, randomBytes } from 'node:crypto';
import type { Sql } from '../connect';

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
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** Who a presented token belongs to. */
export interface TokenIdentity {
  tokenId: string;
  teamId: string;
  teamName: string;
  scope: TokenScope;
}

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
  input: { teamId: string; name?: string; scope?: TokenScope },
): Promise<{ token: string; row: ApiTokenRow }> {
  const token = `basin_${randomBytes(24).toString('base64url')}`;
  const prefix = token.slice(0, PREFIX_LENGTH);
  const [r] = await sql<RawToken[]>`
    insert into api_tokens (team_id, name, prefix, token_hash, scope)
    values (${input.teamId}, ${input.name ?? ''}, ${prefix}, ${hashToken(token)}, ${input.scope ?? 'write'})
    returning id, team_id, name, prefix, scope, created_at, last_used_at, revoked_at`;
  return { token, row: mapToken(r!) };
}

/**
 * The team a token belongs to, or null for an unknown or revoked token. Records `last_used_at` at most every
 * five minutes so authentication does not write on every request.
 */
export async function authenticateToken(sql: Sql, token: string): Promise<TokenIdentity | null> {
  const [r] = await sql<{ id: string; team_id: string; team_name: string; scope: TokenScope }[]>`
    with t as (
      select id, team_id, scope, last_used_at from api_tokens
      where token_hash = ${hashToken(token)} and revoked_at is null
    ), touched as (
      update api_tokens a set last_used_at = now() from t
      where a.id = t.id and (t.last_used_at is null or t.last_used_at < now() - interval '5 minutes')
    )
    select t.id, t.team_id, teams.name as team_name, t.scope from t join teams on teams.id = t.team_id`;
  return r ? { tokenId: r.id, teamId: r.team_id, teamName: r.team_name, scope: r.scope } : null;
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
    select id, team_id, name, prefix, scope, created_at, last_used_at, revoked_at
    from api_tokens where team_id = ${teamId} order by id desc`;
  return rows.map(mapToken);
}

interface RawToken {
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
});
