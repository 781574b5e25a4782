/**
 * Builds the addon from this package's sources when it is missing or older than them (`scripts/build.mjs`, the
 * turbo `build` step: node-gyp with the local compiler and Node's headers, one build at a time, never failing),
 * so `basin start` on a fresh checkout runs on the native kernels without a separate `npm run build`.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What {@link ensureBuilt} did, in the build script's one line (`[kernels] native kernels built in 6.1 s …`). */
export interface BuildOutcome {
  /** Whether the addon exists and is up to date afterwards. */
  ok: boolean;
  line: string;
}

/** Runs the build script: a no-op taking milliseconds when the addon is up to date. */
export function ensureBuilt(env: NodeJS.ProcessEnv = process.env): BuildOutcome {
  const script = join(dirname(fileURLToPath(import.meta.url)), '..', 'scripts', 'build.mjs');
  const r = spawnSync(process.execPath, [script], { encoding: 'utf8', env, timeout: 20 * 60 * 1000 });
  const line =
    `${r.stderr ?? ''}`
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('[kernels]'))
      .pop() ?? `[kernels] build script did not run: ${r.error?.message ?? `exit ${r.status}`}`;
  return { ok: /built in|up to date/.test(line), line };
}
