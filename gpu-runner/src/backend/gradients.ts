/**
 * Registers TF.js's gradient functions.
 *
 * @remarks tfjs-core's Node bundle (`tf-core.node.js`, what `import '@tensorflow/tfjs-core'` loads) registers no
 * gradients; the union package `@tensorflow/tfjs` does so by importing `dist/register_all_gradients.js`, which is
 * ES-module source with extensionless imports that Node cannot load natively. Under tsx (how Basin runs its
 * TypeScript sources) `require` transpiles it. The registries live on the global TF.js namespace, so the
 * gradients it registers serve the one engine every package shares.
 */
import { createRequire } from 'node:module';
import { getGradient } from '@tensorflow/tfjs-core';

/** Makes sure gradients (e.g. `Conv2D`'s) are registered; loads tfjs-core's gradient set once if not. */
export function ensureGradients(): void {
  if (getGradient('Conv2D')) return;
  try {
    createRequire(import.meta.url)('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  } catch (err) {
    throw new Error(
      'could not register TF.js gradients from @tensorflow/tfjs-core/dist/register_all_gradients.js ' +
        '(Basin runs under tsx, whose require hook transpiles it)',
      { cause: err },
    );
  }
  if (!getGradient('Conv2D')) throw new Error('TF.js gradients did not register');
}
