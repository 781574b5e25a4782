import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (the CLI runs from its sources). */
export const REPO_ROOT = resolve(fileURLToPath(new URL('../../../../', import.meta.url)));

/** A process `basin start` supervises. */
export interface ServiceSpec {
  /** Tag printed before each of its log lines. */
  name: 'api' | 'web' | 'runner';
  /** Workspace folder, absolute: the child's working directory. */
  dir: string;
  /** Entry file (package.json `basin.service`), absolute. */
  entry: string;
  /** Variables for this service only, over the supervisor's. */
  env?: Record<string, string>;
}

const CANDIDATES: Array<{ name: ServiceSpec['name']; dir: string }> = [
  { name: 'api', dir: 'apps/api' },
  { name: 'web', dir: 'apps/web' },
  { name: 'runner', dir: 'gpu-runner' },
];

/**
 * The services present in this checkout: a workspace whose package.json names its entry in `basin.service`.
 * A workspace without one (not built yet) is reported as missing, not an error.
 */
export function discoverServices(root = REPO_ROOT): { present: ServiceSpec[]; missing: string[] } {
  const present: ServiceSpec[] = [];
  const missing: string[] = [];
  for (const c of CANDIDATES) {
    const pkgPath = join(root, c.dir, 'package.json');
    const entry = existsSync(pkgPath)
      ? (JSON.parse(readFileSync(pkgPath, 'utf8')) as { basin?: { service?: string } }).basin?.service
      : undefined;
    if (entry && existsSync(join(root, c.dir, entry)))
      present.push({ name: c.name, dir: join(root, c.dir), entry: join(root, c.dir, entry) });
    else missing.push(c.name);
  }
  return { present, missing };
}
