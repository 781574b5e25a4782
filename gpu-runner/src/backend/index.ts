/** TF.js backends: tfjs-node-gpu → tfjs-node → wasm (threads, training kernels) → cpu. */
export {
  BACKEND_NAMES,
  type BackendInfo,
  type BackendName,
  backendInfo,
  type InitBackendOptions,
  initBackend,
  parseBackendName,
  shutdownBackend,
} from './backend';
