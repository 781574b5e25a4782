/**
 * Metric ingestion and downsampling benchmark (`npm run bench -w @basin/db`).
 * Reports, in one run: points/s of `ingestMetrics` and of a bare multi-row `INSERT … VALUES` of the same rows
 * into the same table, their ratio, and downsampling latency of a 100,000-point series to 1,000 buckets.
 * Runs on the embedded database, and on the server too when DATABASE_URL is set.
 */
import { performance } from 'node:perf_hooks';
import { downsampleMetric, ingestMetrics, type MetricPoint, metricKeyIds } from '../src/metrics';
import { createTestDatabase, seedRuns, type TestDatabase } from '../src/testing';

const RUNS = 4;
const KEYS = ['train/loss', 'train/acc'];
const STEPS = 50_000; // per key per run → 400,000 points in all
const BATCH = 1_000; // what a runner sends: about a second of steps for a few keys

function pointsFor(run: number): MetricPoint[] {
  const pts: MetricPoint[] = [];
  for (let step = 0; step < STEPS; step++) {
    for (const key of KEYS)
      pts.push({ key, step, value: Math.sin(step * 0.001 + run) + (step % 997 === 0 ? 10 : 0) });
  }
  return pts;
}

async function bare(db: TestDatabase, runIds: string[], all: MetricPoint[][]): Promise<number> {
  const ids = await metricKeyIds(db.sql, KEYS);
  const t0 = performance.now();
  for (let r = 0; r < runIds.length; r++) {
    const pts = all[r]!;
    for (let i = 0; i < pts.length; i += BATCH) {
      const rows = pts
        .slice(i, i + BATCH)
        .map((p) => ({ run_id: runIds[r]!, key_id: ids.get(p.key)!, step: p.step, value: p.value }));
      await db.sql`insert into metric_points ${db.sql(rows, 'run_id', 'key_id', 'step', 'value')}`;
    }
  }
  return performance.now() - t0;
}

async function ours(db: TestDatabase, runIds: string[], all: MetricPoint[][]): Promise<number> {
  const t0 = performance.now();
  for (let r = 0; r < runIds.length; r++) {
    const pts = all[r]!;
    for (let i = 0; i < pts.length; i += BATCH)
      await ingestMetrics(db.sql, runIds[r]!, pts.slice(i, i + BATCH));
  }
  return performance.now() - t0;
}

async function bench(label: string, env: NodeJS.ProcessEnv) {
  const db = await createTestDatabase({ env });
  try {
    const runIds = await seedRuns(db.sql, RUNS * 2);
    const all = Array.from({ length: RUNS }, (_, r) => pointsFor(r));
    const total = all.reduce((a, p) => a + p.length, 0);
    // warm-up: key interning, plan caches
    await ingestMetrics(db.sql, runIds[0]!, all[0]!.slice(0, 100));
    await db.sql`delete from metric_points`;
    await db.sql`delete from run_metric_keys`;

    // alternate order so neither side always runs on a warmer cache
    const tBare = await bare(db, runIds.slice(RUNS), all);
    const tOurs = await ours(db, runIds.slice(0, RUNS), all);
    const tAgain = await ours(db, runIds.slice(0, RUNS), all); // idempotent re-send: no rows change

    const lat: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      const b = await downsampleMetric(db.sql, runIds[i % RUNS]!, 'train/loss', { buckets: 1000 });
      lat.push(performance.now() - t0);
      if (b.length !== 1000) throw new Error(`expected 1000 buckets, got ${b.length}`);
    }
    lat.sort((a, b) => a - b);
    const pps = (ms: number) => Math.round(total / (ms / 1000));
    return {
      database: label,
      points: total,
      batch: BATCH,
      'ingestMetrics pts/s': pps(tOurs),
      'bare INSERT pts/s': pps(tBare),
      'ratio (ours / bare)': Number((tBare / tOurs).toFixed(2)),
      're-send (idempotent) pts/s': pps(tAgain),
      'downsample 50k→1000 p50 ms': Number(lat[Math.floor(lat.length / 2)]!.toFixed(1)),
      'downsample p99 ms': Number(lat[lat.length - 1]!.toFixed(1)),
    };
  } finally {
    await db.close();
  }
}

const results = [await bench('embedded PGlite', { ...process.env, DATABASE_URL: '' })];
if (process.env.DATABASE_URL) results.push(await bench('PostgreSQL server', process.env));
console.table(results);
console.log(JSON.stringify({ bench: 'metric-ingestion', results }));
