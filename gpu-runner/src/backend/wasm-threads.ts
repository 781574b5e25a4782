/**
 * Multithreaded tfjs-backend-wasm under Node.
 *
 * @remarks tfjs-backend-wasm 4.22 refuses threads in Node (its `WASM_HAS_MULTITHREAD_SUPPORT` flag returns false
 * there), and forcing the flag is not enough, for three reasons this module works around while the backend
 * initialises:
 * 1. The pthread worker script and the main script are handed to Emscripten as `Blob` URLs, which Node's
 *    `worker_threads` cannot load. A stand-in `Blob` writes each script to a file under the OS temp directory
 *    (named by its content hash, so concurrent processes share it) and `URL.createObjectURL` returns that path;
 *    a shim at the top of the worker script does the same for the main script it receives by message.
 * 2. The main script is the Emscripten factory's source as bundled by rollup, so it refers to the bundle's
 *    `require$$N` and `commonjsGlobal` names; the file defines them.
 * 3. The C++ side caps its thread pool at `emscripten_num_logical_cores() / 2` (`os.cpus().length / 2`, so 1 on
 *    a 2-vCPU machine); `os.cpus` reports `2 × threads` entries during initialisation.
 * Everything patched is restored before this returns. The caller unreferences the pool's workers so that they do
 * not keep the process alive (see `backend.ts`).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

const WORKER_SHIM =
  '"use strict";{const o=URL.createObjectURL;URL.createObjectURL=(b)=>b&&typeof b.basinPath==="string"?b.basinPath:o(b);' +
  'const r=URL.revokeObjectURL;URL.revokeObjectURL=(u)=>{if(typeof u==="string"&&u.startsWith("blob:"))r(u)};}\n';
const MAIN_PRELUDE =
  'var require$$0=require("fs"),require$$1=require("path"),require$$3=require("perf_hooks"),' +
  'require$$4=require("os"),commonjsGlobal=globalThis;\n';

class FileBlob {
  readonly basinPath: string;
  constructor(parts: unknown[], options?: { type?: string }) {
    const body = parts.map(String).join('');
    const text = (options?.type === 'application/javascript' ? WORKER_SHIM : MAIN_PRELUDE) + body;
    const dir = join(os.tmpdir(), 'basin-wasm');
    mkdirSync(dir, { recursive: true });
    const hash = createHash('sha256').update(text).digest('hex').slice(0, 20);
    this.basinPath = join(dir, `${hash}.cjs`);
    // Content-addressed: an existing file already holds `text`. Otherwise write a private temporary file and
    // rename it, so runners starting at once never load a script another process is still writing.
    if (!existsSync(this.basinPath)) {
      const tmp = `${this.basinPath}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      writeFileSync(tmp, text);
      renameSync(tmp, this.basinPath);
    }
  }
}

/**
 * Runs `init` (which must call `tf.setBackend('wasm')`) with Node's globals patched so that the threaded SIMD
 * build starts with `threads` worker threads.
 */
export async function withWasmThreadsPatched<T>(threads: number, init: () => Promise<T>): Promise<T> {
  const g = globalThis as unknown as { Blob: unknown };
  const origBlob = g.Blob;
  const origCreate = URL.createObjectURL;
  const origCpus = os.cpus;
  const cpu = origCpus()[0];
  g.Blob = FileBlob;
  URL.createObjectURL = ((b: unknown) =>
    b instanceof FileBlob ? b.basinPath : origCreate(b as Blob)) as typeof URL.createObjectURL;
  (os as { cpus: typeof os.cpus }).cpus = () => Array.from({ length: 2 * threads }, () => cpu!);
  try {
    return await init();
  } finally {
    g.Blob = origBlob;
    URL.createObjectURL = origCreate;
    (os as { cpus: typeof os.cpus }).cpus = origCpus;
  }
}
