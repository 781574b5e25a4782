// Datasets (gpu-runner/src/data)
export * from './data';
