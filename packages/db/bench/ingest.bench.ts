/**
 * Metric ingestion benchmark (`npm run bench -w @basin/db`). Reports, in one run and on the same rows (4 runs × 2
 * keys × 50,000 steps, sent 1,000 points per call as a runner does):
 *  - `ingestMetrics`: points, key extents and the multi-resolution summaries, one transaction per call;
 *  - before: the points-and-extents statement ingestMetrics issued before the summaries existed;
 *  - a bare multi-row `INSERT … VALUES` of the same rows into the same table;
 *  - `COPY metric_points FROM STDIN` of the same rows (the fastest way PostgreSQL loads rows; server only: the
 *    embedded database's wire server does not carry COPY);
 * the ratios between them, an idempotent re-send, and one series downsampled to ≤ 1,000 buckets.
 * Runs on the embedded database, and on the server too when DATABASE_URL is set.
 */
import { performance } from 'node:perf_hooks';
import type { Sql } from '../src/connect';
import { downsampleMetric } from '../src/downsample';
import { ingestMetrics, type MetricPoint, metricKeyIds } from '../src/metrics';
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

type Send = (db: TestDatabase, run: string, pts: MetricPoint[], ids: Map<string, number>) => Promise<unknown>;

/**
 * Times several ways of sending the same points, call by call in turn (batch i of each side, then batch i + 1), each
 * into its own runs: this machine's speed drifts by tens of percent over seconds, and interleaving gives every side
 * the same drift and the same table size. Returns each side's total milliseconds.
 */
async function interleaved(
  db: TestDatabase,
  sides: readonly { runs: readonly string[]; send: Send }[],
  all: MetricPoint[][],
): Promise<number[]> {
  const ids = await metricKeyIds(db.sql, KEYS);
  const ms = sides.map(() => 0);
  for (let r = 0; r < all.length; r++) {
    const pts = all[r]!;
    for (let i = 0; i < pts.length; i += BATCH) {
      const batch = pts.slice(i, i + BATCH);
      for (const [k, side] of sides.entries()) {
        const t0 = performance.now();
        await side.send(db, side.runs[r]!, batch, ids);
        ms[k]! += performance.now() - t0;
      }
    }
  }
  return ms;
}

const ours: Send = (db, run, pts) => ingestMetrics(db.sql, run, pts);
/**
 * The baseline "before": the statement ingestMetrics issued before the summaries existed (points and key extents,
 * verbatim from the commit before migration 0006), so both sides are measured in one run.
 */
function pointsBefore(sql: Sql, run: string, chunk: MetricPoint[], ids: Map<string, number>) {
  const keys = chunk.map((p) => ids.get(p.key)!);
  const steps = chunk.map((p) => p.step);
  const values = chunk.map((p) => p.value);
  return sql`
    with pts as (
      select * from unnest(${sql.array(keys)}::int[], ${sql.array(steps)}::bigint[], ${sql.array(values)}::float8[]) as t(k, s, v)
    ), ext as (
      insert into run_metric_keys (run_id, key_id, min_step, max_step)
      select ${run}::bigint, k, min(s), max(s) from pts group by k
      on conflict (run_id, key_id) do update
        set min_step = least(run_metric_keys.min_step, excluded.min_step),
            max_step = greatest(run_metric_keys.max_step, excluded.max_step)
    ), ins as (
      insert into metric_points (run_id, key_id, step, value)
      select ${run}::bigint, k, s, v from pts
      on conflict (run_id, key_id, step) do update set value = excluded.value
        where metric_points.value is distinct from excluded.value
      returning 1
    )
    select count(*) as changed from ins`;
}
const pointsOnly: Send = (db, run, pts, ids) => pointsBefore(db.sql, run, pts, ids);
const bare: Send = (db, run, pts, ids) => {
  const rows = pts.map((p) => ({ run_id: run, key_id: ids.get(p.key)!, step: p.step, value: p.value }));
  return db.sql`insert into metric_points ${db.sql(rows, 'run_id', 'key_id', 'step', 'value')}`;
};

/** One COPY per run of all its rows, as text. */
const copy = async (db: TestDatabase, runIds: string[], all: MetricPoint[][]): Promise<number> => {
  const ids = await metricKeyIds(db.sql, KEYS);
  const t0 = performance.now();
  for (let r = 0; r < runIds.length; r++) {
    const lines = all[r]!.map((p) => `${runIds[r]}\t${ids.get(p.key)}\t${p.step}\t${p.value}\n`);
    const stream = await db.sql`copy metric_points (run_id, key_id, step, value) from stdin`.writable();
    await new Promise<void>((resolve, reject) => {
      stream.on('error', reject);
      stream.on('finish', resolve);
      for (let i = 0; i < lines.length; i += 10_000) stream.write(lines.slice(i, i + 10_000).join(''));
      stream.end();
    });
  }
  return performance.now() - t0;
};

async function bench(label: string, env: NodeJS.ProcessEnv) {
  const db = await createTestDatabase({ env });
  try {
    const runIds = await seedRuns(db.sql, RUNS * 5);
    const slice = (i: number) => runIds.slice(i * RUNS, (i + 1) * RUNS);
    const all = Array.from({ length: RUNS }, (_, r) => pointsFor(r));
    const total = all.reduce((a, p) => a + p.length, 0);
    // warm-up: key interning, plan caches, the summary function
    await ingestMetrics(db.sql, runIds[0]!, all[0]!.slice(0, 2 * BATCH));
    await db.sql`delete from metric_points`;
    await db.sql`delete from run_metric_keys`;
    await db.sql`delete from metric_summaries`;

    const [tOurs, tPoints, tBare] = (await interleaved(
      db,
      [
        { runs: slice(0), send: ours },
        { runs: slice(2), send: pointsOnly },
        { runs: slice(1), send: bare },
      ],
      all,
    )) as [number, number, number];
    // idempotent re-send: no rows change
    const [tAgain] = (await interleaved(db, [{ runs: slice(0), send: ours }], all)) as [number];
    const tCopy = db.mode === 'embedded' ? null : await copy(db, slice(3), all);

    const lat: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      const b = await downsampleMetric(db.sql, slice(0)[i % RUNS]!, 'train/loss', { buckets: 1000 });
      lat.push(performance.now() - t0);
      if (b.length !== 782) throw new Error(`expected 782 buckets of 64 steps, got ${b.length}`);
    }
    lat.sort((a, b) => a - b);
    const pps = (ms: number) => Math.round(total / (ms / 1000));
    return {
      database: label,
      points: total,
      batch: BATCH,
      'ingestMetrics pts/s': pps(tOurs),
      'before summaries pts/s': pps(tPoints),
      'with summaries / before': Number((tPoints / tOurs).toFixed(2)),
      'bare INSERT pts/s': pps(tBare),
      'ingestMetrics / bare INSERT': Number((tBare / tOurs).toFixed(2)),
      'COPY pts/s': tCopy === null ? 'n/a (no COPY on the embedded wire server)' : pps(tCopy),
      'ingestMetrics / COPY': tCopy === null ? 'n/a' : Number((tCopy / tOurs).toFixed(3)),
      're-send (idempotent) pts/s': pps(tAgain),
      'downsample 50k → ≤1000 p50 ms': Number(lat[Math.floor(lat.length / 2)]!.toFixed(1)),
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
