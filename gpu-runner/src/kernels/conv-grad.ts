/**
 * Convolution gradients for backends whose `conv2d` is fast but whose gradient kernels are missing or slow
 * (tfjs-backend-wasm 4.22: no `Conv2DBackpropFilter`, a naive-loop `Conv2DBackpropInput`). Both are rewritten
 * as one forward `Conv2D` (XNNPACK on wasm) on transposed or zero-dilated tensors.
 */
import {
  backend_util,
  type Conv2DBackpropFilterAttrs,
  type Conv2DBackpropInputAttrs,
  type KernelBackend,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { composite, type KernelScope } from './compose';

type Pad4 = [[number, number], [number, number], [number, number], [number, number]];

function convInfo(
  xShape: number[],
  filterShape: number[],
  attrs: { strides: number | [number, number]; pad: unknown; dimRoundingMode?: string; dataFormat: string },
): backend_util.Conv2DInfo {
  if (attrs.dataFormat !== 'NHWC')
    throw new Error(`conv gradient: only NHWC is supported, got ${attrs.dataFormat}`);
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad as 'same',
    attrs.dimRoundingMode as 'round' | undefined,
  );
}

/** Inserts `s − 1` zeros after every row/column of an NHWC tensor: [N,H,W,C] → [N,H·sh,W·sw,C]. */
function zeroDilate(s: KernelScope, x: TensorInfo, sh: number, sw: number): TensorInfo {
  if (sh === 1 && sw === 1) return x;
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const x6 = s.run('Reshape', { x }, { shape: [n, h, 1, w, 1, c] });
  const padded = s.run(
    'PadV2',
    { x: x6 },
    {
      paddings: [
        [0, 0],
        [0, 0],
        [0, sh - 1],
        [0, 0],
        [0, sw - 1],
        [0, 0],
      ],
      constantValue: 0,
    },
  );
  return s.run('Reshape', { x: padded }, { shape: [n, h * sh, w * sw, c] });
}

/** Crops rows/columns of an NHWC tensor to `[0, h) × [0, w)`. */
function crop(s: KernelScope, x: TensorInfo, h: number, w: number): TensorInfo {
  const [n, xh, xw, c] = x.shape as [number, number, number, number];
  if (h === xh && w === xw) return x;
  return s.run('Slice', { x }, { begin: [0, 0, 0, 0], size: [n, h, w, c] });
}

/**
 * The sub-pixel filter of a strided transposed convolution. Output pixel i = u·s + a (phase a) receives
 * dy[u + c_a − m]·w[r_a + m·s] (m ≥ 0) with c_a = ⌊(a + p)/s⌋, r_a = (a + p) mod s, p the forward top/left padding.
 * All s² phases become output channels (phase (a_h, a_w) at (a_h·s + a_w)·Cin + ci, DepthToSpace's order) of one
 * stride-1 convolution over dy with an L×L filter and top/left padding `pad`, then interleaved.
 */
export function subPixelFilter(
  w: Float32Array,
  filterShape: readonly number[],
  s: number,
  padTop: number,
  padLeft: number,
): { filter: Float32Array; shape: [number, number, number, number]; padTop: number; padLeft: number } | null {
  const [kh, kw, cin, cout] = filterShape as [number, number, number, number];
  const axis = (k: number, p: number) => {
    const m = Math.ceil(k / s);
    const c = Array.from({ length: s }, (_, a) => Math.floor((a + p) / s));
    const pad = Math.max(...c.map((ca) => m - 1 - ca));
    const len = m + Math.max(...c) - Math.min(...c);
    // tap[a][j] = index into w along this axis (or −1) for filter position j of phase a.
    const tap = c.map((ca, a) => {
      const r = (a + p) % s;
      const shift = pad - (m - 1 - ca);
      return Array.from({ length: len }, (_, j) => {
        const mm = m - 1 - (j - shift);
        const t = r + mm * s;
        return j - shift >= 0 && mm >= 0 && t < k ? t : -1;
      });
    });
    return { pad, len, tap };
  };
  const H = axis(kh, padTop);
  const W = axis(kw, padLeft);
  if (H.pad < 0 || W.pad < 0) return null;
  const outC = s * s * cin;
  const filter = new Float32Array(H.len * W.len * cout * outC);
  for (let ah = 0; ah < s; ah++)
    for (let aw = 0; aw < s; aw++)
      for (let jh = 0; jh < H.len; jh++) {
        const th = H.tap[ah]![jh]!;
        if (th < 0) continue;
        for (let jw = 0; jw < W.len; jw++) {
          const tw = W.tap[aw]![jw]!;
          if (tw < 0) continue;
          for (let co = 0; co < cout; co++)
            for (let ci = 0; ci < cin; ci++)
              filter[((jh * W.len + jw) * cout + co) * outC + (ah * s + aw) * cin + ci] =
                w[((th * kw + tw) * cin + ci) * cout + co]!;
        }
      }
  return { filter, shape: [H.len, W.len, cout, outC], padTop: H.pad, padLeft: W.pad };
}

/** dx of a strided convolution as one stride-1 convolution with the sub-pixel filter, then an interleave. */
function backpropInputSubPixel(
  backend: KernelBackend,
  backendName: string,
  dy: TensorInfo,
  filter: TensorInfo,
  info: backend_util.Conv2DInfo,
  inputShape: readonly number[],
): TensorInfo | null {
  const s = info.strideHeight;
  const values = backend.readSync(filter.dataId) as Float32Array;
  const sub = subPixelFilter(values, filter.shape, s, info.padInfo.top, info.padInfo.left);
  if (!sub) return null;
  return composite(backend, backendName, (scope) => {
    const [n, inH, inW, cin] = inputShape as [number, number, number, number];
    const [, oh, ow] = dy.shape as [number, number, number, number];
    const U = Math.ceil(inH / s);
    const V = Math.ceil(inW / s);
    let d = dy;
    let bottom = U - oh - sub.padTop + sub.shape[0] - 1;
    let right = V - ow - sub.padLeft + sub.shape[1] - 1;
    if (bottom < 0 || right < 0) {
      d = crop(scope, d, oh + Math.min(bottom, 0), ow + Math.min(right, 0));
      bottom = Math.max(bottom, 0);
      right = Math.max(right, 0);
    }
    const f = scope.constant(sub.filter, sub.shape);
    const pad: Pad4 = [
      [0, 0],
      [sub.padTop, bottom],
      [sub.padLeft, right],
      [0, 0],
    ];
    const phases = scope.run(
      'Conv2D',
      { x: d, filter: f },
      {
        strides: [1, 1],
        pad,
        dataFormat: 'NHWC',
        dilations: [1, 1],
        dimRoundingMode: undefined as unknown as string,
      },
    );
    // Interleave the phases (DepthToSpace's layout). wasm's DepthToSpace kernel is ~6× slower than this transpose.
    const [, pu, pv] = phases.shape as [number, number, number, number];
    const six = scope.run('Reshape', { x: phases }, { shape: [n, pu, pv, s, s, cin] });
    const moved = scope.run('Transpose', { x: six }, { perm: [0, 1, 3, 2, 4, 5] });
    const full = scope.run('Reshape', { x: moved }, { shape: [n, pu * s, pv * s, cin] });
    return U * s === inH && V * s === inW
      ? full
      : scope.run('Slice', { x: full }, { begin: [0, 0, 0, 0], size: [n, inH, inW, cin] });
  });
}

/**
 * dx of a 2-D convolution. Strided: {@link subPixelFilter} (no zero-dilated dy, s² fewer multiply-adds with
 * zeros). Otherwise: the full convolution of the zero-dilated `dy` with the filter rotated by 180° and its
 * in/out channels swapped.
 *
 * @returns null when the geometry needs negative padding (top padding larger than the kernel), so the caller can
 * fall back to the backend's own kernel.
 */
export function conv2dBackpropInputViaConv(
  backend: KernelBackend,
  backendName: string,
  dy: TensorInfo,
  filter: TensorInfo,
  attrs: Conv2DBackpropInputAttrs,
  method: 'auto' | 'dilate' = 'auto',
): TensorInfo | null {
  const info = convInfo(attrs.inputShape, filter.shape, attrs);
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const top = kh - 1 - info.padInfo.top;
  const left = kw - 1 - info.padInfo.left;
  if (top < 0 || left < 0) return null;
  const [, inH, inW] = attrs.inputShape;
  if (method === 'auto' && sh > 1 && sh === sw && inH! >= sh && inW! >= sw) {
    const out = backpropInputSubPixel(backend, backendName, dy, filter, info, attrs.inputShape);
    if (out) return out;
  }
  return composite(backend, backendName, (s) => {
    let d = zeroDilate(s, dy, sh, sw);
    // Rows the full convolution needs below the dilated dy; negative means trailing rows are unused.
    let bottom = inH! + kh - 1 - top - d.shape[1]!;
    let right = inW! + kw - 1 - left - d.shape[2]!;
    if (bottom < 0 || right < 0) {
      d = crop(s, d, d.shape[1]! + Math.min(bottom, 0), d.shape[2]! + Math.min(right, 0));
      bottom = Math.max(bottom, 0);
      right = Math.max(right, 0);
    }
    const rotated = s.run('Reverse', { x: filter }, { dims: [0, 1] });
    const swapped = s.run('Transpose', { x: rotated }, { perm: [0, 1, 3, 2] });
    const pad: Pad4 = [
      [0, 0],
      [top, bottom],
      [left, right],
      [0, 0],
    ];
    return s.run(
      'Conv2D',
      { x: d, filter: swapped },
      {
        strides: [1, 1],
        pad,
        dataFormat: 'NHWC',
        dilations: [1, 1],
        dimRoundingMode: undefined as unknown as string,
      },
    );
  });
}

/**
 * dW of a 2-D convolution as one convolution: batch and channels of `x` swapped ([Cin,H,W,N]) convolved with
 * `dy` as a filter ([OH,OW,N,Cout]) dilated by the stride, giving [Cin,KH,KW,Cout].
 */
export function conv2dBackpropFilterViaConv(
  backend: KernelBackend,
  backendName: string,
  x: TensorInfo,
  dy: TensorInfo,
  attrs: Conv2DBackpropFilterAttrs,
): TensorInfo {
  const info = convInfo(x.shape, attrs.filterShape, attrs);
  const {
    filterHeight: kh,
    filterWidth: kw,
    strideHeight: sh,
    strideWidth: sw,
    outHeight: oh,
    outWidth: ow,
  } = info;
  const { top, left } = info.padInfo;
  return composite(backend, backendName, (s) => {
    let xs = x;
    let bottom = kh + (oh - 1) * sh - x.shape[1]! - top;
    let right = kw + (ow - 1) * sw - x.shape[2]! - left;
    if (bottom < 0 || right < 0) {
      xs = crop(s, xs, x.shape[1]! + Math.min(bottom, 0), x.shape[2]! + Math.min(right, 0));
      bottom = Math.max(bottom, 0);
      right = Math.max(right, 0);
    }
    const xT = s.run('Transpose', { x: xs }, { perm: [3, 1, 2, 0] });
    const dyT = s.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
    const pad: Pad4 = [
      [0, 0],
      [top, bottom],
      [left, right],
      [0, 0],
    ];
    const g = s.run(
      'Conv2D',
      { x: xT, filter: dyT },
      {
        strides: [1, 1],
        pad,
        dataFormat: 'NHWC',
        dilations: [sh, sw],
        dimRoundingMode: undefined as unknown as string,
      },
    );
    return s.run('Transpose', { x: g }, { perm: [1, 2, 0, 3] });
  });
}
