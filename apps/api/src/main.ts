import { ConfigError, ensureTeam, openDatabase, resolveAuthMode, resolveBindHost } from '@basin/db';
import { runService } from '@basin/service';
import { createApp } from './app';
import type { AuthConfig } from './auth';

/**
 * Starts the API from the environment: API_PORT (default 4000), API_HOST (default 127.0.0.1; another address needs
 * BASIN_AUTH=token or BASIN_INSECURE_BIND=1, see resolveBindHost), DATABASE_URL (else embedded PGlite under
 * BASIN_HOME), BASIN_AUTH (`token`, or `off` for single-user mode: the default on the embedded database) and
 * BASIN_TEAM (the team single-user mode acts as; default "default").
 */
await runService('api', async (log) => {
  const env = process.env;
  const rawPort = env.API_PORT?.trim() || '4000';
  const port = Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`API_PORT must be a port number (0–65535), got '${rawPort}'`);
  }
  const mode = resolveAuthMode(env);
  const bind = resolveBindHost(env, 'API_HOST', mode); // refused before the database opens
  const db = await openDatabase({ env });
  let auth: AuthConfig = { mode: 'token' };
  if (mode === 'off') {
    const team = await ensureTeam(db.sql, env.BASIN_TEAM?.trim() || 'default');
    auth = { mode: 'off', teamId: team.id, teamName: team.name };
  }
  const app = createApp({
    sql: db.sql,
    auth,
    port,
    host: bind.host,
    logger: {
      info: (m) => log.info(m),
      error: (m, err) => log.error(m, { error: (err as Error)?.stack ?? String(err) }),
    },
  });
  try {
    await app.start();
  } catch (err) {
    await db.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new ConfigError(`API_PORT ${port} is already in use; stop what uses it or set API_PORT`);
    }
    throw err;
  }
  log.info(
    `GraphQL on ${app.url}, subscriptions on ${app.url.replace(/^http/, 'ws')}; database: ${db.display}`,
  );
  if (bind.warning) log.warn(bind.warning);
  if (auth.mode === 'off') {
    log.warn(
      `auth is OFF (single-user mode): anyone who can reach ${bind.loopback ? `${bind.host}:${port} (this machine only)` : `port ${port}`} acts as team '${auth.teamName}'. ` +
        'Set BASIN_AUTH=token to require API tokens (basin token create --team <team>).',
    );
  } else {
    log.info('auth: API tokens required (Authorization: Bearer <token>; basin token create --team <team>)');
  }
  return {
    async stop() {
      await app.stop();
      await db.close();
    },
  };
});
