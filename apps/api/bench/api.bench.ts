/**
 * API benchmark (`npm run bench -w @basin/api`), in one run:
 *  1. `compareRuns` over 20 runs × 100,000 and × 1,000,000 points → at most 1,000 buckets, over HTTP: p50/p99
 *     with the columns packed (what the dashboard asks for) and as JSON numbers;
 *     the bare SQL the resolver issues now (downsampleMetrics: key extents, then the summary rows); and the old
 *     baseline, the raw aggregate over every point that compareRuns issued before the multi-resolution summaries.
 *     On the embedded database, and on the PostgreSQL server too when DATABASE_URL is set.
 *  2. 1,000 concurrent graphql-ws subscribers (one WebSocket each) on one run: p50/p99 from `publish` on the event
 *     bus (a second pool, as a runner) to receipt by every client (the server when DATABASE_URL is set).
 * BENCH_POINTS="100000,1000000" and BENCH_EMBEDDED_POINTS set the scales (points per run, comma-separated; `none`
 * skips);
 * BENCH_ONLY=compare or BENCH_ONLY=subscribers runs one part.
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
  rebuildMetricSummaries,
  runsByIds,
  type Sql,
  seedRuns,
  type TestDatabase,
} from '@basin/db';
import { createApp } from '../src/app';

const RUNS = 20;
const ONLY = process.env.BENCH_ONLY;
const scales = (v: string | undefined, dflt: number[]) =>
  v === 'none' ? [] : v ? v.split(',').map(Number) : dflt;
const SERVER_POINTS = scales(process.env.BENCH_POINTS, [100_000, 1_000_000]);
const EMBEDDED_POINTS = scales(
  process.env.BENCH_EMBEDDED_POINTS ?? process.env.BENCH_POINTS,
  [100_000, 1_000_000],
);
const BUCKETS = 1000;
const ITERATIONS = 30;
const SUBSCRIBERS = 1000;
const EVENTS = 20;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const ms = (x: number) => `${x.toFixed(1)} ms`;
const value = (r: number, s: number) => Math.exp(-s / 30_000) + 0.05 * Math.sin(s / 50 + r);

/**
 * The old baseline: the aggregate compareRuns issued before the summaries (equal-width buckets over every raw point
 * of every run), verbatim from the commit before migration 0006.
 */
function oldRawAggregate(sql: Sql, runs: string[], key: string, buckets: number) {
  const from = null;
  const to = null;
  return sql`
    with k as (select id from metric_keys where name = ${key}),
    ext as (
      select coalesce(${from}::bigint, min(r.min_step)) as lo, coalesce(${to}::bigint, max(r.max_step)) as hi
      from run_metric_keys r join k on r.key_id = k.id
      where r.run_id = any(${sql.array(runs)}::bigint[])
    ),
    b as (
      select p.run_id, floor((p.step - ext.lo)::float8 * ${buckets} / (ext.hi - ext.lo + 1))::int as bucket,
             min(p.step) as s0, max(p.step) as s1, min(p.value) as vmin, max(p.value) as vmax, count(*) as n
      from ext, k, metric_points p
      where p.run_id = any(${sql.array(runs)}::bigint[]) and p.key_id = k.id and p.step between ext.lo and ext.hi
      group by p.run_id, bucket
    )
    select b.run_id, b.s0, b.s1, b.vmin, b.vmax, b.n, p.value as last
    from b, k, metric_points p
    where p.run_id = b.run_id and p.key_id = k.id and p.step = b.s1
    order by b.run_id, b.bucket`;
}

/**
 * 20 runs × `points` of one key. On a server, rows go in with COPY and the summaries are built once
 * (rebuildMetricSummaries; tests prove it equals what ingestion keeps); the embedded wire server has no COPY, so
 * there the points go through ingestMetrics.
 */
async function seed(db: TestDatabase, points: number): Promise<string[]> {
  const runIds = await seedRuns(db.sql, RUNS, 'bench');
  if (db.mode === 'embedded') {
    for (const [r, id] of runIds.entries()) {
      for (let start = 0; start < points; start += 20_000) {
        const pts: MetricPoint[] = [];
        for (let s = start; s < Math.min(points, start + 20_000); s++)
          pts.push({ key: 'train/loss', step: s, value: value(r, s) });
        await ingestMetrics(db.sql, id, pts);
      }
    }
  } else {
    await ingestMetrics(db.sql, runIds[0]!, [{ key: 'train/loss', step: 0, value: value(0, 0) }]); // intern the key
    const [{ id: keyId }] =
      (await db.sql`select id from metric_keys where name = 'train/loss'`) as unknown as [{ id: number }];
    for (const [r, id] of runIds.entries()) {
      const stream = await db.sql`copy metric_points (run_id, key_id, step, value) from stdin`.writable();
      await new Promise<void>((resolve, reject) => {
        stream.on('error', reject);
        stream.on('finish', resolve);
        const write = (from: number): void => {
          for (let start = from; start < points; start += 50_000) {
            let chunk = '';
            for (let s = Math.max(start, r === 0 ? 1 : 0); s < Math.min(points, start + 50_000); s++)
              chunk += `${id}\t${keyId}\t${s}\t${value(r, s)}\n`;
            if (!stream.write(chunk)) {
              stream.once('drain', () => write(start + 50_000));
              return;
            }
          }
          stream.end();
        };
        write(0);
      });
    }
    await rebuildMetricSummaries(db.sql, runIds);
  }
  await db.sql`analyze`;
  return runIds;
}

/** The API in this process on a free loopback port, single-user as `team`. */
async function startApp(db: TestDatabase, team: { id: string; name: string }) {
  const app = createApp({
    sql: db.sql,
    auth: { mode: 'off', teamId: team.id, teamName: team.name },
    port: 0,
    host: '127.0.0.1',
  });
  await app.start();
  return app;
}

/** compareRuns at one scale on one database. */
async function benchCompare(env: NodeJS.ProcessEnv, points: number) {
  const db = await createTestDatabase({ jobQueue: false, env });
  try {
    const t0 = performance.now();
    const runIds = await seed(db, points);
    const team = await ensureTeam(db.sql, 'bench');
    const seedSeconds = +((performance.now() - t0) / 1000).toFixed(1);
    const app = await startApp(db, team);
    try {
      // what the dashboard asks for (packed float64 columns), and the same columns as JSON numbers (a script)
      const query = (columns: string) => `query($ids: [ID!]!) {
        compareRuns(runIds: $ids, key: "train/loss", buckets: ${BUCKETS}) {
          from to bucketWidth series { run { id } columns { ${columns} } } } }`;
      const body = JSON.stringify({
        query: query('packed { step min max last }'),
        variables: { ids: runIds },
      });
      const jsonBody = JSON.stringify({ query: query('step min max last'), variables: { ids: runIds } });
      const viaApi = async (b = body) => {
        const res = await fetch(app.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: b,
        });
        const json = (await res.json()) as {
          data?: { compareRuns: { series: { columns: { step?: unknown[]; packed?: { step: string } } }[] } };
          errors?: unknown;
        };
        if (json.errors || json.data?.compareRuns.series.length !== RUNS)
          throw new Error(JSON.stringify(json.errors));
        const c = json.data.compareRuns.series[0]!.columns;
        // decoded as the dashboard decodes it
        return c.packed
          ? new Float64Array(new Uint8Array(Buffer.from(c.packed.step, 'base64')).buffer).length
          : c.step!.length;
      };
      const bareSql = async () => {
        await runsByIds(db.sql, team.id, runIds);
        const m = await downsampleMetrics(db.sql, runIds, 'train/loss', { buckets: BUCKETS });
        return m.runs.get(runIds[0]!)!.step.length;
      };
      const old = async () => (await oldRawAggregate(db.sql, runIds, 'train/loss', BUCKETS)).length / RUNS;
      const bucketsApi = await viaApi(); // warm-up every path (plans, connections, schema)
      if ((await viaApi(jsonBody)) !== bucketsApi)
        throw new Error('packed and JSON columns differ in length');
      const bucketsSql = await bareSql();
      const bucketsOld = await old();
      if (bucketsApi !== bucketsSql) throw new Error(`bucket counts differ: ${bucketsApi} vs ${bucketsSql}`);
      const tApi: number[] = [];
      const tJson: number[] = [];
      const tSql: number[] = [];
      const tOld: number[] = [];
      // the old aggregate reads every point: fewer rounds of it at a million points per run
      const oldEvery = points > 200_000 ? 6 : 3;
      for (let i = 0; i < ITERATIONS; i++) {
        // interleave so every path sees the same cache state
        let t = performance.now();
        await viaApi();
        tApi.push(performance.now() - t);
        t = performance.now();
        await viaApi(jsonBody);
        tJson.push(performance.now() - t);
        t = performance.now();
        await bareSql();
        tSql.push(performance.now() - t);
        if (i % oldEvery === 0) {
          t = performance.now();
          await old();
          tOld.push(performance.now() - t);
        }
      }
      return {
        database: db.mode,
        pointsPerRun: points,
        seedSeconds,
        bucketsPerRun: bucketsApi,
        api: { p50: ms(pct(tApi, 50)), p99: ms(pct(tApi, 99)), columns: 'packed (the dashboard)' },
        apiJsonColumns: { p50: ms(pct(tJson, 50)), p99: ms(pct(tJson, 99)), columns: 'JSON numbers' },
        bareSql: { p50: ms(pct(tSql, 50)), p99: ms(pct(tSql, 99)) },
        oldRawAggregate: {
          p50: ms(pct(tOld, 50)),
          p99: ms(pct(tOld, 99)),
          rounds: tOld.length,
          bucketsPerRun: bucketsOld,
        },
        apiOverBareSqlP50: +(pct(tApi, 50) / pct(tSql, 50)).toFixed(3),
        oldOverApiP50: +(pct(tOld, 50) / pct(tApi, 50)).toFixed(1),
        api_p50: pct(tApi, 50),
      };
    } finally {
      await app.stop();
    }
  } finally {
    await db.close();
  }
}

const out: Record<string, unknown> = { runs: RUNS, buckets: BUCKETS };
if (ONLY !== 'subscribers') {
  const rows: Awaited<ReturnType<typeof benchCompare>>[] = [];
  for (const points of EMBEDDED_POINTS)
    rows.push(await benchCompare({ ...process.env, DATABASE_URL: '' }, points));
  if (process.env.DATABASE_URL)
    for (const points of SERVER_POINTS) rows.push(await benchCompare(process.env, points));
  const byDb = (mode: string) => rows.filter((r) => r.database === mode);
  const spread = (mode: string) => {
    const r = byDb(mode);
    return r.length > 1
      ? +(Math.max(...r.map((x) => x.api_p50)) / Math.min(...r.map((x) => x.api_p50))).toFixed(2)
      : null;
  };
  out.compareRuns = {
    rows: rows.map(({ api_p50, ...r }) => r),
    largestOverSmallestP50: { embedded: spread('embedded'), server: spread('server') },
    target: 'server: ≤ 50 ms p50 at 100,000 points per run, ≤ 80 ms at 1,000,000, within 2× of each other',
  };
}

if (ONLY !== 'compare') {
  const db = await createTestDatabase({ jobQueue: false });
  try {
    const runIds = await seedRuns(db.sql, 1, 'bench');
    const team = await ensureTeam(db.sql, 'bench');
    const app = await startApp(db, team);
    try {
      out.subscribersDatabase = db.mode;
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
    } finally {
      await app.stop();
    }
  } finally {
    await db.close();
  }
}
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
