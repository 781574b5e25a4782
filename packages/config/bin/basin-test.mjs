#!/usr/bin/env node
// Runs a workspace's tests with Node's own test runner and tsx, so TypeScript runs unbuilt.
// Usage: basin-test [dir-or-file …]   (default: src test)
// Why a launcher: Node 20's `--test` does not expand globs, and npm scripts run under sh (no `**`).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const args = process.argv.slice(2);
const passthrough = args.filter((a) => a.startsWith('--'));
const roots = args.filter((a) => !a.startsWith('--'));
if (roots.length === 0) roots.push('src', 'test');

const files = [];
const walk = (p) => {
  const st = statSync(p);
  if (st.isDirectory()) {
    for (const name of readdirSync(p).sort()) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      walk(join(p, name));
    }
  } else if (/\.test\.(ts|tsx|mts)$/.test(p)) files.push(p);
};
for (const r of roots) if (existsSync(r)) walk(resolve(r));

if (files.length === 0) {
  console.error(`basin-test: no *.test.ts files under ${roots.join(', ')} in ${process.cwd()}`);
  process.exit(1);
}

const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', ...passthrough, ...files],
  { stdio: 'inherit', env: process.env },
);
const forward = (sig) => () => child.kill(sig);
process.on('SIGINT', forward('SIGINT'));
process.on('SIGTERM', forward('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
