/**
 * Where a training step's time goes: `tf.profile` of the default model's step on the wasm backend (with the
 * native kernels unless BASIN_KERNELS=off), per kernel, or per kernel and output shape with `--by-shape`.
 *
 *   tsx bench/profile-step.ts [side=32] [channels=3] [depth=8] [width=16] [batch=64] [--by-shape]
 *
 * Kernel times are wall times inside each kernel (the profiler syncs after every op), so their sum is a little
 * above an unprofiled step; read the shares, not the total.
 */
// @basin/gpu-runner depends on @basin/kernels: resolved through the workspace link (see train-child.ts).

import * as tf from '@tensorflow/tfjs-core';
import { initBackend, ResNet, resnetSpec, shutdownBackend, syntheticStep } from '../src/index';

const byShape = process.argv.includes('--by-shape');
const [side = 32, channels = 3, depth = 8, width = 16, batch = 64] = process.argv
  .slice(2)
  .filter((a) => !a.startsWith('--'))
  .map(Number);
const backend = await initBackend({ backend: 'wasm' });
const spec = resnetSpec([side, side, channels], 10, { depth, width });
const { step } = syntheticStep(ResNet.create(spec, { seed: 1 }), batch);
for (let i = 0; i < 5; i++) step();
const N = 10;
const agg = new Map<string, { calls: number; ms: number }>();
let wall = 0;
for (let i = 0; i < N; i++) {
  const t0 = performance.now();
  const prof = await tf.profile(step);
  wall += performance.now() - t0;
  for (const k of prof.kernels) {
    const key = byShape ? `${k.name} ${JSON.stringify(k.outputShapes?.[0] ?? '')}` : k.name;
    const a = agg.get(key) ?? { calls: 0, ms: 0 };
    a.calls++;
    a.ms += Number(k.kernelTimeMs);
    agg.set(key, a);
  }
}
const rows = [...agg.entries()].sort((a, b) => b[1].ms - a[1].ms);
const total = rows.reduce((s, [, v]) => s + v.ms, 0) / N;
const out = (s: string) => process.stdout.write(`${s}\n`);
out(
  `ResNet-${depth} w${width} ${side}×${side}×${channels}, batch ${batch}; ${backend.customKernels.join(', ')}`,
);
out(`${'kernel'.padEnd(40)} ${'calls'.padStart(6)} ${'ms/step'.padStart(9)} ${'share'.padStart(7)}`);
for (const [k, v] of rows)
  out(
    `${k.padEnd(40)} ${String(v.calls / N).padStart(6)} ${(v.ms / N).toFixed(2).padStart(9)} ${`${((100 * v.ms) / N / total).toFixed(1)}%`.padStart(7)}`,
  );
out(`kernels ${total.toFixed(1)} ms/step; wall with profiling ${(wall / N).toFixed(1)} ms/step`);
await shutdownBackend();
process.exit(0);
