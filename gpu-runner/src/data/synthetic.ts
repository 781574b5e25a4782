import { lazySplit } from './lazy';
import { mulberry32 } from './memory';
import { mixSeed } from './seeds';
import { renderSynthetic, SYNTHETIC_DOMAINS, type SyntheticDomain } from './synthetic/domains';
import { SYNTHETIC_CLASSES } from './synthetic/shapes';
import type { Dataset, DatasetInfo } from './types';

export { SYNTHETIC_DOMAINS, type SyntheticDomain } from './synthetic/domains';
export { SYNTHETIC_CLASSES } from './synthetic/shapes';

/** Synthetic images are standardised as (v − 0.5) / 0.25 in every domain, so domains differ only in content. */
export const SYNTHETIC_NORMALIZATION = { mean: 0.5, std: 0.25 } as const;

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
  /** Standardise with {@link SYNTHETIC_NORMALIZATION}; false leaves values in [0, 1]. Default true. */
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
  const [mean, std] =
    options.normalize === false ? [0, 1] : [SYNTHETIC_NORMALIZATION.mean, SYNTHETIC_NORMALIZATION.std];
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
          else
            for (let i = 0; i < plane; i++) {
              const g = 0.299 * pixels[i * 3]! + 0.587 * pixels[i * 3 + 1]! + 0.114 * pixels[i * 3 + 2]!;
              x[base + i] = (g - mean) / std;
            }
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
