// Datasets (gpu-runner/src/data)
export type { Batch, BatchOptions, DataSplit, Dataset, DatasetInfo, DatasetKind, Task } from './data/types';
export { memoryDataset, memorySplit, mulberry32, permutation } from './data/memory';
export { lazySplit, type LazySplitSource } from './data/lazy';
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
} from './data/mnist';
