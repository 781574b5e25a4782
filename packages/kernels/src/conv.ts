/**
 * NHWC 2-D convolution passes on typed arrays (filter `[KH, KW, Cin, Cout]`, dilation 1), writing into the
 * caller's output: forward, gradient w.r.t. the input, gradient w.r.t. the filter. Native (im2col per chunk of
 * images + packed GEMM, images split between threads) where the addon loaded, plain JS loops otherwise.
 */
import { addon } from './addon';

/** Padding as TF.js takes it: `same`, `valid`, one number for every side, or explicit `[[top, bottom], [left, right]]`. */
export type ConvPadding =
  | 'same'
  | 'valid'
  | number
  | readonly [readonly [number, number], readonly [number, number]];

/** Everything the kernels need to know about one convolution. */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  filterHeight: number;
  filterWidth: number;
  outChannels: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
  outHeight: number;
  outWidth: number;
}

/** Input, filter shapes, strides and padding → geometry, with TF's `same` rule (extra padding at the end). */
export function convGeometry(
  xShape: readonly [number, number, number, number],
  filterShape: readonly [number, number, number, number],
  strides: number | readonly [number, number],
  pad: ConvPadding,
): ConvGeometry {
  const [batch, inHeight, inWidth, inChannels] = xShape;
  const [filterHeight, filterWidth, fin, outChannels] = filterShape;
  if (fin !== inChannels)
    throw new RangeError(`filter has ${fin} input channels, the input has ${inChannels}`);
  const [sh, sw] = typeof strides === 'number' ? [strides, strides] : strides;
  let padTop: number;
  let padLeft: number;
  let outHeight: number;
  let outWidth: number;
  if (pad === 'same') {
    outHeight = Math.ceil(inHeight / sh);
    outWidth = Math.ceil(inWidth / sw);
    padTop = Math.floor(Math.max(0, (outHeight - 1) * sh + filterHeight - inHeight) / 2);
    padLeft = Math.floor(Math.max(0, (outWidth - 1) * sw + filterWidth - inWidth) / 2);
  } else {
    const [[t, b], [l, r]] =
      pad === 'valid'
        ? [
            [0, 0],
            [0, 0],
          ]
        : typeof pad === 'number'
          ? [
              [pad, pad],
              [pad, pad],
            ]
          : pad;
    padTop = t;
    padLeft = l;
    outHeight = Math.floor((inHeight + t + b - filterHeight) / sh) + 1;
    outWidth = Math.floor((inWidth + l + r - filterWidth) / sw) + 1;
  }
  if (outHeight < 1 || outWidth < 1)
    throw new RangeError(`convolution output would be empty (${outHeight}×${outWidth})`);
  return {
    batch,
    inHeight,
    inWidth,
    inChannels,
    filterHeight,
    filterWidth,
    outChannels,
    strideHeight: sh,
    strideWidth: sw,
    padTop,
    padLeft,
    outHeight,
    outWidth,
  };
}

function packed(g: ConvGeometry): Float64Array {
  return Float64Array.of(
    g.batch,
    g.inHeight,
    g.inWidth,
    g.inChannels,
    g.filterHeight,
    g.filterWidth,
    g.outChannels,
    g.strideHeight,
    g.strideWidth,
    g.padTop,
    g.padLeft,
    g.outHeight,
    g.outWidth,
  );
}

type Visit = (xo: number, fo: number, yo: number) => void;

// Calls visit(x offset, filter offset, y offset) for every (input channel run, output pixel, tap) that overlaps.
function forEachTap(g: ConvGeometry, visit: Visit): void {
  const { inHeight: H, inWidth: W, inChannels: C, outChannels: O } = g;
  for (let b = 0; b < g.batch; b++)
    for (let oh = 0; oh < g.outHeight; oh++)
      for (let ow = 0; ow < g.outWidth; ow++) {
        const yo = ((b * g.outHeight + oh) * g.outWidth + ow) * O;
        for (let kh = 0; kh < g.filterHeight; kh++) {
          const ih = oh * g.strideHeight - g.padTop + kh;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < g.filterWidth; kw++) {
            const iw = ow * g.strideWidth - g.padLeft + kw;
            if (iw < 0 || iw >= W) continue;
            visit(((b * H + ih) * W + iw) * C, (kh * g.filterWidth + kw) * C * O, yo);
          }
        }
      }
}

/** `y = conv(x, filter)`; y is `[batch, outHeight, outWidth, outChannels]`. */
export function conv2d(x: Float32Array, filter: Float32Array, y: Float32Array, g: ConvGeometry): void {
  const native = addon();
  if (native) {
    native.conv2d(x, filter, y, packed(g));
    return;
  }
  const C = g.inChannels;
  const O = g.outChannels;
  y.fill(0, 0, g.batch * g.outHeight * g.outWidth * O);
  forEachTap(g, (xo, fo, yo) => {
    for (let ci = 0; ci < C; ci++) {
      const xv = x[xo + ci]!;
      const f = fo + ci * O;
      for (let co = 0; co < O; co++) y[yo + co] = y[yo + co]! + xv * filter[f + co]!;
    }
  });
}

/** `dx` = gradient of the convolution w.r.t. its input, given `dy` (same shape as the forward output). */
export function conv2dBackpropInput(
  dy: Float32Array,
  filter: Float32Array,
  dx: Float32Array,
  g: ConvGeometry,
): void {
  const native = addon();
  if (native) {
    native.conv2dBackpropInput(dy, filter, dx, packed(g));
    return;
  }
  const C = g.inChannels;
  const O = g.outChannels;
  dx.fill(0, 0, g.batch * g.inHeight * g.inWidth * C);
  forEachTap(g, (xo, fo, yo) => {
    for (let ci = 0; ci < C; ci++) {
      const f = fo + ci * O;
      let s = 0;
      for (let co = 0; co < O; co++) s += dy[yo + co]! * filter[f + co]!;
      dx[xo + ci] = dx[xo + ci]! + s;
    }
  });
}

/** `df` = gradient of the convolution w.r.t. its filter (`[KH, KW, Cin, Cout]`), given `x` and `dy`. */
export function conv2dBackpropFilter(
  x: Float32Array,
  dy: Float32Array,
  df: Float32Array,
  g: ConvGeometry,
): void {
  const native = addon();
  if (native) {
    native.conv2dBackpropFilter(x, dy, df, packed(g));
    return;
  }
  const C = g.inChannels;
  const O = g.outChannels;
  const acc = new Float64Array(g.filterHeight * g.filterWidth * C * O);
  forEachTap(g, (xo, fo, yo) => {
    for (let ci = 0; ci < C; ci++) {
      const xv = x[xo + ci]!;
      const f = fo + ci * O;
      for (let co = 0; co < O; co++) acc[f + co] = acc[f + co]! + xv * dy[yo + co]!;
    }
  });
  df.set(acc);
}
