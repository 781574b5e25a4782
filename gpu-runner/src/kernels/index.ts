/** wasm training kernels (conv gradients, broadcast Tile) built from the backend's fast ops. */
export { isBroadcastTile, registerWasmTrainingKernels } from './register';
