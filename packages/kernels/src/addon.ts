/**
 * Loads the native addon (`build/Release/basin_kernels.node`) once, synchronously, or records why it is not there.
 *
 * @remarks `BASIN_KERNELS=off` disables it; `BASIN_KERNELS_ADDON` points at another file (tests use it to
 * simulate a broken build). The outcome is logged once, on first use.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '@basin/service';

/** What the C++ side exports (see native/addon.cc). Arguments are checked there; errors are RangeErrors. */
export interface NativeAddon {
  sgemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Float32Array,
    lda: number,
    b: Float32Array,
    ldb: number,
    beta: number,
    c: Float32Array,
    ldc: number,
    upper: boolean,
  ): void;
  dgemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Float64Array,
    lda: number,
    b: Float64Array,
    ldb: number,
    beta: number,
    c: Float64Array,
    ldc: number,
    upper: boolean,
  ): void;
  conv2d(x: Float32Array, filter: Float32Array, y: Float32Array, geometry: Float64Array): void;
  conv2dBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, geometry: Float64Array): void;
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, df: Float32Array, geometry: Float64Array): void;
  /** op: 0 add, 1 sub, 2 mul, 3 div; modes: 0 full, 1 scalar, 2 row, 3 column. */
  binary(
    op: number,
    a: Float32Array,
    aMode: number,
    b: Float32Array,
    bMode: number,
    out: Float32Array,
    outer: number,
    inner: number,
  ): void;
  /** op: 0 relu, 1 step. */
  unary(op: number, x: Float32Array, out: Float32Array, n: number, alpha: number): void;
  reduceSum(x: Float32Array, out: Float32Array, A: number, B: number, C: number, scale: number): void;
  reluGrad(dy: Float32Array, x: Float32Array, out: Float32Array, n: number): void;
  centre(
    src: Float32Array | Float64Array,
    srcOffset: number,
    srcStride: number,
    rows: number,
    cols: number,
    mean: Float64Array,
    out: Float64Array,
    outStride: number,
  ): void;
  columnSums(src: Float32Array | Float64Array, rows: number, cols: number, out: Float64Array): void;
  info(): { isa: string; threads: number; vectorBits: number };
  setIsa(isa: string): boolean;
  setThreads(threads: number): number;
}

/** The addon and, when it is missing, why. */
export interface AddonState {
  addon: NativeAddon | null;
  reason: string | null;
}

const log = createLogger('kernels');
let state: AddonState | null = null;

/** The default location of the built addon. */
export function defaultAddonPath(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', 'build', 'Release', 'basin_kernels.node');
}

function tryLoad(): AddonState {
  const env = (process.env.BASIN_KERNELS ?? '').trim().toLowerCase();
  if (env === 'off' || env === '0' || env === 'false')
    return { addon: null, reason: 'disabled by BASIN_KERNELS=off' };
  const path = process.env.BASIN_KERNELS_ADDON || defaultAddonPath();
  try {
    const addon = createRequire(import.meta.url)(path) as NativeAddon;
    if (typeof addon.sgemm !== 'function' || typeof addon.info !== 'function')
      return { addon: null, reason: `${path} is not the Basin kernels addon` };
    if (
      typeof addon.binary !== 'function' ||
      typeof addon.reduceSum !== 'function' ||
      typeof addon.centre !== 'function' ||
      typeof addon.reluGrad !== 'function'
    )
      return {
        addon: null,
        reason: `${path} is an older build of the addon (run \`npm run build -w @basin/kernels\`)`,
      };
    addon.info();
    return { addon, reason: null };
  } catch (err) {
    const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
    const missing = (err as { code?: string }).code === 'MODULE_NOT_FOUND';
    return {
      addon: null,
      reason: missing
        ? 'addon not built (run `npm run build -w @basin/kernels`)'
        : `addon failed to load: ${msg}`,
    };
  }
}

/** The loaded addon (first call loads it and logs one line), or null with the reason in {@link addonState}. */
export function addon(): NativeAddon | null {
  if (!state) {
    state = tryLoad();
    if (state.addon) {
      const i = state.addon.info();
      log.debug(`native kernels: ${i.isa}, ${i.threads} threads`);
    } else log.info(`native kernels off, using the JS/wasm paths: ${state.reason}`);
  }
  return state.addon;
}

/** The load outcome (loads first if needed). */
export function addonState(): AddonState {
  addon();
  return state as AddonState;
}

/** Forgets the load outcome so the next call loads again (tests: BASIN_KERNELS and BASIN_KERNELS_ADDON). */
export function resetAddonForTests(): void {
  state = null;
}
