import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// SQL lives in packages/db: every other workspace's shipped code reads and writes through its functions, so a
// column or a status is spelled in one place. Tests and benchmarks may set up rows with SQL of their own.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** A postgres.js tagged template that starts with an SQL statement: sql`select …`, tx<Row[]>`update …`. */
const SQL_TEMPLATE =
  /\b(?:sql|tx|t|db|\w+\.sql)(?:<[^`]*?>)?`\s*(?:select|insert|update|delete|with|create|alter|drop|lock|notify|listen|begin|truncate|copy)\b/gi;

const isTest = (p: string) => /\.test(-helper)?\.tsx?$|\.test\.mts$/.test(p) || /[\\/]test[\\/]/.test(p);

function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* sources(p);
    else if (/\.(ts|tsx|mts)$/.test(name) && !isTest(p)) yield p;
  }
}

/** The `src` folders of every workspace but packages/db. */
function shippedSourceRoots(): string[] {
  const out: string[] = [join(root, 'gpu-runner', 'src')];
  for (const group of ['apps', 'packages'])
    for (const name of readdirSync(join(root, group)))
      if (!(group === 'packages' && name === 'db')) out.push(join(root, group, name, 'src'));
  return out.filter((p) => {
    try {
      return statSync(p).isDirectory();
    } catch {
      return false;
    }
  });
}

test('the detector finds a statement in a tagged template and ignores prose', () => {
  const hits = (s: string) => s.match(SQL_TEMPLATE)?.length ?? 0;
  assert.equal(hits('await env.sql`select 1`'), 1);
  assert.equal(hits('await tx<{ id: string }[]>`\n  update runs set status = 1`'), 1);
  assert.equal(hits('const m = `select a run`; log(`update the run`)'), 0);
});

test('no SQL outside packages/db (shipped code of every other workspace)', () => {
  const roots = shippedSourceRoots();
  assert.ok(
    roots.length >= 6,
    `found the workspaces' sources: ${roots.map((r) => relative(root, r)).join(', ')}`,
  );
  const offenders: string[] = [];
  for (const dir of roots)
    for (const file of sources(dir)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(SQL_TEMPLATE)) {
        const line = text.slice(0, m.index).split('\n').length;
        offenders.push(`${relative(root, file)}:${line}: ${m[0].replace(/\s+/g, ' ').slice(0, 60)}`);
      }
    }
  assert.deepEqual(offenders, [], 'move these statements into a packages/db function');
});
