/**
 * `npm run bench -w @basin/kernels [-- --json] [-- --rounds 2] [-- --quick]`: the native kernels against NumPy
 * (OpenBLAS) on this machine: GEMM GFLOP/s, fp32 and fp64, square sizes, native vs NumPy on the same sizes; the
 * default model's 3×3 convolutions (forward and both gradients), direct vs im2col + GEMM.
 *
 * What the kernels buy downstream is measured where those packages declare them: training images/s with and
 * without them in @basin/gpu-runner (bench/kernels-train.bench.ts), linear CKA against NumPy in @basin/analysis
 * (bench/cka.bench.ts).
 *
 * Every measurement runs `--rounds` times (default 2): the best is reported with the spread (min–max), since the
 * machine is shared. NumPy runs with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset in its own environment (they
 * slow a current OpenBLAS; see the environment notes), and its BLAS kernel is reported when threadpoolctl exists.
 */

import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
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
const say = (s: string) => {
  if (!args.json) process.stderr.write(`${s}\n`);
};
// NumPy runs without OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE: they pin a current OpenBLAS to slower kernels.
const { OPENBLAS_CORETYPE: _coretype, OPENBLAS_L2_SIZE: _l2, ...npEnv } = process.env;

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

// ---- report --------------------------------------------------------------------------------------------------
const summary = {
  machine: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
  node: process.version,
  kernels: kinfo,
  numpy: numpyVersion,
  blas,
  rounds,
  gemm: gemmRows,
  convolutions: convRows,
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
}
