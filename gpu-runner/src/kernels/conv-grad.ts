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
 * dx of a 2-D convolution: the full convolution of the zero-dilated `dy` with the filter rotated by 180° and its
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
): TensorInfo | null {
  const info = convInfo(attrs.inputShape, filter.shape, attrs);
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const top = kh - 1 - info.padInfo.top;
  const left = kw - 1 - info.padInfo.left;
  if (top < 0 || left < 0) return null;
  const [, inH, inW] = attrs.inputShape;
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
