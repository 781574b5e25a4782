import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DATASET_KINDS } from '@basin/db';
import { blockShuffled } from './block-shuffle';
import { chexpertDataset, type UncertainPolicy } from './chexpert';
import { DOMAINNET_DOMAINS, domainNetDataset } from './domainnet';
import { imageFolderDataset } from './image-folder';
import { npmMnistDataset, npmMnistDir } from './mnist';
import { SYNTHETIC_DOMAINS, syntheticDataset } from './synthetic';
import type { Dataset, DatasetKind } from './types';

/** Every kind {@link openDataset} knows: all of @basin/db's (the `datasets.kind` CHECK). */
export { DATASET_KINDS };

/**
 * What a run asks for. Fields a kind does not use are ignored; sizes default per kind (see each loader).
 */
export interface DatasetSpec {
  /** One of {@link DATASET_KINDS} (a string, as it arrives from GraphQL or a job payload). */
  kind: DatasetKind | string;
  /** Domain of a multi-domain source: DomainNet's `clipart`…, synthetic `photo`…. Required for those two. */
  domain?: string | null;
  /** Directory of a dataset read from disk (DomainNet, CheXpert, ImageFolder). Required for those. */
  root?: string | null;
  /** Training examples. Default: the loader's (all of them for disk sets). */
  trainSize?: number | null;
  /** Test examples. Default: the loader's. */
  testSize?: number | null;
  /** Image side in pixels. Default: 28 for MNIST-like, 32 otherwise. */
  side?: number | null;
  /** 1 or 3. Default: 1 for MNIST-like and CheXpert, 3 otherwise. */
  channels?: 1 | 3 | null;
  /** The run's seed: draws the block-shuffle permutation. Default 0. */
  seed?: number | null;
  /** Picks subsets and synthetic examples; kept apart from `seed` so runs share data. Default 0. */
  dataSeed?: number | null;
  /** null/undefined: no shuffle; 0: pixel shuffle "*"; b > 0: b×b block shuffle (b divides the side). */
  blockSize?: number | null;
  /** CheXpert only: what uncertain (−1) labels become. Default 'default' (see `UncertainPolicy`). */
  uncertainPolicy?: UncertainPolicy | null;
}

function opt<T>(v: T | null | undefined): T | undefined {
  return v === null ? undefined : v;
}

function checkKind(kind: string): DatasetKind {
  if (!(DATASET_KINDS as readonly string[]).includes(kind))
    throw new Error(`unknown dataset kind '${kind}' (expected one of ${DATASET_KINDS.join(', ')})`);
  return kind as DatasetKind;
}

/** The spec's domain; `domains` null accepts any name (DomainNet: the folders on disk decide). */
function requireDomain(spec: DatasetSpec, domains: readonly string[] | null): string {
  const known = domains ?? DOMAINNET_DOMAINS;
  if (!spec.domain) throw new Error(`dataset kind ${spec.kind} needs a domain (one of ${known.join(', ')})`);
  if (domains && !domains.includes(spec.domain))
    throw new Error(
      `dataset kind ${spec.kind}: unknown domain '${spec.domain}' (expected one of ${domains.join(', ')})`,
    );
  return spec.domain;
}

function requireRoot(spec: DatasetSpec): string {
  if (!spec.root) throw new Error(`dataset kind ${spec.kind} is read from disk and needs a root directory`);
  if (!existsSync(spec.root)) throw new Error(`dataset kind ${spec.kind}: root ${spec.root} does not exist`);
  return spec.root;
}

function missingPaths(root: string, names: string[]): string | null {
  const missing = names.filter((n) => !existsSync(join(root, n)));
  return missing.length === 0 ? null : `${root} lacks ${missing.join(', ')}`;
}

function diskOptions(spec: DatasetSpec) {
  return {
    root: requireRoot(spec),
    trainSize: opt(spec.trainSize),
    testSize: opt(spec.testSize),
    side: opt(spec.side),
    channels: opt(spec.channels),
    dataSeed: opt(spec.dataSeed),
  };
}

/**
 * Opens the dataset a spec names, block-shuffled when `blockSize` is set. Throws a clear error for an unknown
 * kind, a missing root or domain, or bad sizes.
 */
export async function openDataset(spec: DatasetSpec): Promise<Dataset> {
  const kind = checkKind(spec.kind);
  let base: Dataset;
  switch (kind) {
    case 'MNIST':
    case 'FASHION_MNIST':
      base = await npmMnistDataset(kind, {
        trainSize: opt(spec.trainSize),
        testSize: opt(spec.testSize),
        side: opt(spec.side),
        channels: opt(spec.channels),
        dataSeed: opt(spec.dataSeed),
      });
      break;
    case 'SYNTHETIC_DOMAIN':
      base = syntheticDataset({
        domain: requireDomain(spec, SYNTHETIC_DOMAINS),
        trainSize: opt(spec.trainSize),
        testSize: opt(spec.testSize),
        side: opt(spec.side),
        channels: opt(spec.channels),
        dataSeed: opt(spec.dataSeed),
      });
      break;
    case 'DOMAINNET':
      base = await domainNetDataset({ ...diskOptions(spec), domain: requireDomain(spec, null) });
      break;
    case 'CHEXPERT':
      base = await chexpertDataset({ ...diskOptions(spec), uncertainPolicy: opt(spec.uncertainPolicy) });
      break;
    case 'IMAGE_FOLDER':
      base = await imageFolderDataset(diskOptions(spec));
      break;
  }
  return blockShuffled(base, spec.blockSize, spec.seed ?? 0);
}

/**
 * Why this machine cannot serve a spec (package not installed, root or domain missing), or null when it can.
 * Cheap: checks presence, decodes nothing.
 */
export async function datasetUnavailableReason(spec: DatasetSpec): Promise<string | null> {
  try {
    const kind = checkKind(spec.kind);
    switch (kind) {
      case 'MNIST':
      case 'FASHION_MNIST':
        npmMnistDir(kind);
        return null;
      case 'SYNTHETIC_DOMAIN':
        requireDomain(spec, SYNTHETIC_DOMAINS);
        return null;
      case 'DOMAINNET': {
        const root = requireRoot(spec);
        const domain = requireDomain(spec, null);
        return missingPaths(root, [domain, `${domain}_train.txt`, `${domain}_test.txt`]);
      }
      case 'CHEXPERT':
        return missingPaths(requireRoot(spec), ['train.csv', 'valid.csv']);
      case 'IMAGE_FOLDER':
        return missingPaths(requireRoot(spec), ['train', 'test']);
    }
  } catch (err) {
    return (err as Error).message;
  }
}

/** Whether this machine can serve a spec: a runner only claims jobs whose dataset is present. */
export async function datasetAvailable(spec: DatasetSpec): Promise<boolean> {
  return (await datasetUnavailableReason(spec)) === null;
}
