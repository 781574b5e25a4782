/**
 * Replaces a backend's kernel with Basin's, keeping the kernel registered before it as the fallback for the
 * cases Basin's does not cover.
 *
 * @remarks The replacement carries the fallback's `setupFunc` and `disposeFunc`. The engine calls them on the
 * *registered* config each time the backend is created or removed, and the wasm kernels bind their `cwrap`ped
 * functions there: a replacement without them left the fallback bound to the first wasm instance, so after
 * `shutdownBackend()` and a new `initBackend()` it called into a dead module (`RuntimeError: Aborted()`).
 */
import {
  getKernel,
  type KernelConfig,
  type KernelFunc,
  registerKernel,
  type TensorInfo,
  unregisterKernel,
} from '@tensorflow/tfjs-core';

/** A kernel function's argument. */
export type KernelArgs = Parameters<KernelFunc>[0];
type KernelResult = TensorInfo | TensorInfo[];

/** Basin's kernel: handles `args`, or hands them to `fallback` (the kernel registered before). */
export type KernelOverride = (args: KernelArgs, fallback: (args: KernelArgs) => KernelResult) => KernelResult;

// `${layer} ${backend} ${kernel}` → the kernel registered before that layer's first override (null: none). Kept
// from the first call, so registering again (a new backend instance) never takes Basin's own kernel as fallback.
const before = new Map<string, KernelConfig | null>();

/**
 * Registers `impl` as kernel `name` of `backendName`. `layer` names the set of overrides (each set keeps its own
 * fallbacks, so two sets can stack: native kernels over Basin's wasm training kernels over the backend's own).
 * Idempotent.
 */
export function overrideKernel(layer: string, name: string, backendName: string, impl: KernelOverride): void {
  const key = `${layer} ${backendName} ${name}`;
  if (!before.has(key)) before.set(key, getKernel(name, backendName) ?? null);
  const prev = before.get(key) ?? null;
  const fallback = (args: KernelArgs): KernelResult => {
    if (!prev)
      throw new Error(
        `${name}: ${backendName} has no kernel for this case and Basin's ${layer} one does not apply`,
      );
    return prev.kernelFunc(args);
  };
  if (getKernel(name, backendName)) unregisterKernel(name, backendName);
  registerKernel({
    kernelName: name,
    backendName,
    kernelFunc: (args) => impl(args, fallback),
    setupFunc: prev?.setupFunc,
    disposeFunc: prev?.disposeFunc,
  });
}
