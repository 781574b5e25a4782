import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { readCsv, requireColumns } from './csv';
import { type DiskEntry, type DiskImageOptions, diskSplit, pickSubset, verifyFilesExist } from './disk-split';
import { checkShape, defaultNormalization } from './image';
import type { Dataset, DatasetInfo } from './types';

/** The 5 CheXpert competition observations, in label order. */
export const CHEXPERT_LABELS = [
  'Atelectasis',
  'Cardiomegaly',
  'Consolidation',
  'Edema',
  'Pleural Effusion',
] as const;
export type ChexpertLabel = (typeof CHEXPERT_LABELS)[number];

/** The official CheXpert columns (train.csv and valid.csv). */
export const CHEXPERT_COLUMNS = [
  'Path',
  'Sex',
  'Age',
  'Frontal/Lateral',
  'AP/PA',
  'No Finding',
  'Enlarged Cardiomediastinum',
  'Cardiomegaly',
  'Lung Opacity',
  'Lung Lesion',
  'Edema',
  'Consolidation',
  'Pneumonia',
  'Atelectasis',
  'Pneumothorax',
  'Pleural Effusion',
  'Pleural Other',
  'Fracture',
  'Support Devices',
] as const;

/** Columns a CSV must have: the path and view metadata, and the 5 competition labels. */
const REQUIRED = ['Path', 'Sex', 'Age', 'Frontal/Lateral', 'AP/PA', ...CHEXPERT_LABELS] as const;

/** What an uncertain (−1) label becomes: 'ones' (U-Ones) or 'zeros' (U-Zeros). */
export type UncertainMapping = 'ones' | 'zeros';
/**
 * 'default' is U-Ones for Atelectasis and Edema and U-Zeros for the others (the CheXpert paper's best per
 * label); 'ones'/'zeros' apply to every label; an object sets labels one by one (others keep the default).
 */
export type UncertainPolicy = 'default' | UncertainMapping | Partial<Record<ChexpertLabel, UncertainMapping>>;

/** Options of {@link chexpertDataset}. */
export interface ChexpertOptions extends DiskImageOptions {
  /** Directory holding train.csv and valid.csv (e.g. `…/CheXpert-v1.0-small`). Required. */
  root: string;
  /** Uncertain-label policy. Default 'default'. */
  uncertainPolicy?: UncertainPolicy;
  /** Keep 'all' views, or only 'frontal' / 'lateral' ones. Default 'all'. */
  views?: 'all' | 'frontal' | 'lateral';
  /** Training examples (a subset drawn by dataSeed). Default: all. */
  trainSize?: number;
  /** Test examples, from valid.csv (a fixed subset). Default: all. */
  testSize?: number;
  /** Picks the training subset. Default 0. */
  dataSeed?: number;
}

function resolveUncertain(policy: UncertainPolicy): Record<ChexpertLabel, 0 | 1> {
  const out = {
    Atelectasis: 1,
    Cardiomegaly: 0,
    Consolidation: 0,
    Edema: 1,
    'Pleural Effusion': 0,
  } as Record<ChexpertLabel, 0 | 1>;
  if (policy === 'default') return out;
  if (policy === 'ones' || policy === 'zeros') {
    for (const l of CHEXPERT_LABELS) out[l] = policy === 'ones' ? 1 : 0;
    return out;
  }
  if (typeof policy !== 'object' || policy === null)
    throw new Error(
      `CheXpert: uncertainPolicy must be 'default', 'ones', 'zeros' or a per-label object, got ${String(policy)}`,
    );
  for (const [label, v] of Object.entries(policy)) {
    if (!(CHEXPERT_LABELS as readonly string[]).includes(label))
      throw new Error(`CheXpert: uncertainPolicy names '${label}', not one of ${CHEXPERT_LABELS.join(', ')}`);
    if (v !== 'ones' && v !== 'zeros')
      throw new Error(`CheXpert: uncertainPolicy.${label} must be 'ones' or 'zeros', got ${String(v)}`);
    out[label as ChexpertLabel] = v === 'ones' ? 1 : 0;
  }
  return out;
}

/** Image path of a CSV `Path`: the official paths start with the dataset folder (the root's own name). */
function imagePath(root: string, path: string): string {
  const first = path.split('/')[0];
  return first === basename(root) ? join(dirname(root), path) : join(root, path);
}

async function readEntries(
  root: string,
  csvName: string,
  uncertain: Record<ChexpertLabel, 0 | 1>,
  views: 'all' | 'frontal' | 'lateral',
): Promise<DiskEntry[]> {
  const file = join(root, csvName);
  const table = await readCsv(file);
  const col = requireColumns(table, REQUIRED);
  const entries: DiskEntry[] = [];
  table.rows.forEach((row, r) => {
    const where = `${csvName} row ${r + 1}`;
    const path = row[col.Path]?.trim();
    if (!path) throw new Error(`CheXpert ${file} row ${r + 1}: empty Path`);
    const view = row[col['Frontal/Lateral']]?.trim() ?? '';
    if (view !== 'Frontal' && view !== 'Lateral')
      throw new Error(
        `CheXpert ${file} row ${r + 1}: Frontal/Lateral is '${view}' (expected Frontal or Lateral)`,
      );
    if (views !== 'all' && view.toLowerCase() !== views) return;
    const label = new Float32Array(CHEXPERT_LABELS.length);
    CHEXPERT_LABELS.forEach((name, k) => {
      const raw = (row[col[name]] ?? '').trim();
      const v = raw === '' ? 0 : Number(raw);
      if (v === 1 || v === 0) label[k] = v;
      else if (v === -1) label[k] = uncertain[name];
      else
        throw new Error(
          `CheXpert ${file} row ${r + 1}, column '${name}': value '${raw}' (expected 1.0, 0.0, -1.0 or blank)`,
        );
    });
    entries.push({ file: imagePath(root, path), label, where });
  });
  return entries;
}

/**
 * CheXpert from its published layout: `<root>/train.csv` (train) and `<root>/valid.csv` (test), images under
 * the paths those files list. A MULTILABEL task over {@link CHEXPERT_LABELS}: uncertain −1 → per
 * `uncertainPolicy`, blank → 0. Grayscale by default (channels 1), side 32, ImageNet-gray normalisation.
 */
export async function chexpertDataset(options: ChexpertOptions): Promise<Dataset> {
  const side = options.side ?? 32;
  const channels = options.channels ?? 1;
  checkShape(side, channels, 'CheXpert');
  const { root } = options;
  if (!existsSync(join(root, 'train.csv')))
    throw new Error(
      `CheXpert: no train.csv in ${root} (root must be the folder holding train.csv and valid.csv)`,
    );
  const uncertain = resolveUncertain(options.uncertainPolicy ?? 'default');
  const views = options.views ?? 'all';
  const trainAll = await readEntries(root, 'train.csv', uncertain, views);
  const testAll = await readEntries(root, 'valid.csv', uncertain, views);
  const train = pickSubset(trainAll.length, options.trainSize, options.dataSeed ?? 0, 'CheXpert train').map(
    (i) => trainAll[i]!,
  );
  const test = pickSubset(testAll.length, options.testSize, 0x7e57, 'CheXpert test').map((i) => testAll[i]!);
  if (options.verifyFiles !== false) {
    await verifyFilesExist(train);
    await verifyFilesExist(test);
  }
  const decode = { side, channels, fit: options.fit ?? 'cover' };
  const norm = options.normalization ?? defaultNormalization(channels);
  const split = {
    concurrency: options.concurrency,
    cacheBytes: options.cacheBytes,
    labelWidth: CHEXPERT_LABELS.length,
  };
  const info: DatasetInfo = {
    kind: 'CHEXPERT',
    name: views === 'all' ? 'CheXpert' : `CheXpert (${views})`,
    domain: null,
    task: 'MULTILABEL',
    classes: [...CHEXPERT_LABELS],
    shape: [side, side, channels],
    trainSize: train.length,
    testSize: test.length,
  };
  return { info, train: diskSplit(train, decode, norm, split), test: diskSplit(test, decode, norm, split) };
}
