/**
 * Which folders datasets may be read from: `BASIN_DATA_ROOTS`, a list of absolute folders (separated by `:` — `;`
 * on Windows). The API checks a registered dataset's folder against it and a runner checks again before reading
 * (the two may run on different machines), so no caller can make a runner read an arbitrary path. The packaged
 * datasets (MNIST, Fashion-MNIST, synthetic domains) have no folder and need none.
 */
import { realpathSync } from 'node:fs';
import { delimiter, isAbsolute, relative, resolve, sep } from 'node:path';

/** A dataset folder outside the allowed roots; `field` names the input it came from. */
export class DataRootError extends Error {
  override name = 'DataRootError';
  constructor(
    readonly field: string,
    readonly value: string,
    readonly roots: readonly string[],
    reason: string,
  ) {
    super(
      `${field}: ${reason}; ${
        roots.length
          ? `dataset folders must be inside BASIN_DATA_ROOTS (${roots.join(', ')})`
          : 'no dataset folders are allowed: set BASIN_DATA_ROOTS to the folders that hold your datasets (e.g. /data/domainnet:/data/chexpert)'
      }`,
    );
  }
}

/** The configured roots, absolute and normalised, in order (empty when unset). */
export function dataRoots(env: NodeJS.ProcessEnv): string[] {
  const raw = env.BASIN_DATA_ROOTS?.trim() ?? '';
  if (!raw) return [];
  return raw
    .split(delimiter)
    .map((r) => r.trim())
    .filter(Boolean)
    .map((r) => resolve(r));
}

const inside = (root: string, path: string) => {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
};

/** The real path of `p` (symlinks resolved), or null when it does not exist here. */
function real(p: string): string | null {
  try {
    return realpathSync(p);
  } catch {
    return null;
  }
}

/**
 * `path` if it is an absolute folder inside one of `roots` without `..` segments and, where it exists on this
 * machine, still inside once symlinks are resolved (a link out of the root is refused). `mustExist` (a runner about
 * to read it) also refuses a folder that is not there.
 * @throws DataRootError naming `field` and the allowed roots.
 */
export function confineDataRoot(
  field: string,
  path: string,
  roots: readonly string[],
  options: { mustExist?: boolean } = {},
): string {
  const fail = (reason: string): never => {
    throw new DataRootError(field, path, roots, reason);
  };
  if (!isAbsolute(path)) fail(`expected an absolute folder, got ${JSON.stringify(path)}`);
  if (path.split(/[\\/]+/).includes('..')) fail(`${JSON.stringify(path)} contains '..'`);
  if (roots.length === 0) fail(`${JSON.stringify(path)} is not allowed`);
  const lexical = resolve(path);
  if (!roots.some((r) => inside(r, lexical))) fail(`${JSON.stringify(path)} is outside the allowed roots`);
  const target = real(lexical);
  if (target === null) {
    if (options.mustExist) fail(`${JSON.stringify(path)} does not exist on this machine`);
    return lexical;
  }
  const realRoots = roots.map((r) => real(r) ?? r);
  if (!realRoots.some((r) => inside(r, target)))
    fail(`${JSON.stringify(path)} leads to ${target} (through a symbolic link), outside the allowed roots`);
  return lexical;
}
