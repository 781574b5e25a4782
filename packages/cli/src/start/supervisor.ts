import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { ServiceSpec } from './services';

export interface SupervisedOptions {
  env: NodeJS.ProcessEnv;
  /** Where prefixed child output goes. */
  out: NodeJS.WritableStream;
  /** Restarts of a crashed service before giving up on it. Default 5. */
  maxRestarts?: number;
}

/**
 * Runs service processes, prefixes their output, restarts a crashed one with backoff, and stops them all.
 * @remarks Each child gets its own process group so a stop reaches its grandchildren too (Next.js spawns workers),
 * and BASIN_SUPERVISOR_PID so it exits by itself if this process is killed outright.
 */
export class Supervisor {
  private children = new Map<string, { spec: ServiceSpec; child: ChildProcess; restarts: number }>();
  private stopping = false;

  constructor(private readonly options: SupervisedOptions) {}

  start(spec: ServiceSpec, id: string = spec.name, restarts = 0): void {
    const args = spec.entry.endsWith('.ts') ? ['--import', 'tsx', spec.entry] : [spec.entry];
    const child = spawn(process.execPath, args, {
      cwd: spec.dir,
      env: {
        ...this.options.env,
        ...spec.env,
        BASIN_SUPERVISOR_PID: String(process.pid),
        BASIN_SERVICE_ID: id,
        FORCE_COLOR: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const prefix = (stream: NodeJS.ReadableStream) =>
      createInterface({ input: stream }).on('line', (line) => {
        this.options.out.write(line.startsWith('[') ? `${line}\n` : `[${id}] ${line}\n`);
      });
    prefix(child.stdout!);
    prefix(child.stderr!);
    this.children.set(id, { spec, child, restarts });
    child.on('exit', (code, signal) => {
      if (this.children.get(id)?.child !== child) return;
      this.children.delete(id);
      if (this.stopping) return;
      const max = this.options.maxRestarts ?? 5;
      if (code === 2) {
        this.options.out.write(`[basin] ${id} exited on a configuration error; not restarting it\n`);
        return;
      }
      if (restarts >= max) {
        this.options.out.write(
          `[basin] ${id} exited (${signal ?? code}) ${restarts} times; giving up on it\n`,
        );
        return;
      }
      const delay = Math.min(30_000, 1000 * 2 ** restarts);
      this.options.out.write(
        `[basin] ${id} exited (${signal ?? `code ${code}`}); restarting in ${delay / 1000} s\n`,
      );
      setTimeout(() => {
        if (!this.stopping) this.start(spec, id, restarts + 1);
      }, delay).unref();
    });
  }

  /** Process ids of the running children. */
  pids(): number[] {
    return [...this.children.values()].map((c) => c.child.pid!).filter(Boolean);
  }

  /** SIGTERM to every child's group, then SIGKILL after `graceMs`. Resolves when all have exited. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    const waits = [...this.children.values()].map(
      ({ child }) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          signalGroup(child, 'SIGTERM');
          setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs).unref();
        }),
    );
    await Promise.all(waits);
    // grandchildren left in a group whose leader exited
    for (const { child } of this.children.values()) signalGroup(child, 'SIGKILL');
    this.children.clear();
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}
