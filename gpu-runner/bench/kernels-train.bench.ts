/**
 * `npm run bench -w @basin/gpu-runner` (part 2 of 3) — what the native CPU kernels (@basin/kernels) buy training:
 * images/s of the default model (ResNet-8 w16, batch 64; 32×32×3 and 28×28×1) and of ResNet-20 w16 (32×32×3) on
 * the wasm backend with the native kernels and without (`BASIN_KERNELS=off`), each in a fresh process
 * (bench/train-child.ts), and with the wasm backend on one thread.
 *
 *   tsx bench/kernels-train.bench.ts [--json] [--rounds 2] [--quick] [--seconds 6]
 *
 * Every measurement runs `--rounds` times (default 2): the best is reported with the spread (min–max), since the
 * machine is shared.
 */
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    rounds: { type: 'string', default: '2' },
    quick: { type: 'boolean', default: false },
    seconds: { type: 'string', default: '6' },
  },
});
const rounds = Math.max(1, Number(args.rounds));
const here = dirname(fileURLToPath(import.meta.url));
const say = (s: string) => {
  if (!args.json) process.stderr.write(`${s}\n`);
};

interface Spread {
  best: number;
  min: number;
  max: number;
}
const spread = (v: number[], higherIsBetter: boolean): Spread => ({
  best: higherIsBetter ? Math.max(...v) : Math.min(...v),
  min: Math.min(...v),
  max: Math.max(...v),
});
const fmt = (s: Spread, d = 1) => `${s.best.toFixed(d)} (${s.min.toFixed(d)}–${s.max.toFixed(d)})`;

// ---- training ---------------------------------------------------------------------------------------------
// ResNet-8 w16 (16/32/64 channels) is the default study's model at --scale medium and large; 32×32×3 is the
// target case (≥ 500 img/s, ≥ 5× wasm), 28×28×1 the MNIST shape the study trains on; ResNet-20 the deeper one.
const TRAIN_CASES = [
  { name: 'resnet-8 w16 32×32×3', side: 32, channels: 3, depth: 8 },
  { name: 'resnet-8 w16 28×28×1', side: 28, channels: 1, depth: 8 },
  { name: 'resnet-20 w16 32×32×3', side: 32, channels: 3, depth: 20 },
];
type TrainCase = (typeof TRAIN_CASES)[number];
interface TrainOut {
  imagesPerSec: number;
  cpuSecondsPerStep: number;
  customKernels: string[];
}
function trainOnce(c: TrainCase, kernels: boolean, wasmThreads?: number): TrainOut {
  const secs = args.quick ? '2' : args.seconds;
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      join(here, 'train-child.ts'),
      ...[c.side, c.channels, secs, c.depth, 16, 64].map(String),
    ],
    {
      encoding: 'utf8',
      env: {
        ...process.env,
        BASIN_KERNELS: kernels ? 'on' : 'off',
        BASIN_LOG_LEVEL: 'warn',
        ...(wasmThreads ? { BASIN_BENCH_WASM_THREADS: String(wasmThreads) } : {}),
      },
    },
  );
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{'))
    throw new Error(`training child failed: ${r.stderr.trim().split('\n').pop()}`);
  return JSON.parse(line) as TrainOut;
}
const trainRows: {
  name: string;
  native: Spread;
  wasm: Spread;
  speedup: number;
  nativeCpuPerStep: number;
  wasmCpuPerStep: number;
  /** native kernels with the wasm backend on one thread (no XNNPACK worker competing for the cores) */
  nativeWasm1: Spread;
  nativeKernels: boolean;
}[] = [];
for (const c of TRAIN_CASES) {
  const nat: number[] = [];
  const wasm: number[] = [];
  const natCpu: number[] = [];
  const nat1: number[] = [];
  const wasmCpu: number[] = [];
  let used = false;
  for (let r = 0; r < rounds; r++) {
    say(`training ${c.name} round ${r + 1}/${rounds} …`);
    const a = trainOnce(c, true);
    used = a.customKernels.some((k) => k.startsWith('native:'));
    nat.push(a.imagesPerSec);
    natCpu.push(a.cpuSecondsPerStep);
    nat1.push(trainOnce(c, true, 1).imagesPerSec);
    const b = trainOnce(c, false);
    wasm.push(b.imagesPerSec);
    wasmCpu.push(b.cpuSecondsPerStep);
  }
  const n = spread(nat, true);
  const w = spread(wasm, true);
  trainRows.push({
    name: c.name,
    native: n,
    wasm: w,
    speedup: n.best / w.best,
    nativeCpuPerStep: Math.min(...natCpu),
    wasmCpuPerStep: Math.min(...wasmCpu),
    nativeWasm1: spread(nat1, true),
    nativeKernels: used,
  });
}

// ---- report --------------------------------------------------------------------------------------------------
const summary = {
  machine: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
  node: process.version,
  rounds,
  training: trainRows,
};
if (args.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
else {
  const out = (s = '') => process.stdout.write(`${s}\n`);
  out(`\n${summary.machine}, node ${process.version}; best of ${rounds} rounds (min–max in brackets)`);
  out(
    '\ntraining (wasm backend, batch 64)   with native kernels img/s   without (wasm) img/s   speed-up   CPU s/step native / wasm',
  );
  for (const r of trainRows)
    out(
      `${r.name.padEnd(35)} ${fmt(r.native).padEnd(27)} ${fmt(r.wasm).padEnd(22)} ${`${r.speedup.toFixed(1)}×`.padEnd(10)} ${r.nativeCpuPerStep.toFixed(2)} / ${r.wasmCpuPerStep.toFixed(2)}${r.nativeKernels ? '' : ' (native kernels NOT in use)'}`,
    );
  for (const r of trainRows)
    out(
      `  ${r.name}, native kernels + wasm on 1 thread: ${fmt(r.nativeWasm1)} img/s (${(r.nativeWasm1.best / r.wasm.best).toFixed(1)}× the wasm figure)`,
    );
}
