import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildReason, markBuilt, unmarkBuilt, withBuildLock } from './build-state';

/** The dashboard's folder (apps/web). */
export const WEB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const NEXT_BIN = createRequire(import.meta.url).resolve('next/dist/bin/next');

/** Runs the `next` CLI in apps/web, output to ours. */
export function nextCli(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [NEXT_BIN, ...args], {
    cwd: WEB_DIR,
    env: { ...env, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

export const exited = (c: ChildProcess) =>
  new Promise<number | null>((res) => {
    if (c.exitCode !== null || c.signalCode !== null) res(c.exitCode);
    else c.once('exit', (code) => res(code));
  });

/**
 * `next build` under the build lock, marked as finished only when it succeeds. `force` builds even when `.next`
 * looks fresh (`npm run build`); otherwise a build another process just finished is reused.
 * @returns false when no build was needed.
 */
export async function buildDashboard(
  env: NodeJS.ProcessEnv,
  options: { force?: boolean; onChild?: (c: ChildProcess | null) => void } = {},
): Promise<boolean> {
  const run = async () => {
    unmarkBuilt(WEB_DIR);
    const child = nextCli(['build'], { ...env, NODE_ENV: 'production' });
    options.onChild?.(child);
    const code = await exited(child);
    options.onChild?.(null);
    if (code !== 0) throw new Error(`next build failed (exit ${code})`);
    markBuilt(WEB_DIR);
    return true;
  };
  if (options.force) {
    unmarkBuilt(WEB_DIR);
    return (await withBuildLock(WEB_DIR, run)) ?? false;
  }
  if (buildReason(WEB_DIR) === null) return false;
  return (await withBuildLock(WEB_DIR, run)) ?? false;
}

// `npm run build`: always build
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildDashboard(process.env, { force: true }).then(
    () => process.exit(0),
    (err: Error) => {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    },
  );
}
