/**
 * Runs a backend's own kernels on `TensorInfo`s from inside another kernel, releasing intermediates.
 *
 * @remarks Kernels registered with `tf.registerKernel` must return `TensorInfo`s the backend owns (one reference
 * each). Calling public ops from inside a kernel would create engine-tracked tensors and double-count references,
 * so composite kernels call the backend's registered kernel functions directly.
 */
import { getKernel, type KernelBackend, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';

/** Calls kernels of one backend and remembers intermediates to release with {@link KernelScope.release}. */
export class KernelScope {
  private readonly owned: TensorInfo[] = [];
  constructor(
    readonly backend: KernelBackend,
    readonly backendName: string,
  ) {}

  /** Runs kernel `name`; the result is released by {@link release} unless passed to {@link keep}. */
  run(name: string, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap = {}): TensorInfo {
    const k = getKernel(name, this.backendName);
    if (!k) throw new Error(`kernel ${name} is not registered for backend ${this.backendName}`);
    const out = k.kernelFunc({ inputs, attrs, backend: this.backend }) as TensorInfo | TensorInfo[];
    const info = Array.isArray(out) ? out[0]! : out;
    this.owned.push(info);
    return info;
  }

  /** Uploads float32 `values` as a backend tensor (released with the scope). */
  constant(values: Float32Array, shape: number[]): TensorInfo {
    const dataId = this.backend.write(values, shape, 'float32');
    const info: TensorInfo = { dataId, shape, dtype: 'float32' };
    this.owned.push(info);
    return info;
  }

  /** Takes `info` out of the release list (the kernel's result). */
  keep(info: TensorInfo): TensorInfo {
    const i = this.owned.lastIndexOf(info);
    if (i >= 0) this.owned.splice(i, 1);
    return info;
  }

  /** Drops one reference to every intermediate. */
  release(): void {
    for (const t of this.owned) this.backend.disposeData(t.dataId);
    this.owned.length = 0;
  }
}

/** Runs `body` in a fresh scope, keeps its result and releases everything else (also on error). */
export function composite(
  backend: KernelBackend,
  backendName: string,
  body: (s: KernelScope) => TensorInfo,
): TensorInfo {
  const s = new KernelScope(backend, backendName);
  try {
    return s.keep(body(s));
  } finally {
    s.release();
  }
}
