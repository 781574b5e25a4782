/**
 * Training throughput on every backend that loads here: images/s, achieved GFLOP/s (forward + ≈2× backward),
 * fraction of the CPU's fp32 peak, and the ratio to the plain `cpu` backend.
 *
 *   npm run bench -w @basin/gpu-runner [-- --json] [-- --depth 20 --width 16 --batch 64 --side 32 --channels 3]
 *
 * The peak assumed is the practical fp32 GEMM peak measured with NumPy/OpenBLAS on this machine (2 vCPUs,
 * AVX-512 FMA): 534 GFLOP/s; override with BASIN_PEAK_GFLOPS. The `cpu` backend is very slow, so it runs a few
 * small batches only.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { type BackendInfo, initBackend, shutdownBackend } from '../src/backend/backend';
import { trainingFlops } from '../src/model/flops';
import { ResNet } from '../src/model/resnet';
import { resnetSpec } from '../src/model/spec';
import { syntheticStep } from '../src/train/synthetic-step';

const { values: args } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    depth: { type: 'string', default: '20' },
    width: { type: 'string', default: '16' },
    batch: { type: 'string', default: '64' },
    side: { type: 'string', default: '32' },
    channels: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '6' },
    backends: { type: 'string', default: 'tfjs-node-gpu,tfjs-node,wasm:1,wasm,cpu' },
  },
});
const PEAK = Number(process.env.BASIN_PEAK_GFLOPS ?? 534);
const side = Number(args.side);
const spec = resnetSpec([side, side, Number(args.channels)], 10, {
  depth: Number(args.depth),
  width: Number(args.width),
});
const flopsPerImage = trainingFlops(spec);

interface Row {
  backend: string;
  threads: number;
  batch: number;
  steps: number;
  imagesPerSec: number;
  gflops: number;
  peakFraction: number;
  matmulGflops: number;
  /** Kernels Basin registered on top of the backend. */
  kernels: string[];
  vsCpu?: number;
}

const log = (s: string) => {
  if (!args.json) process.stderr.write(`${s}\n`);
};

function matmulGflops(): number {
  const n = 512;
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  tf.matMul(a, b).dispose();
  let reps = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 500 || reps < 2) {
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
    reps++;
  }
  const s = (performance.now() - t0) / 1000;
  tf.dispose([a, b]);
  return (2 * n ** 3 * reps) / s / 1e9;
}

/** Times training steps of the default model: warm-up, then steps until `seconds` pass (at least `minSteps`). */
function timeTraining(
  batch: number,
  seconds: number,
  minSteps: number,
  warmup: boolean,
): { steps: number; perStep: number } {
  const { step, dispose } = syntheticStep(ResNet.create(spec, { seed: 1 }), batch);
  if (warmup) step();
  let steps = 0;
  const t0 = performance.now();
  while (steps < minSteps || (performance.now() - t0) / 1000 < seconds) {
    step();
    steps++;
  }
  const perStep = (performance.now() - t0) / 1000 / steps;
  dispose();
  return { steps, perStep };
}

const rows: Row[] = [];
const skipped: string[] = [];
for (const entry of args.backends.split(',')) {
  const [name, threadArg] = entry.split(':') as [string, string | undefined];
  let info: BackendInfo;
  try {
    info = await initBackend({ backend: name, threads: threadArg ? Number(threadArg) : undefined });
  } catch (err) {
    skipped.push(`${entry}: ${(err as Error).message.split('\n')[0]}`);
    log(`skip ${entry}: ${(err as Error).message.split('\n')[0]}`);
    continue;
  }
  const isCpu = info.name === 'cpu';
  const batch = isCpu ? Math.min(4, Number(args.batch)) : Number(args.batch);
  log(`${info.name} (${info.threads} thread${info.threads > 1 ? 's' : ''}) batch ${batch} …`);
  const mm = matmulGflops();
  const { steps, perStep } = timeTraining(batch, isCpu ? 0 : Number(args.seconds), isCpu ? 1 : 3, !isCpu);
  const ips = batch / perStep;
  const gflops = (ips * flopsPerImage) / 1e9;
  rows.push({
    backend: info.name,
    threads: info.threads,
    batch,
    steps,
    imagesPerSec: ips,
    gflops,
    peakFraction: gflops / PEAK,
    matmulGflops: mm,
    kernels: info.customKernels,
  });
  await shutdownBackend();
}
const cpu = rows.find((r) => r.backend === 'cpu');
for (const r of rows) if (cpu) r.vsCpu = r.imagesPerSec / cpu.imagesPerSec;

const cpuModel = os.cpus()[0]?.model ?? 'unknown CPU';
const summary = {
  model: { ...spec, trainingMflopsPerImage: flopsPerImage / 1e6 },
  machine: `${os.cpus().length} × ${cpuModel}`,
  assumedPeakGflops: PEAK,
  rows,
  skipped,
};
if (args.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
else {
  const f = (v: number, d = 1) => v.toFixed(d);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(
    `\nmodel resnet-${spec.depth} w${spec.width} ${spec.inputShape.join('×')}, ${f(flopsPerImage / 1e6)} MFLOP per training image; ` +
      `peak assumed ${PEAK} GFLOP/s (NumPy fp32 GEMM here); ${summary.machine}`,
  );
  out('backend        threads batch  img/s    GFLOP/s  %peak   ×cpu     matmul512 GFLOP/s');
  for (const r of rows)
    out(
      `${r.backend.padEnd(14)} ${String(r.threads).padStart(7)} ${String(r.batch).padStart(5)} ${f(r.imagesPerSec, 2).padStart(8)} ${f(r.gflops, 2).padStart(9)} ${f(100 * r.peakFraction, 2).padStart(6)} ${(r.vsCpu ? f(r.vsCpu, 0) : '-').padStart(6)} ${f(r.matmulGflops).padStart(10)}`,
    );
  for (const r of rows)
    if (r.kernels.length)
      out(`${r.backend}×${r.threads} kernels registered by Basin: ${r.kernels.join(', ')}`);
  for (const sk of skipped) out(`not available: ${sk}`);
}
process.exit(0);
