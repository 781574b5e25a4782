/** Datasets: the contract the trainer consumes (types.ts) and every source Basin can train on. */

export { applyShuffleMap, blockShuffled, blockShuffleMap } from './block-shuffle';
export {
  CHEXPERT_COLUMNS,
  CHEXPERT_LABELS,
  type ChexpertLabel,
  type ChexpertOptions,
  chexpertDataset,
  type UncertainMapping,
  type UncertainPolicy,
} from './chexpert';
export { type CsvTable, parseCsv, readCsv, requireColumns } from './csv';
export { type DiskEntry, type DiskImageOptions, diskSplit, pickSubset } from './disk-split';
export { DOMAINNET_DOMAINS, type DomainNetOptions, domainNetDataset } from './domainnet';
export {
  type DecodeOptions,
  decodeImage,
  defaultNormalization,
  IMAGENET_GRAY_NORMALIZATION,
  IMAGENET_NORMALIZATION,
  type ImageFit,
  type Normalization,
} from './image';
export { type ImageFolderOptions, imageFolderDataset } from './image-folder';
export { type LazySplitSource, lazySplit } from './lazy';
export { memoryDataset, memorySplit, mulberry32, permutation } from './memory';
export {
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_NORMALIZATION,
  fashionMnistDataset,
  loadNpmMnist,
  MNIST_NORMALIZATION,
  mnistDataset,
  type NpmMnistKind,
  type NpmMnistOptions,
  npmMnistDataset,
} from './mnist';
export {
  DATASET_KINDS,
  type DatasetSpec,
  datasetAvailable,
  datasetUnavailableReason,
  openDataset,
} from './registry';
export {
  NORMALIZATION_SAMPLE,
  SYNTHETIC_CLASSES,
  SYNTHETIC_DOMAINS,
  type SyntheticDomain,
  type SyntheticOptions,
  syntheticDataset,
  syntheticExample,
  syntheticNormalization,
} from './synthetic';
export type { Batch, BatchOptions, DataSplit, Dataset, DatasetInfo, DatasetKind, Task } from './types';
