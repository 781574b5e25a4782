import type { ChildProcess } from 'node:child_process';
// a ConfigError: `runService` prints its message as one line and exits 2
import { ConfigError, resolveAuthMode, resolveBindHost, shownHost } from '@basin/db';
import { runService } from '@basin/service';
import { buildDashboard, exited, nextCli, WEB_DIR } from './build';
import { buildReason } from './build-state';

/**
 * The dashboard as a Basin service: builds `.next` when it is missing, unfinished or stale, then
 * `next start -p $WEB_PORT -H $WEB_HOST` (default 127.0.0.1: another address needs BASIN_AUTH=token or
 * BASIN_INSECURE_BIND=1, decided with the API's rule, @basin/db's resolveBindHost). BASIN_API_URL (default http://localhost:4000/graphql) reaches the browser at request
 * time, so the same build serves any API address.
 */

let child: ChildProcess | null = null;
// a supervisor that vanishes mid-build must not leave `next build` or `next start` behind
process.on('exit', () => child?.kill('SIGTERM'));

await runService('web', async (log) => {
  const raw = process.env.WEB_PORT?.trim() || '3000';
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`WEB_PORT must be a port number (0–65535), got '${raw}'`);
  const bind = resolveBindHost(process.env, 'WEB_HOST', resolveAuthMode(process.env));
  if (bind.warning) log.warn(bind.warning);
  const env = {
    ...process.env,
    BASIN_API_URL: process.env.BASIN_API_URL?.trim() || 'http://localhost:4000/graphql',
  };

  const why = buildReason(WEB_DIR);
  if (why) {
    log.info(`building the dashboard (${why}); this takes a minute`);
    const t0 = Date.now();
    const built = await buildDashboard(env, { onChild: (c) => (child = c) });
    log.info(
      built ? `built in ${((Date.now() - t0) / 1000).toFixed(0)} s` : 'another start built it meanwhile',
    );
  }
  const server = nextCli(['start', '-p', String(port), '-H', bind.host], { ...env, NODE_ENV: 'production' });
  child = server;
  log.info(
    `dashboard on http://${shownHost(bind.host)}:${port}${bind.loopback ? ' (this machine only)' : ''} (API ${env.BASIN_API_URL})`,
  );
  server.once('exit', (code, signal) => {
    if (child !== server) return;
    log.error(`next start exited (${signal ?? code})`);
    process.exit(code === 0 ? 1 : (code ?? 1));
  });
  return {
    async stop() {
      const done = exited(server);
      child = null; // an exit from here on is expected
      server.kill('SIGTERM');
      await done;
    },
  };
});
