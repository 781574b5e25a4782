import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

/** Written after `next build` succeeds: `BUILD_ID` alone is not proof, Next writes it before the build is done. */
const MARKER = join('.next', 'basin-build.json');

/** Records a finished build (call after `next build` exited 0). */
export function markBuilt(dir: string): void {
  writeFileSync(join(dir, MARKER), `${JSON.stringify({ builtAt: new Date().toISOString() })}\n`);
}

/** Forgets the last build before starting another, so a build killed halfway is never taken for a good one. */
export function unmarkBuilt(dir: string): void {
  rmSync(join(dir, MARKER), { force: true });
}

/**
 * Why the dashboard must be built before `next start`, or null when `.next` is up to date: no finished build, or
 * a source newer than it.
 */
export function buildReason(dir: string): string | null {
  const marker = join(dir, MARKER);
  if (!existsSync(marker) || !existsSync(join(dir, '.next', 'BUILD_ID'))) return 'no finished build yet';
  const built = statSync(marker).mtimeMs;
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
