import { lazySplit } from './lazy';
import { mulberry32 } from './memory';
import { mixSeed } from './seeds';
import { renderSynthetic, SYNTHETIC_DOMAINS, type SyntheticDomain } from './synthetic/domains';
import { SYNTHETIC_CLASSES } from './synthetic/shapes';
import type { Dataset, DatasetInfo } from './types';

export { SYNTHETIC_DOMAINS, type SyntheticDomain } from './synthetic/domains';
export { SYNTHETIC_CLASSES } from './synthetic/shapes';

/**
 * How many training images {@link syntheticNormalization} measures a domain's pixel statistics on. Example i is
 * rendered from its own seed, so these are the same images whatever the split's size.
 */
export const NORMALIZATION_SAMPLE = 256;

const normalizations = new Map<string, { mean: number; std: number }>();

/**
 * Mean and standard deviation of one domain's pixels (in [0, 1], after the gray conversion when `channels` is 1),
 * measured on its first {@link NORMALIZATION_SAMPLE} training images — each dataset standardised with its own
 * training statistics, as MNIST and Fashion-MNIST are with theirs.
 *
 * @remarks One fixed (0.5, 0.25) for every domain left quickdraw-like images (white paper, thin strokes) at mean
 * 1.67, std 0.91 after standardising: a random-init Fixup ResNet then stalled at chance for 3–5 epochs and one seed
 * in three diverged back to chance at lr 0.03; standardised per domain, all three seeds trained (measured,
 * ResNet-8 width 8, 2,000 images, 12 epochs: test accuracy 0.997 / 0.999 / 0.998 against 0.997 / 0.100 / 0.969).
 */
export function syntheticNormalization(
  domain: SyntheticDomain,
  options: { side?: number; channels?: 1 | 3; dataSeed?: number } = {},
): { mean: number; std: number } {
  const side = options.side ?? 32;
  const channels = options.channels ?? 3;
  const key = `${domain}/${side}/${channels}/${options.dataSeed ?? 0}`;
  let n = normalizations.get(key);
  if (!n) {
    let sum = 0;
    let sq = 0;
    let count = 0;
    for (let i = 0; i < NORMALIZATION_SAMPLE; i++) {
      const { pixels } = syntheticExample(domain, 'train', i, { side, dataSeed: options.dataSeed });
      for (const v of channels === 3 ? pixels : gray(pixels)) {
        sum += v;
        sq += v * v;
        count++;
      }
    }
    const mean = sum / count;
    n = { mean, std: Math.sqrt(Math.max(sq / count - mean * mean, 1e-12)) };
    normalizations.set(key, n);
  }
  return n;
}

function gray(rgb: Float32Array): Float32Array {
  const out = new Float32Array(rgb.length / 3);
  for (let i = 0; i < out.length; i++)
    out[i] = 0.299 * rgb[i * 3]! + 0.587 * rgb[i * 3 + 1]! + 0.114 * rgb[i * 3 + 2]!;
  return out;
}

/** Options of {@link syntheticDataset}. */
export interface SyntheticOptions {
  /** One of {@link SYNTHETIC_DOMAINS}. Required. */
  domain: SyntheticDomain | string;
  /** Training examples (any number: generated on demand). Default 10 000. */
  trainSize?: number;
  /** Test examples. Default 2000. */
  testSize?: number;
  /** Image side, 8..256 (28 and 32 are the usual). Default 32. */
  side?: number;
  /** 3 (RGB) or 1 (luminance). Default 3. */
  channels?: 1 | 3;
  /** Seed of the generated examples; the same seed gives the same images. Default 0. */
  dataSeed?: number;
  /** Standardise with the domain's own pixel statistics ({@link syntheticNormalization}); false leaves values in [0, 1]. Default true. */
  normalize?: boolean;
}

/** Unit-range RGB or gray pixels of one example (for previews and tests). */
export function syntheticExample(
  domain: SyntheticDomain,
  split: 'train' | 'test',
  index: number,
  options: { side?: number; dataSeed?: number } = {},
): { pixels: Float32Array; label: number } {
  const side = options.side ?? 32;
  const seed = options.dataSeed ?? 0;
  const s = split === 'train' ? 0 : 1;
  const label = index % SYNTHETIC_CLASSES.length;
  const geometry = mulberry32(mixSeed(seed, s, index));
  const style = mulberry32(mixSeed(seed, s, index, 1 + SYNTHETIC_DOMAINS.indexOf(domain)));
  return { pixels: renderSynthetic(domain, label, side, geometry, style), label };
}

/**
 * The synthetic multi-domain set: the same 10 classes ({@link SYNTHETIC_CLASSES}) drawn in one domain.
 *
 * @remarks Example i has label i mod 10 and is rendered from its own seed (dataSeed, split, i), so any
 * example is produced on its own and any size streams without being stored. Example i has the same shape
 * and pose in every domain (only the rendering differs), which pairs inputs across domains. Train and test
 * draw from separate seed streams.
 */
export function syntheticDataset(options: SyntheticOptions): Dataset {
  const domain = options.domain as SyntheticDomain;
  if (!SYNTHETIC_DOMAINS.includes(domain))
    throw new Error(
      `synthetic: unknown domain '${options.domain}' (expected one of ${SYNTHETIC_DOMAINS.join(', ')})`,
    );
  const side = options.side ?? 32;
  const channels = options.channels ?? 3;
  const trainSize = options.trainSize ?? 10000;
  const testSize = options.testSize ?? 2000;
  if (!Number.isInteger(side) || side < 8 || side > 256)
    throw new Error(`synthetic: side must be an integer in 8..256, got ${side}`);
  if (channels !== 1 && channels !== 3)
    throw new Error(`synthetic: channels must be 1 or 3, got ${channels}`);
  for (const [name, v] of [
    ['trainSize', trainSize],
    ['testSize', testSize],
  ] as const)
    if (!Number.isInteger(v) || v < 0)
      throw new Error(`synthetic: ${name} must be a non-negative integer, got ${v}`);
  const { mean, std } =
    options.normalize === false
      ? { mean: 0, std: 1 }
      : syntheticNormalization(domain, { side, channels, dataSeed: options.dataSeed });
  const plane = side * side;
  const split = (which: 'train' | 'test', size: number) =>
    lazySplit({
      size,
      exampleSize: plane * channels,
      fill(indices, x, y) {
        for (let r = 0; r < indices.length; r++) {
          const { pixels, label } = syntheticExample(domain, which, indices[r]!, {
            side,
            dataSeed: options.dataSeed,
          });
          y[r] = label;
          const base = r * plane * channels;
          if (channels === 3) for (let i = 0; i < plane * 3; i++) x[base + i] = (pixels[i]! - mean) / std;
          else for (const [i, g] of gray(pixels).entries()) x[base + i] = (g - mean) / std;
        }
      },
    });
  const info: DatasetInfo = {
    kind: 'SYNTHETIC_DOMAIN',
    name: `synthetic/${domain}`,
    domain,
    task: 'MULTICLASS',
    classes: [...SYNTHETIC_CLASSES],
    shape: [side, side, channels],
    trainSize,
    testSize,
  };
  return { info, train: split('train', trainSize), test: split('test', testSize) };
}
