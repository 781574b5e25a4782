/**
 * One training measurement in a fresh process (the parent sets BASIN_KERNELS): the default model through the
 * engine's API on the wasm backend, warm-up, then steps for `seconds`. Prints one JSON line.
 *
 *   tsx bench/train-child.ts <side> <channels> <seconds> [depth] [width] [batch]
 */
import { initBackend, ResNet, resnetSpec, shutdownBackend, syntheticStep, trainingFlops } from '../src/index';

const [side = 32, channels = 3, seconds = 6, depth = 20, width = 16, batch = 64] = process.argv
  .slice(2)
  .map(Number);
const wasmThreads = process.env.BASIN_BENCH_WASM_THREADS
  ? Number(process.env.BASIN_BENCH_WASM_THREADS)
  : undefined;
const backend = await initBackend({ backend: 'wasm', threads: wasmThreads });
const spec = resnetSpec([side, side, channels], 10, { depth, width });
const { step } = syntheticStep(ResNet.create(spec, { seed: 1 }), batch);
step();
step();
let steps = 0;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
while (steps < 3 || performance.now() - t0 < seconds * 1000) {
  step();
  steps++;
}
const wall = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
process.stdout.write(
  `${JSON.stringify({
    imagesPerSec: (steps * batch) / wall,
    steps,
    cpuSecondsPerStep: (cpu.user + cpu.system) / 1e6 / steps,
    gflops: ((steps * batch) / wall) * (trainingFlops(spec) / 1e9),
    customKernels: backend.customKernels,
    threads: backend.threads,
  })}\n`,
);
await shutdownBackend();
process.exit(0);
