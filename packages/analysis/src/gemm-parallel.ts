/**
 * Splits one GEMM across worker threads by columns of C, keeping the call synchronous: the matrices live in
 * SharedArrayBuffers, each worker runs the same SIMD routine ({@link gemmWasmRange}, shipped as source), and the
 * calling thread computes its own share, then blocks on an Atomics counter until the workers are done.
 *
 * @remarks Used only for large products on SharedArrayBuffer-backed arrays (CKA allocates its buffers that way)
 * when more than one core is available; `BASIN_THREADS=1` turns it off. Workers are unref'd, so they never keep a
 * process alive.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type GemmOptions, gemmWasmRange, pack, WASM_BLOCKING } from './gemm';
import { wasmKernel, wasmModuleBytes } from './gemm-wasm';

/** How long the first parallel GEMM waits for its workers to start before giving up on threads. */
const STARTUP_MS = 5000;

/** Below this many multiply-adds a product runs on the calling thread (posting work costs ~0.1 ms). */
const MIN_WORK = 2e7;

interface Pool {
  workers: Worker[];
  ctl: Int32Array;
}

let pool: Pool | null | undefined;

/** Threads a GEMM may use: `BASIN_THREADS`, else the available parallelism (at most 8). */
export function gemmThreads(): number {
  const env = Number(process.env.BASIN_THREADS);
  if (Number.isInteger(env) && env >= 1) return env;
  return Math.min(8, Math.max(1, availableParallelism()));
}

function workerSource(): string {
  return `
const { parentPort, workerData } = require('node:worker_threads');
const pack = ${pack.toString()};
const gemmWasmRange = ${gemmWasmRange.toString()};
const inst = new WebAssembly.Instance(new WebAssembly.Module(workerData.wasm));
const w = { kernel: inst.exports.kernel, memory: inst.exports.mem };
const ctl = workerData.ctl;
Atomics.add(ctl, 2, 1);
Atomics.notify(ctl, 2);
parentPort.on('message', (job) => {
  try {
    gemmWasmRange(w, job.a, job.b, job.m, job.n, job.k, job.c, job.opts, job.jStart, job.jEnd, job.cfg, pack);
  } catch (err) {
    Atomics.store(ctl, 1, 1);
  }
  Atomics.add(ctl, 0, 1);
  Atomics.notify(ctl, 0);
});
`;
}

function getPool(): Pool | null {
  if (pool !== undefined) return pool;
  pool = null;
  const threads = gemmThreads();
  if (threads < 2 || !wasmKernel() || typeof SharedArrayBuffer === 'undefined') return pool;
  try {
    // ctl[0]: jobs finished, ctl[1]: a job failed, ctl[2]: workers started
    const ctl = new Int32Array(new SharedArrayBuffer(12));
    const wasm = wasmModuleBytes();
    const workers = Array.from({ length: threads - 1 }, () => {
      const w = new Worker(workerSource(), { eval: true, workerData: { wasm, ctl }, execArgv: [] });
      w.unref();
      // a worker that dies takes threading down with it (the callers then run alone), never the process
      w.on('error', () => {
        pool = null;
      });
      return w;
    });
    // A worker that cannot start (say, bundled code it cannot run) must not leave callers waiting: give them a few
    // seconds, else run everything on the calling thread.
    const deadline = Date.now() + STARTUP_MS;
    for (let ready = Atomics.load(ctl, 2); ready < workers.length; ready = Atomics.load(ctl, 2)) {
      if (Date.now() > deadline) {
        for (const w of workers) void w.terminate();
        return pool;
      }
      Atomics.wait(ctl, 2, ready, 50);
    }
    pool = { workers, ctl };
  } catch {
    pool = null;
  }
  return pool;
}

const shared = (x: Float64Array) => x.buffer instanceof SharedArrayBuffer;

/** A Float64Array on a SharedArrayBuffer when threads may be used, else an ordinary one. */
export function sharedFloat64(length: number): Float64Array {
  return gemmThreads() > 1 && typeof SharedArrayBuffer !== 'undefined'
    ? new Float64Array(new SharedArrayBuffer(length * 8))
    : new Float64Array(length);
}

/** Column boundaries giving each part equal work (upper: column j costs j + 1 rows). */
function split(n: number, parts: number, upper: boolean): number[] {
  const cuts = [0];
  for (let p = 1; p < parts; p++) {
    const f = upper ? Math.sqrt(p / parts) : p / parts;
    cuts.push(Math.min(n, Math.max(cuts[p - 1]!, Math.round((f * n) / 4) * 4)));
  }
  cuts.push(n);
  return cuts;
}

/**
 * Tries to run `C += AᵀB` on several threads; returns false (doing nothing) when that is not possible or not worth
 * it, so the caller runs it itself.
 */
export function gemmTNParallel(
  a: Float64Array,
  b: Float64Array,
  m: number,
  n: number,
  k: number,
  c: Float64Array,
  opts: GemmOptions,
): boolean {
  const work = opts.upper ? (m * n * k) / 2 : m * n * k;
  if (work < MIN_WORK || n < 64 || !shared(a) || !shared(b) || !shared(c)) return false;
  const p = getPool();
  const w = wasmKernel();
  if (!p || !w) return false;
  const parts = p.workers.length + 1;
  const cuts = split(n, parts, opts.upper ?? false);
  const { ctl } = p;
  Atomics.store(ctl, 0, 0);
  Atomics.store(ctl, 1, 0);
  const cleanOpts: GemmOptions = { ...opts };
  let posted = 0;
  for (let i = 1; i < parts; i++) {
    const jStart = cuts[i]!;
    const jEnd = cuts[i + 1]!;
    if (jEnd <= jStart) continue;
    p.workers[i - 1]!.postMessage({ a, b, c, m, n, k, opts: cleanOpts, jStart, jEnd, cfg: WASM_BLOCKING });
    posted++;
  }
  if (cuts[1]! > 0) gemmWasmRange(w, a, b, m, n, k, c, opts, 0, cuts[1]!, WASM_BLOCKING, pack);
  const deadline = Date.now() + 600_000;
  for (let done = Atomics.load(ctl, 0); done < posted; done = Atomics.load(ctl, 0)) {
    if (Date.now() > deadline) throw new Error('gemm worker threads stopped responding');
    Atomics.wait(ctl, 0, done, 1000);
  }
  if (Atomics.load(ctl, 1)) throw new Error('a gemm worker thread failed');
  return true;
}
