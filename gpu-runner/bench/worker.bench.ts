/**
 * Runner benchmark, in one run:
 * - event latency: engine callback (the `at` the runner stamps in its onBatchEnd/onEpochEnd/onCheckpoint handler)
 *   → a subscriber in another process on the event bus, p50/p99, for a small pretraining run (6 epochs × 16 batches) on one runner process;
 * - job throughput: small analysis jobs (PARAM_DISTANCE and CKA on 64 examples, alternating) drained by 1 runner,
 *   then by 3 runner processes.
 * Uses DATABASE_URL when set (a fresh database on that server), else embedded PGlite.
 * `--json` prints one JSON object; `--jobs N` jobs per throughput round (default 60).
 */
import { createLogger } from '@basin/service';
import { shutdownBackend } from '../src/backend/backend';
import {
  type Fixture,
  importCheckpoint,
  openFixture,
  queueAnalysis,
  queueRun,
  type RunnerProcess,
  spawnRunner,
  waitFor,
} from '../src/worker/worker.test-helper';

const args = process.argv.slice(2);
const json = args.includes('--json');
const jobsArg = args.indexOf('--jobs');
const JOBS = jobsArg >= 0 ? Number(args[jobsArg + 1]) : 60;
const log = createLogger('bench');
/** The runners' default settings (the test helper's are tuned for quick failure detection). */
const PRODUCTION = {
  BASIN_RUNNER_HEARTBEAT_MS: '2000',
  BASIN_RUNNER_STALE_MS: '30000',
  BASIN_RUNNER_REAP_MS: '5000',
  BASIN_RUNNER_POLL_MS: '1000',
  BASIN_RUNNER_METRICS_FLUSH_MS: '1000',
};

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? Number.NaN;
};

async function ready(r: RunnerProcess): Promise<void> {
  await waitFor(
    `${r.child.pid} to serve`,
    async () => r.output.some((l) => l.includes('serving jobs')),
    120_000,
  );
}

async function drain(
  f: Fixture,
  ckpts: string[],
  n: number,
): Promise<{ seconds: number; jobsPerSec: number }> {
  const t0 = performance.now();
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const pair = [ckpts[i % ckpts.length]!, ckpts[(i + 1) % ckpts.length]!];
    ids.push(
      i % 2 === 0
        ? await queueAnalysis(f, 'PARAM_DISTANCE', pair)
        : await queueAnalysis(f, 'CKA', pair, {
            examples: 64,
            datasetId: f.datasetId,
            modules: ['conv1', 'layer1.0', 'layer2.0', 'layer3.0'],
          }),
    );
  }
  await waitFor(
    `${n} analyses`,
    async () => {
      const [r] = await f.sql<{ open: string; failed: string }[]>`
        select count(*) filter (where status in ('QUEUED', 'RUNNING')) as open,
          count(*) filter (where status = 'FAILED') as failed
        from analyses where id = any(${f.sql.array(ids)}::bigint[])`;
      if (Number(r!.failed) > 0) throw new Error(`${r!.failed} analyses failed`);
      return Number(r!.open) === 0;
    },
    600_000,
  );
  const seconds = (performance.now() - t0) / 1000;
  return { seconds, jobsPerSec: n / seconds };
}

const f = await openFixture({ trainSize: 512 });
const runners: RunnerProcess[] = [];
try {
  const ckpts: string[] = [];
  for (let s = 0; s < 4; s++) ckpts.push(await importCheckpoint(f, s));
  const one = spawnRunner(f, 'bench-1', PRODUCTION);
  runners.push(one);
  await ready(one);

  // event latency: a pretraining run (6 epochs × 16 batches) on runner 1, the subscriber here
  const latencies: Record<string, number[]> = {};
  const t0 = Date.now();
  const received: { runId: string; type: string; at: number; got: number }[] = [];
  await f.bus.subscribe({}, (e) =>
    received.push({
      runId: 'runId' in e ? e.runId : '',
      type: e.type,
      at: Date.parse(e.at ?? ''),
      got: Date.now(),
    }),
  );
  const runId = await queueRun(f, {
    hyperparameters: { epochs: 6, batchSize: 32, learningRate: 0.05, checkpointEvery: 1 },
  });
  await waitFor(
    'the latency run',
    async () => {
      const [r] = await f.sql<{ status: string }[]>`select status from runs where id = ${runId}`;
      return r!.status === 'SUCCEEDED';
    },
    300_000,
  );
  await new Promise((r) => setTimeout(r, 500));
  for (const e of received) {
    if (e.runId !== runId || !(e.at >= t0)) continue;
    for (const key of [e.type, 'all']) {
      const list = latencies[key] ?? [];
      list.push(e.got - e.at);
      latencies[key] = list;
    }
  }
  const latency = Object.fromEntries(
    Object.entries(latencies).map(([k, v]) => [
      k,
      { n: v.length, p50: pct(v, 50), p99: pct(v, 99), max: Math.max(...v) },
    ]),
  );

  const throughput1 = await drain(f, ckpts, JOBS);
  for (let i = 2; i <= 3; i++) runners.push(spawnRunner(f, `bench-${i}`, PRODUCTION));
  await Promise.all(runners.map(ready));
  const throughput3 = await drain(f, ckpts, JOBS);
  const [dup] = await f.sql<{ n: string }[]>`
    select count(*) as n from analyses where status <> 'SUCCEEDED'`;

  const result = {
    database: f.db.mode,
    eventLatencyMs: latency,
    progressThrottleMs: 200,
    throughput: {
      jobs: JOBS,
      kinds: 'PARAM_DISTANCE and CKA (64 examples), ResNet-8 w4, 8×8×3',
      oneRunner: throughput1,
      threeRunners: throughput3,
      speedup: throughput1.seconds / throughput3.seconds,
    },
    unfinished: Number(dup!.n),
  };
  if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    const lines = [
      `runner benchmark (database: ${result.database})`,
      'event latency, engine callback → subscriber (ms):',
      ...Object.entries(latency).map(
        ([k, v]) =>
          `  ${k.padEnd(18)} n=${String(v.n).padStart(4)}  p50 ${String(v.p50).padStart(4)}  p99 ${String(v.p99).padStart(4)}  max ${v.max}`,
      ),
      `throughput, ${JOBS} small analysis jobs (${result.throughput.kinds}):`,
      `  1 runner : ${throughput1.seconds.toFixed(2)} s, ${throughput1.jobsPerSec.toFixed(2)} jobs/s`,
      `  3 runners: ${throughput3.seconds.toFixed(2)} s, ${throughput3.jobsPerSec.toFixed(2)} jobs/s (×${result.throughput.speedup.toFixed(2)})`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
} catch (err) {
  log.error((err as Error).stack ?? String(err));
  for (const r of runners)
    log.error(
      r.output
        .slice(-10)
        .map((l) => l.slice(0, 300))
        .join('\n'),
    );
  process.exitCode = 1;
} finally {
  await Promise.all(runners.map((r) => r.kill('SIGTERM')));
  await f.close();
  await shutdownBackend();
}
