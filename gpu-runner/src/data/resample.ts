/**
 * Places a square single-channel image of side `src` into a square of side `dst` as floats in [0, 1]:
 * zero-padded and centred when `mode` is 'pad' (and dst ≥ src), bilinearly resampled otherwise.
 * Writes dst·dst values to `out` at `offset`.
 */
export function placeGray(
  pixels: Uint8Array,
  srcOffset: number,
  src: number,
  dst: number,
  mode: 'pad' | 'scale',
  out: Float32Array,
  offset: number,
): void {
  if (dst === src) {
    for (let i = 0; i < src * src; i++) out[offset + i] = pixels[srcOffset + i]! / 255;
    return;
  }
  if (mode === 'pad' && dst > src) {
    const m = (dst - src) >> 1;
    out.fill(0, offset, offset + dst * dst);
    for (let r = 0; r < src; r++)
      for (let c = 0; c < src; c++)
        out[offset + (r + m) * dst + c + m] = pixels[srcOffset + r * src + c]! / 255;
    return;
  }
  const scale = src / dst;
  for (let r = 0; r < dst; r++) {
    const sy = Math.min(src - 1, Math.max(0, (r + 0.5) * scale - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(src - 1, y0 + 1);
    const fy = sy - y0;
    for (let c = 0; c < dst; c++) {
      const sx = Math.min(src - 1, Math.max(0, (c + 0.5) * scale - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(src - 1, x0 + 1);
      const fx = sx - x0;
      const p = (yy: number, xx: number) => pixels[srcOffset + yy * src + xx]!;
      const v =
        (1 - fy) * ((1 - fx) * p(y0, x0) + fx * p(y0, x1)) + fy * ((1 - fx) * p(y1, x0) + fx * p(y1, x1));
      out[offset + r * dst + c] = v / 255;
    }
  }
}
