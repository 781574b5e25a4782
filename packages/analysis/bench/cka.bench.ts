/**
 * Linear CKA speed: Basin (TypeScript + a wasm SIMD kernel, float64) against NumPy float64 running the same formula.
 * BASIN_GEMM=js forces the plain-JS kernel; BASIN_THREADS=1 keeps it on one thread.
 *
 *   npm run bench -w @basin/analysis            # full sizes from the issue
 *   BASIN_BENCH_SCALE=0.25 npm run bench -w @basin/analysis   # smaller, for a quick look
 *
 * Cases: 10,000 × 2,048 vs 10,000 × 2,048 (feature form: XᵀY, XᵀX, YᵀY) and 2,000 × 16,384 vs 2,000 × 16,384
 * (Gram form: XXᵀ, YYᵀ). NumPy runs in a python3 subprocess (without OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, see
 * `numpyEnv`) on the same float32 data (written to a temp .npy),
 * converting to float64 and centring inside the timed region, as Basin does. Without python3 + numpy that column
 * is skipped with a message.
 */

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CkaMethod, linearCka } from '../src/cka';
import { gemmBackend } from '../src/gemm';
import { gemmThreads } from '../src/gemm-parallel';
import { writeNpy } from '../src/npy';
import { NUMPY_CKA_SCRIPT, numpyEnv } from './numpy-cka';

const scale = Number(process.env.BASIN_BENCH_SCALE ?? 1);
const cases: { name: string; n: number; d: number; method: CkaMethod }[] = [
  { name: 'feature', n: Math.round(10_000 * scale), d: Math.round(2_048 * scale), method: 'feature' },
  { name: 'gram', n: Math.round(2_000 * scale), d: Math.round(16_384 * scale), method: 'gram' },
];

/** Deterministic pseudo-activations: Y shares half its signal with X. */
function data(n: number, d: number, seed: number): [Float32Array, Float32Array] {
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

/** The NumPy reference (bench/numpy-cka.ts). */
const PY = NUMPY_CKA_SCRIPT;

function numpyAvailable(): string | undefined {
  const r = spawnSync('python3', ['-c', 'import numpy; print(numpy.__version__)'], {
    encoding: 'utf8',
    env: numpyEnv(),
  });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

const numpy = numpyAvailable();
const dir = mkdtempSync(join(tmpdir(), 'basin-bench-'));
const rows: string[][] = [];
process.stdout.write(
  `Linear CKA, float64 accumulation — Basin GEMM kernel '${gemmBackend()}' (${gemmThreads()} thread${gemmThreads() > 1 ? 's' : ''}) vs NumPy (${numpy ? `numpy ${numpy}` : 'unavailable'})\n` +
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, node ${process.version}, scale ${scale}\n\n`,
);
if (!numpy) process.stdout.write('python3 with numpy not found: skipping the NumPy column.\n\n');
try {
  for (const c of cases) {
    const [x, y] = data(c.n, c.d, 7);
    const t0 = performance.now();
    const r = linearCka({ data: x, shape: [c.n, c.d] }, { data: y, shape: [c.n, c.d] }, { method: c.method });
    const ms = performance.now() - t0;
    // multiply-adds: feature 3 d×d products (2 symmetric, half each) = 2·n·d² ; Gram 2 symmetric n×n = n²·d
    const flops = c.method === 'feature' ? 2 * (2 * c.n * c.d * c.d) : 2 * (c.n * c.n * c.d);
    let npMs = '-';
    let ratio = '-';
    let diff = '-';
    if (numpy) {
      const fx = join(dir, 'x.npy');
      const fy = join(dir, 'y.npy');
      writeFileSync(fx, writeNpy({ dtype: 'float32', shape: [c.n, c.d], data: x }));
      writeFileSync(fy, writeNpy({ dtype: 'float32', shape: [c.n, c.d], data: y }));
      const p = spawnSync('python3', [PY, fx, fy, c.name], {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
        env: numpyEnv(),
      });
      if (p.status === 0) {
        const o = JSON.parse(p.stdout) as { ms: number; cka: number };
        npMs = o.ms.toFixed(0);
        ratio = `${(ms / o.ms).toFixed(1)}× slower`;
        if (ms < o.ms) ratio = `${(o.ms / ms).toFixed(1)}× faster`;
        diff = Math.abs(o.cka - r.cka).toExponential(1);
      } else {
        npMs = `failed: ${p.stderr.trim().split('\n').pop()}`;
      }
    }
    rows.push([
      `${c.name} (${r.method})`,
      `${c.n.toLocaleString('en')} × ${c.d.toLocaleString('en')}`,
      r.cka.toFixed(6),
      ms.toFixed(0),
      (flops / ms / 1e6).toFixed(2),
      npMs,
      ratio,
      diff,
    ]);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const head = [
  'case',
  'X and Y shape',
  'CKA',
  'Basin ms',
  'Basin GFLOP/s',
  'NumPy ms',
  'Basin vs NumPy',
  '|ΔCKA|',
];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (r: string[]) => r.map((v, i) => v.padEnd(widths[i]!)).join('  ');
process.stdout.write(
  `${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.map(line).join('\n')}\n`,
);
