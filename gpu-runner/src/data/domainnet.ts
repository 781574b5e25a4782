import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type DiskEntry, type DiskImageOptions, diskSplit, pickSubset, verifyFilesExist } from './disk-split';
import { checkShape, defaultNormalization } from './image';
import type { Dataset, DatasetInfo } from './types';

/** DomainNet's six domains. */
export const DOMAINNET_DOMAINS = ['clipart', 'infograph', 'painting', 'quickdraw', 'real', 'sketch'] as const;

/** Options of {@link domainNetDataset}. */
export interface DomainNetOptions extends DiskImageOptions {
  /** Directory holding `<domain>/` and `<domain>_train.txt` / `<domain>_test.txt`. Required. */
  root: string;
  /** One of {@link DOMAINNET_DOMAINS} (any folder name with list files is accepted). Required. */
  domain: string;
  /** Training examples (a subset drawn by dataSeed). Default: all. */
  trainSize?: number;
  /** Test examples (a fixed subset). Default: all. */
  testSize?: number;
  /** Picks the training subset. Default 0. */
  dataSeed?: number;
}

/** Sorted class folders of `<root>/<domain>`: DomainNet numbers its classes alphabetically. */
async function classFolders(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch (err) {
    throw new Error(`DomainNet: cannot list the class folders of ${dir}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (names.length === 0) throw new Error(`DomainNet: ${dir} has no class folders`);
  return names.sort();
}

async function readList(
  root: string,
  domain: string,
  split: 'train' | 'test',
  classes: string[],
): Promise<DiskEntry[]> {
  const name = `${domain}_${split}.txt`;
  const file = join(root, name);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`DomainNet: cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  const entries: DiskEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const where = `${name} line ${i + 1}`;
    const m = /^(.*\S)\s+(\S+)$/.exec(line);
    if (!m) throw new Error(`DomainNet ${file} line ${i + 1}: expected 'path label', got '${line}'`);
    const [, path, labelText] = m as unknown as [string, string, string];
    const label = Number(labelText);
    if (!/^\d+$/.test(labelText) || label >= classes.length)
      throw new Error(
        `DomainNet ${file} line ${i + 1}: label '${labelText}' is outside the class range 0..${classes.length - 1}`,
      );
    const folder = path.split('/')[1];
    if (folder !== classes[label])
      throw new Error(
        `DomainNet ${file} line ${i + 1}: label ${label} is class '${classes[label]}' (alphabetical), but the path is in '${folder}'`,
      );
    entries.push({ file: join(root, path), label, where });
  });
  return entries;
}

/**
 * One DomainNet domain from its published layout: images under `<root>/<domain>/<class>/`, splits listed in
 * `<root>/<domain>_train.txt` and `<domain>_test.txt` (lines `path label`, paths relative to root). Classes
 * are the domain's class folders, sorted (DomainNet's numbering); every label is checked against its folder.
 * Defaults: side 32, channels 3, ImageNet normalisation, centre crop.
 */
export async function domainNetDataset(options: DomainNetOptions): Promise<Dataset> {
  const side = options.side ?? 32;
  const channels = options.channels ?? 3;
  checkShape(side, channels, 'DomainNet');
  const { root, domain } = options;
  if (!existsSync(root)) throw new Error(`DomainNet: root ${root} does not exist`);
  if (!existsSync(join(root, `${domain}_train.txt`)))
    throw new Error(
      `DomainNet: no ${domain}_train.txt in ${root} (domains: ${DOMAINNET_DOMAINS.join(', ')}; root holds <domain>/ and the list files)`,
    );
  const classes = await classFolders(join(root, domain));
  const trainAll = await readList(root, domain, 'train', classes);
  const testAll = await readList(root, domain, 'test', classes);
  const train = pickSubset(
    trainAll.length,
    options.trainSize,
    options.dataSeed ?? 0,
    `DomainNet ${domain} train`,
  ).map((i) => trainAll[i]!);
  const test = pickSubset(testAll.length, options.testSize, 0x7e57, `DomainNet ${domain} test`).map(
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
    kind: 'DOMAINNET',
    name: `DomainNet/${domain}`,
    domain,
    task: 'MULTICLASS',
    classes,
    shape: [side, side, channels],
    trainSize: train.length,
    testSize: test.length,
  };
  return { info, train: diskSplit(train, decode, norm, split), test: diskSplit(test, decode, norm, split) };
}
