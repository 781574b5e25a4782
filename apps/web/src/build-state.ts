import { existsSync, readdirSync, statSync } from 'node:fs';
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
