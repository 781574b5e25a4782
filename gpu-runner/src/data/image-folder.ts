import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type DiskEntry, type DiskImageOptions, diskSplit, pickSubset, verifyFilesExist } from './disk-split';
import { checkShape, defaultNormalization } from './image';
import type { Dataset, DatasetInfo } from './types';

const IMAGE_FILE = /\.(png|jpe?g|webp)$/i;

/** Options of {@link imageFolderDataset}. */
export interface ImageFolderOptions extends DiskImageOptions {
  /** Directory holding `train/<class>/*` and `test/<class>/*`. Required. */
  root: string;
  /** Training examples (a subset drawn by dataSeed). Default: all. */
  trainSize?: number;
  /** Test examples (a fixed subset). Default: all. */
  testSize?: number;
  /** Picks the training subset. Default 0. */
  dataSeed?: number;
}

async function listDirs(dir: string): Promise<string[]> {
  return (await readdir(dir, { withFileTypes: true }))
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
}

async function listSplit(root: string, split: 'train' | 'test', classes: string[]): Promise<DiskEntry[]> {
  const dir = join(root, split);
  const entries: DiskEntry[] = [];
  for (const name of await listDirs(dir)) {
    const label = classes.indexOf(name);
    if (label < 0)
      throw new Error(
        `ImageFolder: ${join(dir, name)} is a class not present in train/ (classes: ${classes.join(', ')})`,
      );
    const files = (await readdir(join(dir, name))).filter((f) => IMAGE_FILE.test(f)).sort();
    for (const f of files)
      entries.push({ file: join(dir, name, f), label, where: `class '${name}' of ${split}/` });
  }
  return entries;
}

/**
 * Images sorted into class folders: `<root>/train/<class>/*.png|jpg|jpeg|webp` and the same under `test/`.
 * Classes are train's folder names, sorted; a test class missing from train is an error. Other files are
 * ignored. Defaults: side 32, channels 3, ImageNet normalisation, centre crop.
 */
export async function imageFolderDataset(options: ImageFolderOptions): Promise<Dataset> {
  const side = options.side ?? 32;
  const channels = options.channels ?? 3;
  checkShape(side, channels, 'ImageFolder');
  const { root } = options;
  for (const split of ['train', 'test'])
    if (!existsSync(join(root, split)))
      throw new Error(
        `ImageFolder: ${join(root, split)} does not exist (root must hold train/<class>/ and test/<class>/)`,
      );
  const classes = await listDirs(join(root, 'train'));
  if (classes.length === 0) throw new Error(`ImageFolder: ${join(root, 'train')} has no class folders`);
  const trainAll = await listSplit(root, 'train', classes);
  const testAll = await listSplit(root, 'test', classes);
  if (trainAll.length === 0) throw new Error(`ImageFolder: no images under ${join(root, 'train')}`);
  const train = pickSubset(
    trainAll.length,
    options.trainSize,
    options.dataSeed ?? 0,
    'ImageFolder train',
  ).map((i) => trainAll[i]!);
  const test = pickSubset(testAll.length, options.testSize, 0x7e57, 'ImageFolder test').map(
    (i) => testAll[i]!,
  );
  if (options.verifyFiles !== false) {
    await verifyFilesExist(train);
    await verifyFilesExist(test);
  }
  const decode = { side, channels, fit: options.fit ?? 'cover' };
  const norm = options.normalization ?? defaultNormalization(channels);
  const split = { concurrency: options.concurrency, cacheBytes: options.cacheBytes };
  const info: DatasetInfo = {
    kind: 'IMAGE_FOLDER',
    name: `ImageFolder ${root}`,
    domain: null,
    task: 'MULTICLASS',
    classes,
    shape: [side, side, channels],
    trainSize: train.length,
    testSize: test.length,
  };
  return { info, train: diskSplit(train, decode, norm, split), test: diskSplit(test, decode, norm, split) };
}
