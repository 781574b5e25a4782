#!/usr/bin/env node
// Builds the native addon with node-gyp against the local Node headers. Never fails the build: where node-gyp,
// a compiler or the headers are missing it prints one line and exits 0 (Basin then runs on its JS/wasm paths).
// BASIN_KERNELS=off skips the build.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const say = (msg) => process.stderr.write(`[kernels] ${msg}\n`);

if ((process.env.BASIN_KERNELS ?? '').toLowerCase() === 'off') {
  say('BASIN_KERNELS=off: native kernels not built');
  process.exit(0);
}

// node-gyp: the one npm runs scripts with, else npm's bundled copy next to this node, else one on PATH.
function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(
      dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
    process.env.npm_execpath &&
      join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  for (const c of candidates) if (c && existsSync(c)) return [process.execPath, c];
  return ['node-gyp'];
}

// Node's own headers, so nothing is downloaded: <prefix>/include/node/node_api.h.
function localNodeDir() {
  const configured = process.env.npm_config_nodedir;
  if (configured && existsSync(join(configured, 'include', 'node', 'node_api.h'))) return configured;
  const prefix = resolve(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? prefix : null;
}

// Up to date: the addon is newer than every source (turbo's cache usually answers first).
const addon = join(root, 'build', 'Release', 'basin_kernels.node');
const sources = [
  join(root, 'binding.gyp'),
  ...readdirSync(join(root, 'native')).map((f) => join(root, 'native', f)),
];
const fresh = () =>
  existsSync(addon) &&
  sources.every((f) => statSync(f).mtimeMs <= statSync(addon).mtimeMs) &&
  !process.argv.includes('--force');

// One build at a time per checkout (parallel turbo runs would delete each other's build directory).
const lock = join(
  tmpdir(),
  `basin-kernels-${createHash('sha1').update(root).digest('hex').slice(0, 12)}.lock`,
);
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
for (let waited = 0; ; waited += 500) {
  try {
    mkdirSync(lock);
    break;
  } catch {
    if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 10 * 60 * 1000)
      rmSync(lock, { recursive: true, force: true });
    if (waited > 15 * 60 * 1000) {
      say('native kernels not built: another build holds the lock');
      process.exit(0);
    }
    sleep(500);
  }
}
process.on('exit', () => rmSync(lock, { recursive: true, force: true }));
if (fresh()) {
  say('native kernels up to date');
  process.exit(0);
}

const nodedir = localNodeDir();
const [cmd, ...pre] = findNodeGyp();
const args = [...pre, 'rebuild', '--release', `--jobs=${process.env.BASIN_KERNELS_JOBS ?? 2}`];
if (nodedir) args.push(`--nodedir=${nodedir}`);
const started = Date.now();
const r = spawnSync(cmd, args, {
  cwd: root,
  encoding: 'utf8',
  env: { ...process.env, npm_config_nodedir: nodedir ?? process.env.npm_config_nodedir },
  timeout: 15 * 60 * 1000,
});
const built = existsSync(join(root, 'build', 'Release', 'basin_kernels.node'));
if (r.status === 0 && built) {
  say(
    `native kernels built in ${((Date.now() - started) / 1000).toFixed(1)} s (node-gyp, headers ${nodedir ?? 'from node-gyp'})`,
  );
} else {
  const why =
    r.error?.message ??
    (r.stderr || r.stdout || '')
      .trim()
      .split('\n')
      .filter((l) => /error/i.test(l))[0] ??
    `exit ${r.status}`;
  say(`native kernels not built (falling back to JS/wasm): ${why.slice(0, 200)}`);
  if (process.env.BASIN_KERNELS_VERBOSE) process.stderr.write(`${r.stdout}\n${r.stderr}\n`);
}
process.exit(0);
