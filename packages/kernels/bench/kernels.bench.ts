/**
 * `npm run bench -w @basin/kernels [-- --json] [-- --rounds 2] [-- --quick]`: the native kernels against NumPy
 * (OpenBLAS) on this machine, in one run:
 *
 * 1. GEMM GFLOP/s, fp32 and fp64, square sizes, native vs NumPy on the same sizes; the default model's 3×3
 *    convolutions (forward and both gradients), direct vs im2col + GEMM;
 * 2. training images/s of the default model (ResNet-8 w16, batch 64; 32×32×3 and 28×28×1) and of ResNet-20 w16
 *    (32×32×3) on the wasm backend with the native kernels and without (`BASIN_KERNELS=off`), each in a fresh
 *    process;
 * 3. linear CKA (float64 accumulation) on 10,000 × 2,048 (feature form) and 2,000 × 16,384 (Gram form) with
 *    @basin/analysis (native DGEMM) vs a NumPy script of the same formula.
 *
 * Every measurement runs `--rounds` times (default 2): the best is reported with the spread (min–max), since the
 * machine is shared. NumPy runs with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset in its own environment (they
 * slow a current OpenBLAS; see the environment notes), and its BLAS kernel is reported when threadpoolctl exists.
 */

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
// @basin/analysis depends on @basin/kernels: resolved through the workspace link, not declared (no cycle for turbo).
import { gemmBackend, linearCka, writeNpy } from '@basin/analysis';
import { NUMPY_CKA_SCRIPT, numpyEnv } from '@basin/analysis/bench/numpy-cka';
import {
  conv2d,
  conv2dBackpropFilter,
  conv2dBackpropInput,
  convGeometry,
  dgemm,
  info,
  sgemm,
} from '../src/index';

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
const npEnv = numpyEnv();

interface Spread {
  best: number;
  min: number;
  max: number;
}
const push = (o: Record<string, number[]>, k: string, v: number) => {
  o[k] = [...(o[k] ?? []), v];
};
const spread = (v: number[], higherIsBetter: boolean): Spread => ({
  best: higherIsBetter ? Math.max(...v) : Math.min(...v),
  min: Math.min(...v),
  max: Math.max(...v),
});
const fmt = (s: Spread, d = 1) => `${s.best.toFixed(d)} (${s.min.toFixed(d)}–${s.max.toFixed(d)})`;

function python(script: string, argv: string[] = []): unknown {
  const r = spawnSync('python3', ['-c', script, ...argv], {
    encoding: 'utf8',
    env: npEnv,
    maxBuffer: 1 << 22,
  });
  if (r.status !== 0)
    throw new Error(`python3 failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`);
  return JSON.parse(r.stdout);
}

// ---- 1. GEMM -------------------------------------------------------------------------------------------------
const SIZES = args.quick ? [512, 1024] : [1024, 2048, 4096];
const GEMM_PY = `
import json, sys, time
import numpy as np
sizes = [int(s) for s in sys.argv[1].split(',')]
out = {"numpy": np.__version__, "blas": None, "gflops": {}}
try:
    from threadpoolctl import threadpool_info
    out["blas"] = [{k: i.get(k) for k in ("internal_api", "version", "architecture", "num_threads")} for i in threadpool_info()]
except Exception:
    pass
for dt in ("float32", "float64"):
    for n in sizes:
        a = np.random.rand(n, n).astype(dt); b = np.random.rand(n, n).astype(dt); c = a @ b
        best = 1e9
        for _ in range(3):
            t = time.perf_counter(); np.matmul(a, b, out=c); best = min(best, time.perf_counter() - t)
        out["gflops"][f"{dt}:{n}"] = 2 * n ** 3 / best / 1e9
print(json.dumps(out))
`;

function nativeGemm(dt: 'float32' | 'float64', n: number): number {
  const T = dt === 'float32' ? Float32Array : Float64Array;
  const a = new T(n * n).map(() => Math.random());
  const b = new T(n * n).map(() => Math.random());
  const c = new T(n * n);
  const run = () =>
    dt === 'float32'
      ? sgemm(a as Float32Array, b as Float32Array, c as Float32Array, { m: n, n, k: n })
      : dgemm(a as Float64Array, b as Float64Array, c as Float64Array, { m: n, n, k: n });
  run();
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    run();
    best = Math.min(best, performance.now() - t0);
  }
  return (2 * n ** 3) / (best / 1000) / 1e9;
}

const kinfo = info();
say(
  `native kernels: ${kinfo.impl}${kinfo.isa ? ` ${kinfo.isa}` : ''}, ${kinfo.threads} threads${kinfo.reason ? ` (${kinfo.reason})` : ''}`,
);
const gemmRows: { dtype: string; n: number; native: Spread; numpy: Spread | null }[] = [];
let blas: unknown = null;
let numpyVersion: string | null = null;
{
  const nat: Record<string, number[]> = {};
  const np: Record<string, number[]> = {};
  for (let r = 0; r < rounds; r++) {
    say(`GEMM round ${r + 1}/${rounds} …`);
    for (const dt of ['float32', 'float64'] as const)
      for (const n of SIZES) push(nat, `${dt}:${n}`, nativeGemm(dt, n));
    try {
      const o = python(GEMM_PY, [SIZES.join(',')]) as {
        numpy: string;
        blas: unknown;
        gflops: Record<string, number>;
      };
      numpyVersion = o.numpy;
      blas = o.blas;
      for (const [k, v] of Object.entries(o.gflops)) push(np, k, v);
    } catch (err) {
      say(`NumPy unavailable: ${(err as Error).message}`);
    }
  }
  for (const dt of ['float32', 'float64'] as const)
    for (const n of SIZES) {
      const k = `${dt}:${n}`;
      gemmRows.push({
        dtype: dt,
        n,
        native: spread(nat[k]!, true),
        numpy: np[k] ? spread(np[k]!, true) : null,
      });
    }
}

// ---- 1b. convolutions -----------------------------------------------------------------------------------------
// The 3×3 layers of ResNet-8 w16 on 32×32×3 at batch 64, each pass on both paths (BASIN_KERNELS_CONV, read by the
// addon on every call): direct (the padded image read in place) and im2col + GEMM. The default takes direct for
// layers of at most two vectors of output channels.
const CONV_LAYERS: {
  name: string;
  x: [number, number, number, number];
  f: [number, number, number, number];
  s: number;
}[] = [
  { name: 'conv1 3→16 32×32', x: [64, 32, 32, 3], f: [3, 3, 3, 16], s: 1 },
  { name: 'layer1 16→16 32×32', x: [64, 32, 32, 16], f: [3, 3, 16, 16], s: 1 },
  { name: 'layer2 16→32 /2', x: [64, 32, 32, 16], f: [3, 3, 16, 32], s: 2 },
  { name: 'layer2 32→32 16×16', x: [64, 16, 16, 32], f: [3, 3, 32, 32], s: 1 },
  { name: 'layer3 64→64 8×8', x: [64, 8, 8, 64], f: [3, 3, 64, 64], s: 1 },
];
const PASSES = ['forward', 'grad input', 'grad filter'] as const;
const convRows: { layer: string; pass: string; direct: Spread; gemm: Spread }[] = [];
if (kinfo.impl === 'native') {
  const convEnv = process.env.BASIN_KERNELS_CONV;
  const gf: Record<string, number[]> = {};
  for (let r = 0; r < rounds; r++) {
    say(`convolutions round ${r + 1}/${rounds} …`);
    for (const l of CONV_LAYERS) {
      const geo = convGeometry([...l.x], [...l.f], l.s, 'same');
      const x = new Float32Array(l.x.reduce((a, b) => a * b)).map(() => Math.random() - 0.5);
      const w = new Float32Array(l.f.reduce((a, b) => a * b)).map(() => Math.random() - 0.5);
      const y = new Float32Array(geo.batch * geo.outHeight * geo.outWidth * geo.outChannels).map(() =>
        Math.random(),
      );
      const dx = new Float32Array(x.length);
      const dw = new Float32Array(w.length);
      const flops = 2 * y.length * l.f[0] * l.f[1] * l.f[2];
      const run = [
        () => conv2d(x, w, y, geo),
        () => conv2dBackpropInput(y, w, dx, geo),
        () => conv2dBackpropFilter(x, y, dw, geo),
      ];
      for (const path of ['direct', 'gemm'] as const) {
        process.env.BASIN_KERNELS_CONV = path;
        run.forEach((f, i) => {
          f();
          let best = Number.POSITIVE_INFINITY;
          for (let k = 0; k < 10; k++) {
            const t0 = performance.now();
            f();
            best = Math.min(best, performance.now() - t0);
          }
          push(gf, `${l.name}|${PASSES[i]}|${path}`, flops / (best / 1000) / 1e9);
        });
      }
    }
  }
  if (convEnv === undefined) delete process.env.BASIN_KERNELS_CONV;
  else process.env.BASIN_KERNELS_CONV = convEnv;
  for (const l of CONV_LAYERS)
    for (const pass of PASSES)
      convRows.push({
        layer: l.name,
        pass,
        direct: spread(gf[`${l.name}|${pass}|direct`]!, true),
        gemm: spread(gf[`${l.name}|${pass}|gemm`]!, true),
      });
}

// ---- 2. training ---------------------------------------------------------------------------------------------
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

// ---- 3. CKA --------------------------------------------------------------------------------------------------
const CKA_PY = readFileSync(NUMPY_CKA_SCRIPT, 'utf8'); // shared with @basin/analysis's CKA benchmark
const scale = args.quick ? 0.25 : 1;
const CKA_CASES = [
  { form: 'feature' as const, n: Math.round(10_000 * scale), d: Math.round(2_048 * scale) },
  { form: 'gram' as const, n: Math.round(2_000 * scale), d: Math.round(16_384 * scale) },
];
function ckaData(n: number, d: number, seed: number): [Float32Array, Float32Array] {
  let s = seed >>> 0;
  const u = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
  const x = new Float32Array(n * d);
  const y = new Float32Array(n * d);
  for (let i = 0; i < n * d; i++) {
    const v = u() + (i % d) * 1e-3;
    x[i] = Math.max(0, v);
    y[i] = 0.5 * v + u();
  }
  return [x, y];
}
const ckaRows: { case: string; basinMs: Spread; numpyMs: Spread | null; cka: number; diff: number | null }[] =
  [];
const dir = mkdtempSync(join(tmpdir(), 'basin-kernels-bench-'));
try {
  for (const c of CKA_CASES) {
    const [x, y] = ckaData(c.n, c.d, 7);
    const fx = join(dir, 'x.npy');
    const fy = join(dir, 'y.npy');
    writeFileSync(fx, writeNpy({ dtype: 'float32', shape: [c.n, c.d], data: x }));
    writeFileSync(fy, writeNpy({ dtype: 'float32', shape: [c.n, c.d], data: y }));
    const ours: number[] = [];
    const theirs: number[] = [];
    let cka = 0;
    let npCka: number | null = null;
    for (let r = 0; r < rounds; r++) {
      say(`CKA ${c.form} ${c.n} × ${c.d} round ${r + 1}/${rounds} …`);
      const t0 = performance.now();
      cka = linearCka({ data: x, shape: [c.n, c.d] }, { data: y, shape: [c.n, c.d] }, { method: c.form }).cka;
      ours.push(performance.now() - t0);
      try {
        const o = python(CKA_PY, [fx, fy, c.form]) as { ms: number; cka: number };
        theirs.push(o.ms);
        npCka = o.cka;
      } catch (err) {
        say(`NumPy unavailable: ${(err as Error).message}`);
      }
    }
    ckaRows.push({
      case: `${c.form} ${c.n.toLocaleString('en')} × ${c.d.toLocaleString('en')}`,
      basinMs: spread(ours, false),
      numpyMs: theirs.length ? spread(theirs, false) : null,
      cka,
      diff: npCka === null ? null : Math.abs(npCka - cka),
    });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// ---- report --------------------------------------------------------------------------------------------------
const summary = {
  machine: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
  node: process.version,
  kernels: kinfo,
  analysisGemm: gemmBackend(),
  numpy: numpyVersion,
  blas,
  rounds,
  gemm: gemmRows,
  convolutions: convRows,
  training: trainRows,
  cka: ckaRows,
};
if (args.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
else {
  const out = (s = '') => process.stdout.write(`${s}\n`);
  out(
    `\n${summary.machine}, node ${process.version}; kernels: ${kinfo.impl}${kinfo.isa ? ` ${kinfo.isa}` : ''} × ${kinfo.threads} threads; NumPy ${numpyVersion ?? 'n/a'}`,
  );
  out(`best of ${rounds} rounds (min–max in brackets)\n`);
  out('GEMM (C = A·B, n×n)      native GFLOP/s           NumPy GFLOP/s            native/NumPy');
  for (const r of gemmRows)
    out(
      `${`${r.dtype} ${r.n}`.padEnd(24)} ${fmt(r.native).padEnd(24)} ${(r.numpy ? fmt(r.numpy) : '-').padEnd(24)} ${r.numpy ? `${((100 * r.native.best) / r.numpy.best).toFixed(0)}%` : '-'}`,
    );
  if (convRows.length) {
    out(
      '\nconvolutions, ResNet-8 w16 layers, batch 64   direct GFLOP/s          im2col+GEMM GFLOP/s     direct/GEMM',
    );
    for (const r of convRows)
      out(
        `${`${r.layer}, ${r.pass}`.padEnd(45)} ${fmt(r.direct, 0).padEnd(23)} ${fmt(r.gemm, 0).padEnd(23)} ${(r.direct.best / r.gemm.best).toFixed(2)}`,
      );
  }
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
  out(
    `\nlinear CKA (float64; analysis GEMM: ${gemmBackend()})   Basin ms               NumPy ms               Basin/NumPy  |Δcka|`,
  );
  for (const r of ckaRows)
    out(
      `${r.case.padEnd(47)} ${fmt(r.basinMs, 0).padEnd(22)} ${(r.numpyMs ? fmt(r.numpyMs, 0) : '-').padEnd(22)} ${r.numpyMs ? (r.basinMs.best / r.numpyMs.best).toFixed(2) : '-'}         ${r.diff === null ? '-' : r.diff.toExponential(1)}`,
    );
}
