import sharp from 'sharp';

/** How a decoded image becomes a square of `side` pixels (sharp's `fit`). */
export type ImageFit = 'cover' | 'contain' | 'fill';

/** Per-channel standardisation (values first scaled to [0, 1]); one value applies to every channel. */
export interface Normalization {
  mean: number[];
  std: number[];
}

/** ImageNet statistics, the usual choice for RGB photos (DomainNet, ImageFolder). */
export const IMAGENET_NORMALIZATION: Normalization = {
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
};
/** ImageNet statistics averaged over channels, for grayscale images. */
export const IMAGENET_GRAY_NORMALIZATION: Normalization = { mean: [0.449], std: [0.226] };

/** The default normalisation for a channel count: ImageNet's, or its channel average for grayscale. */
export function defaultNormalization(channels: 1 | 3): Normalization {
  return channels === 3 ? IMAGENET_NORMALIZATION : IMAGENET_GRAY_NORMALIZATION;
}

/** Options of {@link decodeImage}. */
export interface DecodeOptions {
  /** Output side in pixels. */
  side: number;
  /** 1 (grayscale: luminance of colour images) or 3 (RGB: gray images replicated). */
  channels: 1 | 3;
  /** 'cover' crops the centre, 'contain' letterboxes in black, 'fill' stretches. Default 'cover'. */
  fit?: ImageFit;
}

/**
 * Decodes an image file (PNG, JPEG, WebP…) with sharp into side·side·channels bytes, HWC.
 * Alpha is dropped; grayscale ↔ RGB is converted as asked (gray = 0.299 R + 0.587 G + 0.114 B). Truncated or corrupt files throw an error that
 * names the file (and `where` it was listed, when given).
 */
export async function decodeImage(file: string, options: DecodeOptions, where?: string): Promise<Uint8Array> {
  const { side, channels } = options;
  let data: Buffer;
  let got: number;
  try {
    let img = sharp(file, { failOn: 'truncated' }).resize(side, side, {
      fit: options.fit ?? 'cover',
      background: { r: 0, g: 0, b: 0 },
    });
    // Always decode to sRGB; gray is computed here (Rec. 601 luma on the sRGB values, as MNIST-style and
    // synthetic data do) because libvips' b-w conversion uses a perceptual L* that differs by up to ~20 levels.
    img = img.toColourspace('srgb');
    const out = await img.removeAlpha().raw().toBuffer({ resolveWithObject: true });
    data = out.data;
    got = out.info.channels;
  } catch (err) {
    const missing = /missing|ENOENT|no such file/i.test((err as Error).message);
    throw new Error(
      `${missing ? 'image not found' : 'cannot decode image'}: ${file}${where ? ` (${where})` : ''}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  if (got === channels) return new Uint8Array(data.buffer, data.byteOffset, data.length);
  // RGB → gray (luma), or a single band that sharp kept for a gray input → RGB.
  const n = side * side;
  const out = new Uint8Array(n * channels);
  for (let i = 0; i < n; i++)
    if (channels === 3) out.fill(data[i * got]!, i * 3, i * 3 + 3);
    else
      out[i] = Math.round(0.299 * data[i * got]! + 0.587 * data[i * got + 1]! + 0.114 * data[i * got + 2]!);
  return out;
}

/** Writes bytes (HWC, `channels` per pixel) as normalised floats into `out` at `offset`. */
export function normalizeInto(
  bytes: Uint8Array,
  channels: number,
  norm: Normalization,
  out: Float32Array,
  offset: number,
): void {
  for (let i = 0; i < bytes.length; i++) {
    const k = i % channels;
    const mean = norm.mean[k] ?? norm.mean[0]!;
    const std = norm.std[k] ?? norm.std[0]!;
    out[offset + i] = (bytes[i]! / 255 - mean) / std;
  }
}

/** Checks a normalisation against a channel count; throws naming the field and value. */
export function checkNormalization(norm: Normalization, channels: number, what: string): void {
  for (const key of ['mean', 'std'] as const) {
    const v = norm[key];
    if (v.length !== 1 && v.length !== channels)
      throw new Error(`${what}: normalization.${key} has ${v.length} values, expected 1 or ${channels}`);
    if (v.some((x) => !Number.isFinite(x) || (key === 'std' && x <= 0)))
      throw new Error(
        `${what}: normalization.${key} [${v.join(', ')}] must be finite${key === 'std' ? ' and positive' : ''}`,
      );
  }
}

/** Checks an output side and channel count; throws naming the value. */
export function checkShape(side: number, channels: number, what: string): void {
  if (!Number.isInteger(side) || side < 4 || side > 1024)
    throw new Error(`${what}: side must be an integer in 4..1024, got ${side}`);
  if (channels !== 1 && channels !== 3) throw new Error(`${what}: channels must be 1 or 3, got ${channels}`);
}
