/**
 * Registers Basin's training kernels on the wasm backend: `Conv2DBackpropFilter` (missing in
 * tfjs-backend-wasm 4.22), a fast `Conv2DBackpropInput` (the shipped one is a naive loop) and a `Tile` that runs
 * pure broadcasts as a multiply.
 */
import {
  type Conv2DBackpropFilterAttrs,
  type Conv2DBackpropInputAttrs,
  getKernel,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  registerKernel,
  type TensorInfo,
  type TileAttrs,
  unregisterKernel,
} from '@tensorflow/tfjs-core';
import { composite } from './compose';
import { conv2dBackpropFilterViaConv, conv2dBackpropInputViaConv } from './conv-grad';

type Args = Parameters<KernelFunc>[0];

/** Whether tiling `shape` by `reps` only repeats size-1 axes (a broadcast). */
export function isBroadcastTile(shape: readonly number[], reps: readonly number[]): boolean {
  return shape.every((d, i) => (reps[i] ?? 1) === 1 || d === 1);
}

function kernelsFor(backendName: string, original: Map<string, KernelConfig>): KernelConfig[] {
  const fallback = (name: string, args: Args): TensorInfo | TensorInfo[] => {
    const k = original.get(name);
    if (!k) throw new Error(`${name}: no fallback kernel on ${backendName} for this geometry`);
    return k.kernelFunc(args);
  };
  return [
    {
      kernelName: 'Conv2DBackpropInput',
      backendName,
      kernelFunc: (args: Args) => {
        const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
        const out = conv2dBackpropInputViaConv(
          args.backend as KernelBackend,
          backendName,
          dy,
          filter,
          args.attrs as unknown as Conv2DBackpropInputAttrs,
        );
        return out ?? fallback('Conv2DBackpropInput', args);
      },
    },
    {
      kernelName: 'Conv2DBackpropFilter',
      backendName,
      kernelFunc: (args: Args) => {
        const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
        return conv2dBackpropFilterViaConv(
          args.backend as KernelBackend,
          backendName,
          x,
          dy,
          args.attrs as unknown as Conv2DBackpropFilterAttrs,
        );
      },
    },
    {
      kernelName: 'Tile',
      backendName,
      kernelFunc: (args: Args) => {
        const { x } = args.inputs as { x: TensorInfo };
        const { reps } = args.attrs as unknown as TileAttrs;
        if (x.dtype !== 'float32' || !isBroadcastTile(x.shape, reps)) return fallback('Tile', args);
        const shape = x.shape.map((d, i) => d * (reps[i] ?? 1));
        return composite(args.backend as KernelBackend, backendName, (s) => {
          const ones = s.run('Fill', {}, { shape, value: 1, dtype: 'float32' });
          return s.run('Multiply', { a: x, b: ones });
        });
      },
    },
  ];
}

const originals = new Map<string, Map<string, KernelConfig>>();

/**
 * Registers the training kernels for `backendName` (default `wasm`), replacing the backend's own versions
 * (kept as fallbacks for geometries the rewrites do not cover). Idempotent.
 *
 * @returns the names of the kernels registered.
 */
export function registerWasmTrainingKernels(backendName = 'wasm'): string[] {
  let original = originals.get(backendName);
  if (!original) {
    original = new Map();
    for (const name of ['Conv2DBackpropInput', 'Conv2DBackpropFilter', 'Tile']) {
      const k = getKernel(name, backendName);
      if (k) original.set(name, k);
    }
    originals.set(backendName, original);
  }
  const configs = kernelsFor(backendName, original);
  for (const k of configs) {
    if (getKernel(k.kernelName, backendName)) unregisterKernel(k.kernelName, backendName);
    registerKernel(k);
  }
  return configs.map((k) => k.kernelName);
}
