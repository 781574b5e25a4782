/**
 * API benchmark (`npm run bench -w @basin/api`), in one run:
 *  1. `compareRuns` over 20 runs × 100,000 points → 1,000 buckets over HTTP: p50/p99, and the ratio to the bare SQL
 *     the resolver issues (runs lookup, key extents, the downsampling aggregate) run the same number of times.
 *  2. 1,000 concurrent graphql-ws subscribers (one WebSocket each) on one run: p50/p99 from `publish` on the event
 *     bus (a second pool, as a runner) to receipt by every client.
 * Uses DATABASE_URL when set (a fresh database on that server), else embedded PGlite. BENCH_POINTS overrides the
 * points per run; BENCH_ONLY=compare or BENCH_ONLY=subscribers runs one part.
 */
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import {
  connect,
  createEventBus,
  createTestDatabase,
  downsampleMetrics,
  ensureTeam,
  ingestMetrics,
  type MetricPoint,
  metricKeysByRunIds,
  runsByIds,
  seedRuns,
} from '@basin/db';
import { createApp } from '../src/app';

const RUNS = 20;
const ONLY = process.env.BENCH_ONLY;
const POINTS = ONLY === 'subscribers' ? 10 : Number(process.env.BENCH_POINTS ?? 100_000);
const BUCKETS = 1000;
const ITERATIONS = 30;
const SUBSCRIBERS = 1000;
const EVENTS = 20;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const ms = (x: number) => `${x.toFixed(1)} ms`;

const db = await createTestDatabase({ jobQueue: false });
const out: Record<string, unknown> = {
  database: db.mode,
  runs: RUNS,
  pointsPerRun: POINTS,
  buckets: BUCKETS,
};
try {
  // ── data ──
  const t0 = performance.now();
  const runIds = await seedRuns(db.sql, RUNS, 'bench');
  const team = await ensureTeam(db.sql, 'bench');
  for (const [r, id] of runIds.entries()) {
    const pts: MetricPoint[] = [];
    for (let s = 0; s < POINTS; s++) {
      pts.push({ key: 'train/loss', step: s, value: Math.exp(-s / 30_000) + 0.05 * Math.sin(s / 50 + r) });
    }
    for (let i = 0; i < pts.length; i += 20_000) await ingestMetrics(db.sql, id, pts.slice(i, i + 20_000));
  }
  await db.sql`analyze metric_points`;
  out.seedSeconds = +((performance.now() - t0) / 1000).toFixed(1);

  const app = createApp({
    sql: db.sql,
    auth: { mode: 'off', teamId: team.id, teamName: team.name },
    port: 0,
    host: '127.0.0.1',
  });
  await app.start();
  try {
    // ── compareRuns ──
    if (ONLY !== 'subscribers') {
      const query = `query($ids: [ID!]!) { compareRuns(runIds: $ids, key: "train/loss", buckets: ${BUCKETS}) {
      from to series { run { id } columns { step min max last } } } }`;
      const body = JSON.stringify({ query, variables: { ids: runIds } });
      const viaApi = async () => {
        const res = await fetch(app.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        const json = (await res.json()) as {
          data?: { compareRuns: { series: { columns: { step: unknown[] } }[] } };
          errors?: unknown;
        };
        if (json.errors || json.data?.compareRuns.series.length !== RUNS)
          throw new Error(JSON.stringify(json.errors));
        return json.data.compareRuns.series[0]!.columns.step.length;
      };
      const bareSql = async () => {
        await runsByIds(db.sql, team.id, runIds);
        const ext = await metricKeysByRunIds(db.sql, runIds);
        const lo = Math.min(...ext.map((e) => e.minStep));
        const hi = Math.max(...ext.map((e) => e.maxStep));
        const m = await downsampleMetrics(db.sql, runIds, 'train/loss', {
          buckets: BUCKETS,
          from: lo,
          to: hi,
        });
        return m.get(runIds[0]!)!.length;
      };
      const bucketsApi = await viaApi(); // warm-up both paths (plans, connections, schema)
      const bucketsSql = await bareSql();
      if (bucketsApi !== bucketsSql) throw new Error(`bucket counts differ: ${bucketsApi} vs ${bucketsSql}`);
      const tApi: number[] = [];
      const tSql: number[] = [];
      for (let i = 0; i < ITERATIONS; i++) {
        // interleave so both see the same cache state
        let t = performance.now();
        await viaApi();
        tApi.push(performance.now() - t);
        t = performance.now();
        await bareSql();
        tSql.push(performance.now() - t);
      }
      out.compareRuns = {
        bucketsPerRun: bucketsApi,
        api: { p50: ms(pct(tApi, 50)), p99: ms(pct(tApi, 99)) },
        bareSql: { p50: ms(pct(tSql, 50)), p99: ms(pct(tSql, 99)) },
        ratioP50: +(pct(tApi, 50) / pct(tSql, 50)).toFixed(3),
        ratioP99: +(pct(tApi, 99) / pct(tSql, 99)).toFixed(3),
        target: 'ratio ≤ 1.3',
      };
    }

    // ── subscribers ──
    if (ONLY !== 'compare') {
      const runnerSql = await connect(db.url, { max: 2 });
      const runner = createEventBus(runnerSql);
      const runId = runIds[0]!;
      const worker = new Worker(new URL('./subscribers.worker.mjs', import.meta.url), {
        workerData: { url: app.url.replace(/^http/, 'ws'), runId, count: SUBSCRIBERS },
      });
      const ask = <T>(m: string) =>
        new Promise<T>((resolve, reject) => {
          worker.once('message', (r: T & { error?: string }) =>
            r.error ? reject(new Error(r.error)) : resolve(r),
          );
          worker.postMessage(m);
        });
      const ts = performance.now();
      while (app.live.listeners({ runId }) < SUBSCRIBERS) await new Promise((r) => setTimeout(r, 20));
      const subscribeSeconds = (performance.now() - ts) / 1000;
      // event 0 warms the path (JIT, first sends on each socket) and is not counted
      for (let e = 0; e <= EVENTS; e++) {
        // `at` (set by publish) is the publish time every client measures receipt against
        await runner.publish({
          type: 'run.progress',
          runId,
          studyId: null,
          step: e,
          epoch: e / 10,
          metrics: { 'train/loss': 1 / e },
        });
        const deadline = performance.now() + 10_000;
        while (
          (await ask<{ received: number }>('count')).received < (e + 1) * SUBSCRIBERS &&
          performance.now() < deadline
        ) {
          await new Promise((r) => setTimeout(r, 5));
        }
        await new Promise((r) => setTimeout(r, 100)); // one event at a time
      }
      const { latencies: all } = await ask<{ latencies: number[] }>('stop');
      const latencies = all.slice(SUBSCRIBERS); // drop the warm-up event
      const perEvent = Array.from({ length: EVENTS }, (_, e) =>
        Math.max(...latencies.slice(e * SUBSCRIBERS, (e + 1) * SUBSCRIBERS)),
      );
      await worker.terminate();
      out.subscribers = {
        subscribers: SUBSCRIBERS,
        clients: 'one WebSocket each, in a worker thread',
        events: EVENTS,
        delivered: `${latencies.length} of ${EVENTS * SUBSCRIBERS}`,
        subscribeAllSeconds: +subscribeSeconds.toFixed(2),
        publishToReceipt: {
          p50: ms(pct(latencies, 50)),
          p99: ms(pct(latencies, 99)),
          max: ms(Math.max(...latencies)),
          resolution: '1 ms (Date.now)',
        },
        lastReceiptPerEvent: perEvent.map((x) => Math.round(x)),
        target: 'p99 ≤ 100 ms',
      };
      await runner.close();
      await runnerSql.end({ timeout: 5 });
    }
  } finally {
    await app.stop();
  }
} finally {
  await db.close();
}
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
