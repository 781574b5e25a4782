/**
 * `@basin/kernels`: native CPU kernels (a project-owned N-API addon in C++) — packed SGEMM/DGEMM with runtime
 * AVX-512 / AVX2+FMA / portable dispatch on a persistent thread pool, NHWC convolution passes and the element-wise
 * ops around them (broadcast arithmetic, ReLU / step, float64-accumulated sums) — with plain-JS
 * fallbacks, so nothing breaks where the addon was not built (`npm run build -w @basin/kernels`) or
 * `BASIN_KERNELS=off`.
 */
import { addon, addonState } from './addon';

export type { NativeAddon } from './addon';
export { addonState, defaultAddonPath, resetAddonForTests } from './addon';
export type { BuildOutcome } from './build';
export { ensureBuilt } from './build';
export type { CentreArgs } from './centre';
export { centre, columnSums } from './centre';
export type { ConvGeometry, ConvPadding } from './conv';
export { conv2d, conv2dBackpropFilter, conv2dBackpropInput, convGeometry } from './conv';
export type { BinaryArgs, BinaryOp, Broadcast, UnaryOp } from './eltwise';
export { binary, reduceSum, reluGrad, unary } from './eltwise';
export type { GemmArgs } from './gemm';
export { dgemm, gemmJs, sgemm } from './gemm';

/** Whether the native addon is loaded (the first call loads it and logs one line when it cannot). */
export function available(): boolean {
  return addon() !== null;
}

/** What runs the kernels. */
export interface KernelsInfo {
  /** `native` or `js` (the fallback). */
  impl: 'native' | 'js';
  /** Instruction set the native micro-kernels use: `avx512`, `avx2`, `generic`; null for `js`. */
  isa: string | null;
  /** Threads the native kernels use (1 for `js`). */
  threads: number;
  /** Why the addon is not used, when it is not. */
  reason: string | null;
}

/** The implementation, ISA and threads in use. */
export function info(): KernelsInfo {
  const s = addonState();
  if (!s.addon) return { impl: 'js', isa: null, threads: 1, reason: s.reason };
  const i = s.addon.info();
  return { impl: 'native', isa: i.isa, threads: i.threads, reason: null };
}

/**
 * Restricts the native kernels to an instruction set (`avx512`, `avx2`, `generic`, or `best`), e.g. to test every
 * path on one machine. Returns false when the CPU lacks it or the addon is not loaded.
 */
export function useIsa(isa: 'best' | 'avx512' | 'avx2' | 'generic'): boolean {
  return addon()?.setIsa(isa) ?? false;
}

/** Sets the native thread pool's size (default: CPUs, or `BASIN_KERNELS_THREADS`); returns the size in effect. */
export function setThreads(threads: number): number {
  return addon()?.setThreads(threads) ?? 1;
}
