import { stat } from 'node:fs/promises';
import {
  checkNormalization,
  type DecodeOptions,
  decodeImage,
  type Normalization,
  normalizeInto,
} from './image';
import { lazySplit } from './lazy';
import { mulberry32 } from './memory';
import type { DataSplit } from './types';

/** One example on disk: its file, its label(s), and where it was listed (for error messages). */
export interface DiskEntry {
  file: string;
  /** Class index (multiclass) or 0/1 per label (multilabel). */
  label: number | Float32Array;
  /** E.g. "clipart_train.txt line 12" or "train.csv row 7". */
  where: string;
}

/** Options shared by every loader that reads images from disk. */
export interface DiskImageOptions {
  /** Output side in pixels. Default 32. */
  side?: number;
  /** 1 or 3. Default: 3 (1 for CheXpert). */
  channels?: 1 | 3;
  /** How images are made square. Default 'cover' (centre crop). */
  fit?: DecodeOptions['fit'];
  /** Per-channel mean/std of [0, 1] values. Default: ImageNet's (see `defaultNormalization`). */
  normalization?: Normalization;
  /** Images decoded at once, per split. Default 4. */
  concurrency?: number;
  /**
   * Bytes of decoded images kept in memory per split: a split that fits is decoded once and served from
   * memory afterwards; a larger one is decoded from disk every epoch, batch by batch. Default 256 MiB.
   */
  cacheBytes?: number;
  /** Check at open time that every listed file exists, so a missing image fails before training. Default true. */
  verifyFiles?: boolean;
}

/** Runs `task(i)` for i in 0..n-1 with at most `limit` in flight. */
async function pool(n: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker));
}

/** Throws naming the first listed file that does not exist. */
export async function verifyFilesExist(entries: DiskEntry[], concurrency = 16): Promise<void> {
  await pool(entries.length, concurrency, async (i) => {
    const e = entries[i]!;
    try {
      const s = await stat(e.file);
      if (!s.isFile()) throw new Error('not a file');
    } catch (err) {
      throw new Error(`image not found: ${e.file} (${e.where})`, { cause: err });
    }
  });
}

/**
 * A split of images on disk, decoded with sharp per batch (bounded concurrency, one batch prefetched), and
 * cached in memory when the whole split fits `cacheBytes`.
 */
export function diskSplit(
  entries: DiskEntry[],
  decode: DecodeOptions,
  norm: Normalization,
  options: Pick<DiskImageOptions, 'concurrency' | 'cacheBytes'> & { labelWidth?: number } = {},
): DataSplit {
  const { side, channels } = decode;
  checkNormalization(norm, channels, 'image loader');
  const exampleSize = side * side * channels;
  const labelWidth = options.labelWidth ?? 1;
  const concurrency = options.concurrency ?? 4;
  const cacheable = entries.length * exampleSize <= (options.cacheBytes ?? 256 * 2 ** 20);
  let cache: Uint8Array | null = null;
  let cached: Uint8Array | null = null;
  return lazySplit({
    size: entries.length,
    exampleSize,
    labelWidth,
    labelType: labelWidth === 1 ? 'int' : 'float',
    async fill(indices, x, y) {
      if (cacheable && !cache) {
        cache = new Uint8Array(entries.length * exampleSize);
        cached = new Uint8Array(entries.length);
      }
      await pool(indices.length, concurrency, async (r) => {
        const idx = indices[r]!;
        const e = entries[idx]!;
        let bytes: Uint8Array;
        if (cache && cached?.[idx]) bytes = cache.subarray(idx * exampleSize, (idx + 1) * exampleSize);
        else {
          bytes = await decodeImage(e.file, decode, e.where);
          if (cache && cached) {
            cache.set(bytes, idx * exampleSize);
            cached[idx] = 1;
          }
        }
        normalizeInto(bytes, channels, norm, x, r * exampleSize);
        if (typeof e.label === 'number') y[r] = e.label;
        else y.set(e.label, r * labelWidth);
      });
    },
  });
}

/** `size` indices of 0..n-1 drawn by `seed`, ascending (all of them when size is undefined). */
export function pickSubset(n: number, size: number | undefined, seed: number, what: string): number[] {
  if (size === undefined) return Array.from({ length: n }, (_, i) => i);
  if (!Number.isInteger(size) || size < 0 || size > n)
    throw new Error(`${what}: requested ${size} examples but ${n} are available`);
  const p = Array.from({ length: n }, (_, i) => i);
  const rand = mulberry32(seed);
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(rand() * (n - i));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p.slice(0, size).sort((q, r) => q - r);
}
