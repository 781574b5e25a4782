// Datasets (gpu-runner/src/data); training engine (backend, checkpoint, kernels, model, train)
export * from './backend';
export * from './checkpoint';
export * from './data';
export * from './kernels';
export * from './model';
export * from './train';
