import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runService } from '@basin/service';
import { buildReason, withBuildLock } from './build-state';

/**
 * The dashboard as a Basin service: builds `.next` when it is missing or stale, then `next start -p $WEB_PORT`.
 * BASIN_API_URL (default http://localhost:4000/graphql) reaches the browser at request time, so the same build
 * serves any API address.
 */
const DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const NEXT_BIN = createRequire(import.meta.url).resolve('next/dist/bin/next');

/** A configuration error: `runService` prints its message as one line and exits 2. */
class ConfigError extends Error {
  override name = 'ConfigError';
}

let child: ChildProcess | null = null;
// a supervisor that vanishes mid-build must not leave `next build` behind
process.on('exit', () => child?.kill('SIGTERM'));

function next(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  child = spawn(process.execPath, [NEXT_BIN, ...args], {
    cwd: DIR,
    env: { ...env, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return child;
}

const exited = (c: ChildProcess) =>
  new Promise<number | null>((res) => {
    if (c.exitCode !== null || c.signalCode !== null) res(c.exitCode);
    else c.once('exit', (code) => res(code));
  });

await runService('web', async (log) => {
  const raw = process.env.WEB_PORT?.trim() || '3000';
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`WEB_PORT must be a port number (0–65535), got '${raw}'`);
  const env = {
    ...process.env,
    BASIN_API_URL: process.env.BASIN_API_URL?.trim() || 'http://localhost:4000/graphql',
  };

  const why = buildReason(DIR);
  if (why) {
    log.info(`building the dashboard (${why}); this takes a minute`);
    const t0 = Date.now();
    const built = await withBuildLock(DIR, async () => {
      const code = await exited(next(['build'], { ...env, NODE_ENV: 'production' }));
      if (code !== 0) throw new Error(`next build failed (exit ${code})`);
      return true;
    });
    log.info(
      built ? `built in ${((Date.now() - t0) / 1000).toFixed(0)} s` : 'another start built it meanwhile',
    );
  }
  const server = next(['start', '-p', String(port)], { ...env, NODE_ENV: 'production' });
  log.info(`dashboard on http://localhost:${port} (API ${env.BASIN_API_URL})`);
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
