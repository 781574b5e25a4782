import { fileURLToPath } from 'node:url';

/** Path of the NumPy CKA reference script (python3 numpy_cka.py X.npy Y.npy feature|gram). */
export const NUMPY_CKA_SCRIPT = fileURLToPath(new URL('./numpy_cka.py', import.meta.url));

/**
 * The environment NumPy is benchmarked in: this one without OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE. Some machines
 * here set them (older OpenBLAS builds crash on these CPUs without); they pin a current OpenBLAS to slower AVX2
 * kernels, so keeping them would flatter Basin.
 */
export function numpyEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}
