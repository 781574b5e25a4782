import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('../../', import.meta.url)));
export const BASIN_BIN = resolve(ROOT, 'packages/cli/bin/basin.mjs');

/** A free TCP port on this machine. */
export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, () => {
      const addr = s.address();
      s.close(() => res(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

/** A `basin` process with its output collected and helpers to wait on it. */
export interface BasinProcess {
  child: ChildProcess;
  /** Unique value in the process tree's environment: finds every descendant, orphaned or not. */
  mark: string;
  output(): string;
  waitFor(pattern: RegExp, ms?: number): Promise<string>;
  exited(ms?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started = new Set<ChildProcess>();
const databases: Array<() => Promise<void>> = [];

/**
 * The DATABASE_URL a test's Basin should use: '' (the embedded default) normally; with DATABASE_URL set (CI's
 * second pass), a fresh database on that server, dropped by {@link killAll}.
 */
export async function databaseForTest(): Promise<string> {
  if (!process.env.DATABASE_URL) return '';
  const { createTestDatabase } = await import('@basin/db');
  const db = await createTestDatabase({ migrate: false });
  await db.sql.end();
  databases.push(() => db.close());
  return db.url;
}

/** Kills every basin a test started and did not stop (a failed assertion must not leave a server running). */
export async function killAll(): Promise<void> {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  started.clear();
  for (const drop of databases.splice(0)) await drop().catch(() => {});
}

export function runBasin(args: string[], env: NodeJS.ProcessEnv): BasinProcess {
  const mark = randomBytes(6).toString('hex');
  const child = spawn(process.execPath, [BASIN_BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env, BASIN_E2E_MARK: mark },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    child.on('exit', (code, signal) => res({ code, signal })),
  );
  return {
    child,
    mark,
    output: () => out,
    async waitFor(pattern, ms = 60_000) {
      const t0 = Date.now();
      for (;;) {
        const m = pattern.exec(out);
        if (m) return m[0];
        if (child.exitCode !== null)
          throw new Error(`basin exited (${child.exitCode}) before ${pattern}:\n${out}`);
        if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${pattern}:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async exited(ms = 30_000) {
      const timer = new Promise<never>((_, rej) =>
        setTimeout(() => rej(new Error(`basin did not exit within ${ms} ms:\n${out}`)), ms).unref(),
      );
      return Promise.race([exit, timer]);
    },
  };
}

/** Pids of live processes whose environment carries BASIN_E2E_MARK=mark. */
export function processesWithMark(mark: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const env = readFileSync(`/proc/${name}/environ`, 'latin1');
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      if (/\) Z /.test(stat)) continue; // zombie: already dead
      if (env.includes(`BASIN_E2E_MARK=${mark}`)) pids.push(Number(name));
    } catch {
      // process ended while we looked
    }
  }
  return pids;
}

export async function waitUntil(
  cond: () => boolean | Promise<boolean>,
  ms: number,
  what: string,
): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
