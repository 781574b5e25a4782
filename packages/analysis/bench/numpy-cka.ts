import { fileURLToPath } from 'node:url';

/** Path of the NumPy CKA reference script (python3 numpy_cka.py X.npy Y.npy feature|gram). */
export const NUMPY_CKA_SCRIPT = fileURLToPath(new URL('./numpy_cka.py', import.meta.url));
