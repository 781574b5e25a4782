import {
  type ApiTokenRow,
  createApiToken,
  ensureTeam,
  LAST_USED_RESOLUTION_MS,
  listApiTokens,
  MAX_TOKEN_LIFETIME_MS,
  openDatabase,
  revokeApiToken,
  teamByName,
} from '@basin/db';
import { parseCommandArgs } from '../args';
import { type Command, UsageError } from '../command';

const usage = `usage: basin token create --team TEAM [--name NAME] [--read-only] [--expires-in N(m|h|d)] [--json]
       basin token list --team TEAM [--json]
       basin token revoke ID --team TEAM

API tokens for the GraphQL API (send "Authorization: Bearer <token>"). Each token belongs to one team and sees
only that team's studies, runs and analyses. The secret is printed ONCE by 'create'; Basin stores only its SHA-256.
Uses DATABASE_URL, or the embedded database in BASIN_HOME.

options:
  --team TEAM    team name ('create' makes the team if it does not exist)
  --name NAME    a label to tell tokens apart
  --read-only    the token may query and subscribe but not run mutations
  --expires-in D the token stops working after D: minutes, hours or days (30m, 12h, 90d; at most 3650d).
                 Without it the token works until revoked. Revoking or expiring also closes its open
                 subscriptions within seconds.
  --json         print one JSON object
`;

/** `basin token create|list|revoke`: API tokens, one team each. */
export const token: Command = {
  name: 'token',
  summary: 'create, list and revoke API tokens (one team each)',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('token', argv, {
      team: { type: 'string' },
      name: { type: 'string' },
      'read-only': { type: 'boolean' },
      'expires-in': { type: 'string' },
      json: { type: 'boolean' },
    });
    const [action, id, ...extra] = positionals;
    if (!action || !['create', 'list', 'revoke'].includes(action)) {
      throw new UsageError(
        `basin token: expected 'create', 'list' or 'revoke', got '${action ?? ''}'\n${usage}`,
      );
    }
    if (extra.length > 0 || (action !== 'revoke' && id !== undefined)) {
      throw new UsageError(`basin token ${action}: unexpected argument '${extra[0] ?? id}'`);
    }
    const team = values.team?.trim();
    if (!team || team.length > 200) {
      throw new UsageError(`basin token ${action}: --team is required (a team name of 1 to 200 characters)`);
    }
    if (action === 'revoke' && !(id && /^[1-9][0-9]{0,18}$/.test(id))) {
      throw new UsageError(
        `basin token revoke: expected a token id (see 'basin token list'), got '${id ?? ''}'`,
      );
    }
    if (action !== 'create' && values['expires-in'] !== undefined) {
      throw new UsageError(`basin token ${action}: --expires-in applies to 'create' only`);
    }
    const expiresAt = values['expires-in'] === undefined ? null : parseExpiry(values['expires-in']);
    const db = await openDatabase({ env: io.env, max: 2 });
    try {
      if (action === 'create') {
        const t = await ensureTeam(db.sql, team);
        const { token: secret, row } = await createApiToken(db.sql, {
          teamId: t.id,
          name: values.name ?? '',
          scope: values['read-only'] ? 'read' : 'write',
          expiresAt,
        });
        if (values.json) {
          io.stdout.write(
            `${JSON.stringify({ id: row.id, team: t.name, name: row.name, scope: row.scope, prefix: row.prefix, expiresAt: row.expiresAt, token: secret })}\n`,
          );
        } else {
          io.stdout.write(`${secret}\n`);
          const until = row.expiresAt ? `, expires ${row.expiresAt.toISOString()}` : '';
          io.stderr.write(
            `token ${row.id} for team '${t.name}' (${row.scope}${until}). Keep it now: it cannot be shown again.\n`,
          );
        }
        return 0;
      }
      const t = await teamByName(db.sql, team);
      if (!t) throw new UsageError(`basin token ${action}: no team named '${team}'`);
      if (action === 'list') {
        const rows = await listApiTokens(db.sql, t.id);
        if (values.json) {
          io.stdout.write(`${JSON.stringify({ team: t.name, tokens: rows })}\n`);
        } else {
          const now = new Date();
          const header = `${'id'.padStart(5)}  ${'prefix'.padEnd(13)}  scope  ${'state'.padEnd(7)}  ${'last used'.padEnd(16)}  ${'expires'.padEnd(16)}  name`;
          const lines = rows.map(
            (r) =>
              `${r.id.padStart(5)}  ${`${r.prefix}…`.padEnd(13)}  ${r.scope.padEnd(5)}  ${tokenState(r, now).padEnd(7)}  ${minute(r.lastUsedAt, 'never').padEnd(16)}  ${minute(r.expiresAt, 'never').padEnd(16)}  ${r.name}`,
          );
          io.stdout.write(
            lines.length
              ? `${header}\n${lines.join('\n')}\n(last used is recorded to within ${LAST_USED_RESOLUTION_MS / 60_000} minutes; times are UTC)\n`
              : `(no tokens for team '${t.name}')\n`,
          );
        }
        return 0;
      }
      const ok = await revokeApiToken(db.sql, t.id, id!);
      if (!ok) throw new UsageError(`basin token revoke: team '${t.name}' has no active token ${id}`);
      io.stdout.write(`revoked token ${id}\n`);
      return 0;
    } finally {
      await db.close();
    }
  },
};

/** `30m`, `12h`, `90d` → the moment that far from now. @throws UsageError for anything else or over ten years. */
function parseExpiry(text: string): Date {
  const m = /^([1-9][0-9]{0,6})([mhd])$/.exec(text.trim());
  const ms = m
    ? Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd']
    : Number.NaN;
  if (!(ms <= MAX_TOKEN_LIFETIME_MS)) {
    throw new UsageError(
      `basin token create: --expires-in must be minutes, hours or days up to 3650d (e.g. 30m, 12h, 90d), got '${text}'`,
    );
  }
  return new Date(Date.now() + ms);
}

const tokenState = (r: ApiTokenRow, now: Date) =>
  r.revokedAt ? 'revoked' : r.expiresAt && r.expiresAt <= now ? 'expired' : 'active';

/** A time to the minute, UTC (`2026-12-03 18:04`). */
const minute = (d: Date | null, none: string) => (d ? d.toISOString().slice(0, 16).replace('T', ' ') : none);
