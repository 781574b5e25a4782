import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What feeds the build: a change in any of these makes `.next` stale. */
const INPUTS = ['src', 'next.config.ts', 'package.json', 'tsconfig.json'];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, name)));
  }
  return newest;
}

/**
 * Why the dashboard must be built before `next start`, or null when `.next` is up to date: no build yet, or a
 * source newer than the last build's BUILD_ID.
 */
export function buildReason(dir: string): string | null {
  const id = join(dir, '.next', 'BUILD_ID');
  if (!existsSync(id)) return 'no build yet';
  const built = statSync(id).mtimeMs;
  for (const input of INPUTS) {
    if (newestMtime(join(dir, input)) > built) return `${input} changed since the last build`;
  }
  return null;
}

/**
 * Runs `build` while holding `<dir>/.next-build.lock` (an atomic mkdir), so several Basins starting at once on one
 * checkout build once: the others wait for the lock, then find the build fresh. A lock older than `staleMs` is
 * taken to be left by a killed build and removed.
 */
export async function withBuildLock<T>(
  dir: string,
  build: () => Promise<T>,
  staleMs = 10 * 60_000,
): Promise<T | null> {
  const lock = join(dir, '.next-build.lock');
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      try {
        if (Date.now() - statSync(lock).mtimeMs > staleMs) rmSync(lock, { recursive: true, force: true });
      } catch {
        // released meanwhile
      }
      await new Promise((r) => setTimeout(r, 500));
      if (!existsSync(lock) && buildReason(dir) === null) return null;
    }
  }
  const release = () => rmSync(lock, { recursive: true, force: true });
  process.once('exit', release);
  try {
    return buildReason(dir) === null ? null : await build();
  } finally {
    release();
    process.removeListener('exit', release);
  }
}
