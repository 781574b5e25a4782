/** Datasets: the contract the trainer consumes (types.ts) and every source Basin can train on. */

export { applyShuffleMap, blockShuffled, blockShuffleMap } from './block-shuffle';
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
  SYNTHETIC_CLASSES,
  SYNTHETIC_DOMAINS,
  SYNTHETIC_NORMALIZATION,
  type SyntheticDomain,
  type SyntheticOptions,
  syntheticDataset,
  syntheticExample,
} from './synthetic';
export type { Batch, BatchOptions, DataSplit, Dataset, DatasetInfo, DatasetKind, Task } from './types';
