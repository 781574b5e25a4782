import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
/**
 * Chooses and starts the TF.js backend: tfjs-node-gpu, else tfjs-node, else wasm (with training kernels and
 * worker threads), else the plain JS `cpu` backend. `BASIN_BACKEND` forces one.
 */
import os from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { registerNativeKernels } from '../kernels/native';
import { registerWasmTrainingKernels } from '../kernels/register';
import { ensureGradients } from './gradients';
import { withWasmThreadsPatched } from './wasm-threads';

/** Backends Basin can run on, fastest first. */
export const BACKEND_NAMES = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] as const;
/** One of {@link BACKEND_NAMES}. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** What every run records about where it ran. */
export interface BackendInfo {
  /** The Basin name of the backend. */
  name: BackendName;
  /** The TF.js backend id (`tensorflow`, `wasm`, `cpu`). */
  tfBackend: string;
  /** Worker threads doing the math (wasm: the XNNPACK pool; cpu: 1; tfjs-node: the machine's cores). */
  threads: number;
  /** Whether the wasm build uses SIMD (wasm only). */
  simd?: boolean;
  /** Kernels Basin registered on top of the backend (the wasm training kernels). */
  customKernels: string[];
  /** `BASIN_BACKEND` or the `backend` option, when one was forced. */
  forced: string | null;
}

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /**
   * Force one backend (`tfjs-node-gpu`, `tfjs-node`, `wasm`, `cpu`; `node-gpu`, `node` and `tensorflow` are
   * accepted too). Default: `process.env.BASIN_BACKEND`, else the first that loads.
   */
  backend?: string;
  /** wasm worker threads. Default: the number of CPUs, at most 4. */
  threads?: number;
  /** Register Basin's wasm training kernels. Default true (the wasm backend cannot train convnets without them). */
  trainingKernels?: boolean;
}

const ALIASES: Record<string, BackendName> = {
  'tfjs-node-gpu': 'tfjs-node-gpu',
  'node-gpu': 'tfjs-node-gpu',
  gpu: 'tfjs-node-gpu',
  'tfjs-node': 'tfjs-node',
  node: 'tfjs-node',
  tensorflow: 'tfjs-node',
  wasm: 'wasm',
  cpu: 'cpu',
};

let current: BackendInfo | null = null;

/** Parses a backend name (or alias); throws naming the accepted values. */
export function parseBackendName(name: string): BackendName {
  const b = ALIASES[name.trim().toLowerCase()];
  if (!b)
    throw new Error(
      `unknown backend ${JSON.stringify(name)}; expected one of ${Object.keys(ALIASES).join(', ')}`,
    );
  return b;
}

// A variable specifier keeps TypeScript (and bundlers) from resolving packages that are optional.
async function importOptional(pkg: string): Promise<unknown> {
  return import(pkg);
}

/**
 * Where the package's native binding should be, if it was installed. tfjs-node's install script downloads
 * libtensorflow; where that failed (offline machines, npm skipping install scripts) the JS is there without it, and
 * importing it anyway registers ~150 kernels for a backend that then cannot start (a screenful of warnings).
 */
function nativeBindingPresent(pkg: string): boolean {
  let dir: string;
  try {
    dir = dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`));
  } catch {
    return false; // not installed at all: the import below says so
  }
  const lib = join(dir, 'lib');
  return (
    existsSync(lib) &&
    readdirSync(lib).some((d) => d.startsWith('napi-v') && existsSync(join(lib, d, 'tfjs_binding.node')))
  );
}

async function tryNode(pkg: '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node'): Promise<void> {
  try {
    createRequire(import.meta.url).resolve(`${pkg}/package.json`);
  } catch {
    throw new Error(`${pkg} is not installed`);
  }
  if (!nativeBindingPresent(pkg)) {
    throw new Error(
      `${pkg} is installed without its native TensorFlow binding (its install script downloads libtensorflow, which failed or was skipped)`,
    );
  }
  await importOptional(pkg);
  if (!(await tf.setBackend('tensorflow')))
    throw new Error(`${pkg} loaded but backend 'tensorflow' did not start`);
}

async function tryWasm(
  threads: number,
  kernels: boolean,
): Promise<{ threads: number; simd: boolean; kernels: string[] }> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const threaded = threads > 1 && simd && typeof SharedArrayBuffer !== 'undefined';
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', threaded);
  if (threaded) wasm.setThreadsCount(threads);
  const ok = threaded
    ? await withWasmThreadsPatched(threads, () => tf.setBackend('wasm'))
    : await tf.setBackend('wasm');
  if (!ok) throw new Error(`backend 'wasm' did not start`);
  if (threaded) unrefWasmWorkers();
  const registered = kernels ? registerWasmTrainingKernels() : [];
  if (kernels) registered.push(...registerNativeKernels()); // @basin/kernels where built; [] otherwise
  return { threads: wasm.getThreadsCount(), simd, kernels: registered };
}

/**
 * Lets the process exit while the wasm thread pool is alive: XNNPACK's pool threads are Emscripten pthreads, i.e.
 * Node workers kept referenced while they wait for work. Work is always driven synchronously from the main
 * thread, so unreferenced workers lose nothing.
 */
function unrefWasmWorkers(): void {
  const be = tf.engine().findBackend('wasm') as unknown as {
    wasm?: {
      PThread?: { runningWorkers?: { unref?: () => void }[]; unusedWorkers?: { unref?: () => void }[] };
    };
  } | null;
  const pt = be?.wasm?.PThread;
  for (const w of [...(pt?.runningWorkers ?? []), ...(pt?.unusedWorkers ?? [])]) w.unref?.();
}

/**
 * Starts the best available backend (or the forced one) and returns what was chosen.
 *
 * @remarks Idempotent: a second call returns the running backend's info unless a different backend is forced.
 * @throws when a forced backend cannot load, with the reason it gave.
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  const forcedRaw = options.backend ?? process.env.BASIN_BACKEND ?? '';
  const forced = forcedRaw.trim() === '' ? null : parseBackendName(forcedRaw);
  if (current && (forced === null || forced === current.name)) return current;
  if (current) await shutdownBackend();
  ensureGradients();
  const threads = Math.max(1, Math.floor(options.threads ?? Math.min(os.cpus().length, 4)));
  const kernels = options.trainingKernels ?? true;
  const order: BackendName[] = forced ? [forced] : [...BACKEND_NAMES];
  const failures: string[] = [];
  for (const name of order) {
    try {
      let info: BackendInfo;
      if (name === 'tfjs-node-gpu' || name === 'tfjs-node') {
        await tryNode(name === 'tfjs-node-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node');
        info = {
          name,
          tfBackend: 'tensorflow',
          threads: os.cpus().length,
          customKernels: [],
          forced: forcedRaw || null,
        };
      } else if (name === 'wasm') {
        const w = await tryWasm(threads, kernels);
        info = {
          name,
          tfBackend: 'wasm',
          threads: w.threads,
          simd: w.simd,
          customKernels: w.kernels,
          forced: forcedRaw || null,
        };
      } else {
        if (!(await tf.setBackend('cpu'))) throw new Error(`backend 'cpu' did not start`);
        info = { name, tfBackend: 'cpu', threads: 1, customKernels: [], forced: forcedRaw || null };
      }
      await tf.ready();
      current = info;
      return info;
    } catch (err) {
      const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
      failures.push(`${name}: ${msg}`);
      if (forced)
        throw new Error(`backend '${forcedRaw}' was forced but could not load: ${msg}`, { cause: err });
    }
  }
  throw new Error(`no TF.js backend could load (${failures.join('; ')})`);
}

/** The running backend, or null before {@link initBackend}. */
export function backendInfo(): BackendInfo | null {
  return current;
}

/**
 * Removes the running backend, freeing its memory and (wasm) terminating its worker threads. The backend stays
 * registered: {@link initBackend} may start it again.
 */
export async function shutdownBackend(): Promise<void> {
  if (!current) return;
  const id = current.tfBackend;
  current = null;
  if (!tf.findBackend(id)) return;
  const registry = (
    tf.engine() as unknown as {
      registryFactory: Record<
        string,
        { factory: () => tf.KernelBackend | Promise<tf.KernelBackend>; priority: number }
      >;
    }
  ).registryFactory;
  const entry = registry[id];
  tf.removeBackend(id);
  if (entry) tf.registerBackend(id, entry.factory, entry.priority);
}
