import {
  createApiToken,
  ensureTeam,
  listApiTokens,
  openDatabase,
  revokeApiToken,
  teamByName,
} from '@basin/db';
import { parseCommandArgs } from '../args';
import { type Command, UsageError } from '../command';

const usage = `usage: basin token create --team TEAM [--name NAME] [--read-only] [--json]
       basin token list --team TEAM [--json]
       basin token revoke ID --team TEAM

API tokens for the GraphQL API (send "Authorization: Bearer <token>"). Each token belongs to one team and sees
only that team's studies, runs and analyses. The secret is printed ONCE by 'create'; Basin stores only its SHA-256.
Uses DATABASE_URL, or the embedded database in BASIN_HOME.

options:
  --team TEAM    team name ('create' makes the team if it does not exist)
  --name NAME    a label to tell tokens apart
  --read-only    the token may query and subscribe but not run mutations
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
    const db = await openDatabase({ env: io.env, max: 2 });
    try {
      if (action === 'create') {
        const t = await ensureTeam(db.sql, team);
        const { token: secret, row } = await createApiToken(db.sql, {
          teamId: t.id,
          name: values.name ?? '',
          scope: values['read-only'] ? 'read' : 'write',
        });
        if (values.json) {
          io.stdout.write(
            `${JSON.stringify({ id: row.id, team: t.name, name: row.name, scope: row.scope, prefix: row.prefix, token: secret })}\n`,
          );
        } else {
          io.stdout.write(`${secret}\n`);
          io.stderr.write(
            `token ${row.id} for team '${t.name}' (${row.scope}). Keep it now: it cannot be shown again.\n`,
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
          const lines = rows.map(
            (r) =>
              `${r.id.padStart(5)}  ${r.prefix}…  ${r.scope.padEnd(5)}  ${r.revokedAt ? 'revoked' : 'active '}  ${r.name}`,
          );
          io.stdout.write(`${lines.length ? lines.join('\n') : `(no tokens for team '${t.name}')`}\n`);
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
