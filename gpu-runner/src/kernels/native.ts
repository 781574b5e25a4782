/**
 * Registers `@basin/kernels`' native GEMM and convolutions as TF.js kernels for the wasm backend: `BatchMatMul`,
 * `Conv2D`, `Conv2DBackpropInput`, `Conv2DBackpropFilter` (float32, NHWC, dilation 1; anything else goes to the
 * kernel registered before, kept as the fallback).
 *
 * @remarks Zero copy: on wasm every tensor lives in the module's heap, so inputs are read as `Float32Array` views
 * of `HEAPU8.buffer` at the offsets in the backend's `dataIdMap`, and outputs are written straight into tensors
 * made with `backend.makeOutput` (views taken after it, since allocating may grow — and replace — the heap).
 * Where the addon is not built or `BASIN_KERNELS=off`, nothing is registered and `@basin/kernels` logs why once.
 */
import {
  available,
  type ConvGeometry,
  conv2d,
  conv2dBackpropFilter,
  conv2dBackpropInput,
  sgemm,
} from '@basin/kernels';
import {
  type BatchMatMulAttrs,
  backend_util,
  type Conv2DAttrs,
  type Conv2DBackpropFilterAttrs,
  type Conv2DBackpropInputAttrs,
  getKernel,
  type KernelConfig,
  type KernelFunc,
  registerKernel,
  type TensorInfo,
  unregisterKernel,
} from '@tensorflow/tfjs-core';

type Args = Parameters<KernelFunc>[0];
type Shape4 = [number, number, number, number];

/** The parts of tfjs-backend-wasm's `BackendWasm` these kernels use. */
interface WasmBackendLike {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
}

const NAMES = ['BatchMatMul', 'Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'] as const;

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

function view(b: WasmBackendLike, t: TensorInfo): Float32Array {
  const d = b.dataIdMap.get(t.dataId);
  if (!d) throw new Error('tensor data not found on the wasm backend');
  return new Float32Array(b.wasm.HEAPU8.buffer, d.memoryOffset, size(t.shape));
}

function isWasmBackend(b: unknown): b is WasmBackendLike {
  const w = b as Partial<WasmBackendLike>;
  return typeof w.makeOutput === 'function' && w.dataIdMap !== undefined && w.wasm?.HEAPU8 !== undefined;
}

const unitDilation = (d: number | [number, number] | undefined): boolean =>
  d === undefined || (typeof d === 'number' ? d === 1 : d[0] === 1 && d[1] === 1);

function geometry(info: backend_util.Conv2DInfo): ConvGeometry | null {
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1 || info.dataFormat !== 'channelsLast')
    return null;
  if (info.padInfo.top < 0 || info.padInfo.left < 0) return null;
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    outChannels: info.outChannels,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
  };
}

function convInfo(
  xShape: readonly number[],
  filterShape: readonly number[],
  attrs: Pick<Conv2DAttrs, 'strides' | 'pad' | 'dataFormat' | 'dimRoundingMode'> & {
    dilations?: Conv2DAttrs['dilations'];
  },
): ConvGeometry | null {
  if (attrs.dataFormat !== 'NHWC' || !unitDilation(attrs.dilations)) return null;
  if (xShape.length !== 4 || filterShape.length !== 4) return null;
  const info = backend_util.computeConv2DInfo(
    xShape as Shape4,
    filterShape as Shape4,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  return geometry(info);
}

function batchMatMul(args: Args, b: WasmBackendLike): TensorInfo | null {
  const { a, b: bt } = args.inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA, transposeB } = args.attrs as unknown as BatchMatMulAttrs;
  if (a.dtype !== 'float32' || bt.dtype !== 'float32' || a.shape.length < 2 || bt.shape.length < 2)
    return null;
  const ra = a.shape.length;
  const rb = bt.shape.length;
  const m = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
  const k = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
  const k2 = transposeB ? bt.shape[rb - 1]! : bt.shape[rb - 2]!;
  const n = transposeB ? bt.shape[rb - 2]! : bt.shape[rb - 1]!;
  if (k !== k2) return null;
  const outerA = a.shape.slice(0, -2);
  const outerB = bt.shape.slice(0, -2);
  const batchA = size(outerA);
  const batchB = size(outerB);
  if (batchA !== batchB && batchA !== 1 && batchB !== 1) return null;
  const outer = backend_util.assertAndGetBroadcastShape(outerA, outerB);
  const batch = Math.max(batchA, batchB);
  const out = b.makeOutput([...outer, m, n], 'float32');
  if (batch * m * n === 0) return out;
  const av = view(b, a);
  const bv = view(b, bt);
  const cv = view(b, out);
  for (let i = 0; i < batch; i++) {
    const ao = batchA === 1 ? 0 : i * m * k;
    const bo = batchB === 1 ? 0 : i * k * n;
    sgemm(av.subarray(ao, ao + m * k), bv.subarray(bo, bo + k * n), cv.subarray(i * m * n, (i + 1) * m * n), {
      m,
      n,
      k,
      transA: transposeA,
      transB: transposeB,
    });
  }
  return out;
}

function conv(args: Args, b: WasmBackendLike): TensorInfo | null {
  const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
  if (x.dtype !== 'float32' || filter.dtype !== 'float32') return null;
  const g = convInfo(x.shape, filter.shape, args.attrs as unknown as Conv2DAttrs);
  if (!g) return null;
  const out = b.makeOutput([g.batch, g.outHeight, g.outWidth, g.outChannels], 'float32');
  if (size(out.shape) > 0) conv2d(view(b, x), view(b, filter), view(b, out), g);
  return out;
}

function convInput(args: Args, b: WasmBackendLike): TensorInfo | null {
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const attrs = args.attrs as unknown as Conv2DBackpropInputAttrs;
  if (dy.dtype !== 'float32' || filter.dtype !== 'float32') return null;
  const g = convInfo(attrs.inputShape, filter.shape, attrs);
  if (!g || g.outHeight !== dy.shape[1] || g.outWidth !== dy.shape[2]) return null;
  const out = b.makeOutput([...attrs.inputShape], 'float32');
  if (size(out.shape) > 0) conv2dBackpropInput(view(b, dy), view(b, filter), view(b, out), g);
  return out;
}

function convFilter(args: Args, b: WasmBackendLike): TensorInfo | null {
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const attrs = args.attrs as unknown as Conv2DBackpropFilterAttrs;
  if (x.dtype !== 'float32' || dy.dtype !== 'float32') return null;
  const g = convInfo(x.shape, attrs.filterShape, attrs);
  if (!g || g.outHeight !== dy.shape[1] || g.outWidth !== dy.shape[2]) return null;
  const out = b.makeOutput([...attrs.filterShape], 'float32');
  if (size(out.shape) > 0) conv2dBackpropFilter(view(b, x), view(b, dy), view(b, out), g);
  return out;
}

const IMPLS: Record<(typeof NAMES)[number], (args: Args, b: WasmBackendLike) => TensorInfo | null> = {
  BatchMatMul: batchMatMul,
  Conv2D: conv,
  Conv2DBackpropInput: convInput,
  Conv2DBackpropFilter: convFilter,
};

const previous = new Map<string, Map<string, KernelConfig>>();

/**
 * Registers the native kernels for `backendName` (default `wasm`) on top of whatever is registered there (kept
 * as fallbacks for other dtypes, layouts and dilations). Idempotent; never throws.
 *
 * @returns the kernel names registered, prefixed `native:`; empty when the addon is not available.
 */
export function registerNativeKernels(backendName = 'wasm'): string[] {
  try {
    if (!available()) return [];
    let prev = previous.get(backendName);
    if (!prev) {
      prev = new Map();
      for (const name of NAMES) {
        const k = getKernel(name, backendName);
        if (k) prev.set(name, k);
      }
      previous.set(backendName, prev);
    }
    const fallbacks = prev;
    for (const name of NAMES) {
      const impl = IMPLS[name];
      const kernelFunc = (args: Args): TensorInfo | TensorInfo[] => {
        const out = isWasmBackend(args.backend) ? impl(args, args.backend) : null;
        if (out) return out;
        const fb = fallbacks.get(name);
        if (!fb)
          throw new Error(
            `${name}: no ${backendName} kernel for this case and the native one does not apply`,
          );
        return fb.kernelFunc(args);
      };
      if (getKernel(name, backendName)) unregisterKernel(name, backendName);
      registerKernel({ kernelName: name, backendName, kernelFunc });
    }
    return NAMES.map((n) => `native:${n}`);
  } catch {
    return [];
  }
}
