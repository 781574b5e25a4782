import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// turbo orders builds and tests by the dependencies each package.json declares; an import of a workspace that is
// not declared is an edge turbo cannot see (and a cycle it would reject). Every file counts: src, tests, benches.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

interface Workspace {
  dir: string;
  name: string;
  declared: Set<string>;
}

function workspaces(): Workspace[] {
  const dirs = ['gpu-runner', 'e2e'];
  for (const group of ['apps', 'packages'])
    for (const name of readdirSync(join(root, group))) dirs.push(join(group, name));
  return dirs.flatMap((d) => {
    let pkg: Record<string, Record<string, string> | string>;
    try {
      pkg = JSON.parse(readFileSync(join(root, d, 'package.json'), 'utf8'));
    } catch {
      return [];
    }
    const deps = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'].flatMap(
      (k) => Object.keys((pkg[k] as Record<string, string> | undefined) ?? {}),
    );
    return [{ dir: join(root, d), name: pkg.name as string, declared: new Set(deps) }];
  });
}

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (/\.(ts|tsx|mts|mjs|js)$/.test(name)) yield p;
  }
}

/** Workspace packages a source file imports (static, dynamic and type imports, re-exports). */
const BASIN_IMPORT = /(?:from\s+|import\s*\(\s*|import\s+)['"](@basin\/[a-z0-9-]+)/g;

test('every @basin/* import is a declared dependency of the importing workspace', () => {
  const all = workspaces();
  assert.ok(all.length >= 8, `found the workspaces: ${all.map((w) => w.name).join(', ')}`);
  const names = new Set(all.map((w) => w.name));
  const undeclared: string[] = [];
  for (const w of all)
    for (const sub of ['src', 'test', 'tests', 'bench', 'scripts', 'bin']) {
      const dir = join(w.dir, sub);
      try {
        if (!statSync(dir).isDirectory()) continue;
      } catch {
        continue;
      }
      for (const file of files(dir))
        for (const m of readFileSync(file, 'utf8').matchAll(BASIN_IMPORT)) {
          const dep = m[1]!;
          if (dep !== w.name && names.has(dep) && !w.declared.has(dep))
            undeclared.push(`${relative(root, file)} imports ${dep}, which ${w.name} does not declare`);
        }
    }
  assert.deepEqual(undeclared, []);
});
