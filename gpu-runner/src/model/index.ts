/** ResNets with named modules, their specs, FLOP counts and TF.js Layers import. */
export { forwardFlops, trainingFlops } from './flops';
export {
  type ImportLayersOptions,
  type ImportReport,
  importLayersWeights,
  type LayersWeight,
  readLayersModel,
} from './layers-import';
export { countParams, type ModuleLayout, type ParamLayout, resnetLayout } from './layout';
export { type ForwardOptions, type ForwardResult, ResNet, WeightShapeError } from './resnet';
export {
  DEFAULT_RESNET,
  type ModelNorm,
  type ModelSpec,
  ModelSpecError,
  parseModelSpec,
  resnetSpec,
} from './spec';
