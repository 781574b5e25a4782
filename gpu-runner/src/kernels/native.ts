/**
 * Registers `@basin/kernels`' native GEMM, convolutions and element-wise ops as TF.js kernels for the wasm backend:
 * `BatchMatMul`, `Conv2D`, `Conv2DBackpropInput`, `Conv2DBackpropFilter` (float32, NHWC, dilation 1), `Add`,
 * `Sub`, `Multiply`, `RealDiv` (float32, where the broadcast is a scalar, a trailing row or a leading column),
 * `Relu`, `Step`, and `Sum` / `Mean` over one run of adjacent axes. Anything else goes to the kernel registered
 * before, kept as the fallback.
 *
 * @remarks Why the element-wise ops: with native convolutions, the wasm backend's single-threaded element-wise
 * kernels were ~40 % of a training step of the default (Fixup) ResNet — scalar bias adds and their gradient sums,
 * ReLU and its gradient (`dy · step(x)`), the residual scale. Native, they run on both cores and sums accumulate
 * in float64.
 *
 * @remarks Zero copy: on wasm every tensor lives in the module's heap, so inputs are read as `Float32Array` views
 * of `HEAPU8.buffer` at the offsets in the backend's `dataIdMap`, and outputs are written straight into tensors
 * made with `backend.makeOutput` (views taken after it, since allocating may grow — and replace — the heap).
 * Where the addon is not built or `BASIN_KERNELS=off`, nothing is registered and `@basin/kernels` logs why once.
 */
import {
  available,
  type BinaryOp,
  type Broadcast,
  binary,
  type ConvGeometry,
  conv2d,
  conv2dBackpropFilter,
  conv2dBackpropInput,
  reduceSum,
  reluGrad,
  sgemm,
  unary,
} from '@basin/kernels';
import * as tf from '@tensorflow/tfjs-core';
import {
  type BatchMatMulAttrs,
  backend_util,
  type Conv2DAttrs,
  type Conv2DBackpropFilterAttrs,
  type Conv2DBackpropInputAttrs,
  type GradConfig,
  getGradient,
  getKernel,
  registerGradient,
  type StepAttrs,
  type SumAttrs,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { type KernelArgs, overrideKernel } from './override';

type Args = KernelArgs;
type Shape4 = [number, number, number, number];

/** The parts of tfjs-backend-wasm's `BackendWasm` these kernels use. */
interface WasmBackendLike {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
}

const NAMES = [
  'BatchMatMul',
  'Conv2D',
  'Conv2DBackpropInput',
  'Conv2DBackpropFilter',
  'Add',
  'Sub',
  'Multiply',
  'RealDiv',
  'Relu',
  'Step',
  'Sum',
  'Mean',
  'BasinReluGrad',
] as const;

/** The ReLU gradient `dy · step(x)` as one kernel (TF.js runs `Step`, `Cast` and `Multiply`); Basin's own name. */
export const RELU_GRAD = 'BasinReluGrad';

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * Float32 views of `ts` on the wasm heap. Every entry is looked up before the first view is made: a lookup can
 * move a tensor in from another backend, which allocates and may grow (and, unthreaded, detach) the heap.
 */
function views<T extends TensorInfo[]>(b: WasmBackendLike, ...ts: T): { [K in keyof T]: Float32Array } {
  const entries = ts.map((t) => b.dataIdMap.get(t.dataId));
  const heap = b.wasm.HEAPU8.buffer;
  return ts.map((t, i) => {
    const d = entries[i];
    if (!d) throw new Error('tensor data not found on the wasm backend');
    return new Float32Array(heap, d.memoryOffset, size(t.shape));
  }) as { [K in keyof T]: Float32Array };
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
  const [av, bv, cv] = views(b, a, bt, out);
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
  if (size(out.shape) > 0) conv2d(...views(b, x, filter, out), g);
  return out;
}

function convInput(args: Args, b: WasmBackendLike): TensorInfo | null {
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const attrs = args.attrs as unknown as Conv2DBackpropInputAttrs;
  if (dy.dtype !== 'float32' || filter.dtype !== 'float32') return null;
  const g = convInfo(attrs.inputShape, filter.shape, attrs);
  if (!g || g.outHeight !== dy.shape[1] || g.outWidth !== dy.shape[2]) return null;
  const out = b.makeOutput([...attrs.inputShape], 'float32');
  if (size(out.shape) > 0) conv2dBackpropInput(...views(b, dy, filter, out), g);
  return out;
}

function convFilter(args: Args, b: WasmBackendLike): TensorInfo | null {
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const attrs = args.attrs as unknown as Conv2DBackpropFilterAttrs;
  if (x.dtype !== 'float32' || dy.dtype !== 'float32') return null;
  const g = convInfo(x.shape, attrs.filterShape, attrs);
  if (!g || g.outHeight !== dy.shape[1] || g.outWidth !== dy.shape[2]) return null;
  const out = b.makeOutput([...attrs.filterShape], 'float32');
  if (size(out.shape) > 0) conv2dBackpropFilter(...views(b, x, dy, out), g);
  return out;
}

/** How an operand of shape `s` covers `out` (see {@link Broadcast}), with the output split it implies. */
function cover(
  s: readonly number[],
  out: readonly number[],
): { mode: Broadcast; split: number | null } | null {
  const r = out.length;
  if (s.length > r) return null;
  const ps = [...Array<number>(r - s.length).fill(1), ...s];
  if (ps.every((d, i) => d === out[i])) return { mode: 'full', split: null };
  if (size(ps) === 1) return { mode: 'scalar', split: null };
  const first = ps.findIndex((d) => d !== 1);
  if (ps.slice(first).every((d, i) => d === out[first + i]) && first > 0)
    return { mode: 'row', split: first };
  let last = r;
  while (last > 0 && ps[last - 1] === 1) last--;
  if (last < r && ps.slice(0, last).every((d, i) => d === out[i])) return { mode: 'column', split: last };
  return null;
}

/** The `[outer, inner]` view and operand modes of a broadcast `a ∘ b`, or null when it is not one of ours. */
export function broadcastPlan(
  aShape: readonly number[],
  bShape: readonly number[],
): { out: number[]; outer: number; inner: number; aMode: Broadcast; bMode: Broadcast } | null {
  let out: number[];
  try {
    out = backend_util.assertAndGetBroadcastShape(aShape as number[], bShape as number[]);
  } catch {
    return null;
  }
  const ca = cover(aShape, out);
  const cb = cover(bShape, out);
  if (!ca || !cb) return null;
  if (ca.split !== null && cb.split !== null && ca.split !== cb.split) return null;
  const split = ca.split ?? cb.split;
  const inner = split === null ? size(out) : size(out.slice(split));
  return { out, outer: inner === 0 ? 0 : size(out) / inner, inner, aMode: ca.mode, bMode: cb.mode };
}

const BINARY: Record<string, BinaryOp> = { Add: 'add', Sub: 'sub', Multiply: 'mul', RealDiv: 'div' };

function binaryOp(name: string) {
  const op = BINARY[name] as BinaryOp;
  return (args: Args, b: WasmBackendLike): TensorInfo | null => {
    const { a, b: bt } = args.inputs as { a: TensorInfo; b: TensorInfo };
    if (a.dtype !== 'float32' || bt.dtype !== 'float32') return null;
    const plan = broadcastPlan(a.shape, bt.shape);
    if (!plan) return null;
    const out = b.makeOutput(plan.out, 'float32');
    if (plan.outer * plan.inner > 0)
      binary(op, ...views(b, a, bt, out), {
        outer: plan.outer,
        inner: plan.inner,
        aMode: plan.aMode,
        bMode: plan.bMode,
      });
    return out;
  };
}

function unaryOp(op: 'relu' | 'step') {
  return (args: Args, b: WasmBackendLike): TensorInfo | null => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype !== 'float32') return null;
    const alpha = op === 'step' ? ((args.attrs as unknown as StepAttrs).alpha ?? 0) : 0;
    const out = b.makeOutput([...x.shape], 'float32');
    const n = size(x.shape);
    if (n > 0) unary(op, ...views(b, x, out), n, alpha);
    return out;
  };
}

/** `Sum` / `Mean` over one run of adjacent axes, as an `[A, B, C]` reduction of the middle axis. */
function reduceOp(mean: boolean) {
  return (args: Args, b: WasmBackendLike): TensorInfo | null => {
    const { x } = args.inputs as { x: TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as SumAttrs;
    if (x.dtype !== 'float32') return null;
    const axes = [...new Set(util.parseAxisParam(axis, x.shape))].sort((p, q) => p - q);
    if (axes.length === 0) return null;
    const lo = axes[0] as number;
    const hi = (axes[axes.length - 1] as number) + 1;
    if (hi - lo !== axes.length) return null;
    const A = size(x.shape.slice(0, lo));
    const B = size(x.shape.slice(lo, hi));
    const C = size(x.shape.slice(hi));
    if (mean && B === 0) return null;
    const shape = keepDims
      ? x.shape.map((d, i) => (i >= lo && i < hi ? 1 : d))
      : x.shape.filter((_, i) => i < lo || i >= hi);
    const out = b.makeOutput(shape, 'float32');
    if (A * C > 0) reduceSum(...views(b, x, out), [A, B, C], mean ? 1 / B : 1);
    return out;
  };
}

function reluGradOp(args: Args, b: WasmBackendLike): TensorInfo | null {
  const { dy, x } = args.inputs as { dy: TensorInfo; x: TensorInfo };
  if (dy.dtype !== 'float32' || x.dtype !== 'float32' || !util.arraysEqual(dy.shape, x.shape)) return null;
  const out = b.makeOutput([...x.shape], 'float32');
  const n = size(x.shape);
  if (n > 0) reluGrad(...views(b, dy, x, out), n);
  return out;
}

let reluGradFallback: GradConfig | null = null;

/**
 * Makes the `Relu` gradient one pass where the backend has {@link RELU_GRAD}; elsewhere (other backends, other
 * dtypes) it is TF.js's own gradient, unchanged. Registered once; the gradient registry is global.
 */
function registerReluGradient(): void {
  if (reluGradFallback) return;
  const own = getGradient('Relu');
  if (!own) return;
  reluGradFallback = own;
  registerGradient({
    kernelName: 'Relu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as [tf.Tensor];
      const d = dy as tf.Tensor;
      if (d.dtype === 'float32' && x.dtype === 'float32' && getKernel(RELU_GRAD, tf.getBackend()))
        return { x: () => tf.engine().runKernel(RELU_GRAD, { dy: d, x }) as tf.Tensor };
      return own.gradFunc(dy, saved, attrs);
    },
  });
  // and its own gradient, for gradients of gradients: linear in dy, piecewise constant in x
  registerGradient({
    kernelName: RELU_GRAD,
    inputsToSave: ['x'],
    gradFunc: (g, saved) => {
      const [x] = saved as [tf.Tensor];
      return { dy: () => tf.mul(g as tf.Tensor, tf.step(x)), x: () => tf.zerosLike(x) };
    },
  });
}

const IMPLS: Record<(typeof NAMES)[number], (args: Args, b: WasmBackendLike) => TensorInfo | null> = {
  BatchMatMul: batchMatMul,
  Conv2D: conv,
  Conv2DBackpropInput: convInput,
  Conv2DBackpropFilter: convFilter,
  Add: binaryOp('Add'),
  Sub: binaryOp('Sub'),
  Multiply: binaryOp('Multiply'),
  RealDiv: binaryOp('RealDiv'),
  Relu: unaryOp('relu'),
  Step: unaryOp('step'),
  Sum: reduceOp(false),
  Mean: reduceOp(true),
  BasinReluGrad: reluGradOp,
};

/**
 * Registers the native kernels for `backendName` (default `wasm`) on top of whatever is registered there (kept
 * as fallbacks for other dtypes, layouts and dilations). Idempotent; never throws.
 *
 * @returns the kernel names registered, prefixed `native:`; empty when the addon is not available.
 */
export function registerNativeKernels(backendName = 'wasm'): string[] {
  try {
    if (!available()) return [];
    for (const name of NAMES) {
      const impl = IMPLS[name];
      overrideKernel('native', name, backendName, (args, fallback) => {
        const out = isWasmBackend(args.backend) ? impl(args, args.backend) : null;
        return out ?? fallback(args);
      });
    }
    registerReluGradient();
    return NAMES.map((n) => `native:${n}`);
  } catch {
    return [];
  }
}
