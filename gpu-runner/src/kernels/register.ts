/**
 * Registers Basin's training kernels on the wasm backend: `Conv2DBackpropFilter` (missing in
 * tfjs-backend-wasm 4.22), a fast `Conv2DBackpropInput` (the shipped one is a naive loop) and a `Tile` that runs
 * pure broadcasts as a multiply — and an `Identity` / same-dtype `Cast` that share the input's buffer instead of
 * copying it.
 *
 * @remarks The wasm backend's `Identity` and `Cast` copy the whole tensor. The engine calls `Identity` for every
 * tensor it saves for the backward pass, and the ReLU and multiply gradients `cast` float32 to float32, so a
 * training step of the default ResNet copied ~70 activation maps (~8 % of its time). Tensors are immutable in
 * TF.js (variables swap buffers on `assign`), so sharing is safe: the backend counts references per buffer, as
 * its own `Reshape` and the cpu backend's `Identity` already do.
 */
import type {
  CastAttrs,
  Conv2DBackpropFilterAttrs,
  Conv2DBackpropInputAttrs,
  KernelBackend,
  TensorInfo,
  TileAttrs,
} from '@tensorflow/tfjs-core';
import { composite } from './compose';
import { conv2dBackpropFilterViaConv, conv2dBackpropInputViaConv } from './conv-grad';
import { type KernelOverride, overrideKernel } from './override';

/** Whether tiling `shape` by `reps` only repeats size-1 axes (a broadcast). */
export function isBroadcastTile(shape: readonly number[], reps: readonly number[]): boolean {
  return shape.every((d, i) => (reps[i] ?? 1) === 1 || d === 1);
}

/** A new tensor on the same buffer as `x` (one more reference to it). */
function share(backend: KernelBackend, x: TensorInfo): TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

/** Basin's wasm training kernels by name; each hands the cases it does not cover to the backend's own. */
function overridesFor(backendName: string): Record<string, KernelOverride> {
  return {
    Conv2DBackpropInput: (args, fallback) => {
      const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
      const out = conv2dBackpropInputViaConv(
        args.backend as KernelBackend,
        backendName,
        dy,
        filter,
        args.attrs as unknown as Conv2DBackpropInputAttrs,
      );
      return out ?? fallback(args);
    },
    Conv2DBackpropFilter: (args) => {
      const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
      return conv2dBackpropFilterViaConv(
        args.backend as KernelBackend,
        backendName,
        x,
        dy,
        args.attrs as unknown as Conv2DBackpropFilterAttrs,
      );
    },
    Identity: (args, fallback) => {
      const { x } = args.inputs as { x: TensorInfo };
      if (x.dtype === 'string') return fallback(args);
      return share(args.backend as KernelBackend, x);
    },
    Cast: (args, fallback) => {
      const { x } = args.inputs as { x: TensorInfo };
      const { dtype } = args.attrs as unknown as CastAttrs;
      if (x.dtype !== dtype || dtype === 'string') return fallback(args);
      return share(args.backend as KernelBackend, x);
    },
    Tile: (args, fallback) => {
      const { x } = args.inputs as { x: TensorInfo };
      const { reps } = args.attrs as unknown as TileAttrs;
      if (x.dtype !== 'float32' || !isBroadcastTile(x.shape, reps)) return fallback(args);
      const shape = x.shape.map((d, i) => d * (reps[i] ?? 1));
      return composite(args.backend as KernelBackend, backendName, (s) => {
        const ones = s.run('Fill', {}, { shape, value: 1, dtype: 'float32' });
        return s.run('Multiply', { a: x, b: ones });
      });
    },
  };
}

/**
 * Registers the training kernels for `backendName` (default `wasm`), replacing the backend's own versions
 * (kept as fallbacks for geometries the rewrites do not cover). Idempotent.
 *
 * @returns the names of the kernels registered.
 */
export function registerWasmTrainingKernels(backendName = 'wasm'): string[] {
  const overrides = overridesFor(backendName);
  for (const [name, impl] of Object.entries(overrides)) overrideKernel('training', name, backendName, impl);
  return Object.keys(overrides);
}
