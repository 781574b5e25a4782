import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { shutdownBackend } from '../backend/backend';
import {
  type Fixture,
  importCheckpoint,
  openFixture,
  queueAnalysis,
  queueRun,
  type RunnerProcess,
  spawnRunner,
  TINY,
  waitFor,
} from './worker.test-helper';

describe('three runner processes', { timeout: 300_000 }, () => {
  let f: Fixture;
  const runners: RunnerProcess[] = [];
  before(async () => {
    f = await openFixture();
  });
  after(async () => {
    await Promise.all(runners.map((r) => r.kill('SIGKILL')));
    await f?.close();
    await shutdownBackend();
  });

  it('drain a queue of jobs, none run twice', async () => {
    const ckpts: string[] = [];
    for (let s = 0; s < 4; s++) ckpts.push(await importCheckpoint(f, s));
    const runIds: string[] = [];
    for (let s = 0; s < 6; s++)
      runIds.push(await queueRun(f, { seed: s, hyperparameters: { ...TINY, epochs: 1 } }));
    const analysisIds: string[] = [];
    for (let i = 0; i < 12; i++)
      analysisIds.push(await queueAnalysis(f, 'PARAM_DISTANCE', [ckpts[i % 4]!, ckpts[(i + 1) % 4]!]));
    // this test is not about dead runners: a generous stale limit keeps a starved but live runner (2 shared cores,
    // three runners) from being taken for dead, which would (correctly) move its job and count a second claim
    for (let i = 1; i <= 3; i++)
      runners.push(spawnRunner(f, `runner-${i}`, { BASIN_RUNNER_STALE_MS: '20000' }));

    await waitFor(
      'every job to finish',
      async () => {
        const [r] = await f.sql<{ open: string }[]>`
          select (select count(*) from runs where status in ('QUEUED', 'RUNNING'))
            + (select count(*) from analyses where status in ('QUEUED', 'RUNNING')) as open`;
        return Number(r!.open) === 0;
      },
      240_000,
    );
    const runs = await f.sql<
      { id: string; status: string; attempt: number; worker_id: string; error: string | null }[]
    >`
      select id, status, attempt, worker_id, error from runs order by id`;
    for (const r of runs) {
      assert.equal(r.status, 'SUCCEEDED', r.error ?? '');
      assert.equal(r.attempt, 1, `run ${r.id} was claimed ${r.attempt} times`);
    }
    const analyses = await f.sql<
      { status: string; worker_id: string }[]
    >`select status, worker_id from analyses`;
    assert.ok(analyses.every((a) => a.status === 'SUCCEEDED'));
    // every run and analysis went RUNNING exactly once (the bus saw one claim per row)
    await waitFor(
      'the last events',
      async () =>
        f.events.filter((e) => e.type.endsWith('.status') && 'status' in e && e.status === 'SUCCEEDED')
          .length === 18,
    );
    const claims = new Map<string, number>();
    for (const e of f.events)
      if ((e.type === 'run.status' || e.type === 'analysis.status') && e.status === 'RUNNING') {
        const key = e.type === 'run.status' ? `run ${e.runId}` : `analysis ${e.analysisId}`;
        claims.set(key, (claims.get(key) ?? 0) + 1);
      }
    assert.equal(claims.size, 18);
    assert.ok(
      [...claims.values()].every((n) => n === 1),
      JSON.stringify([...claims]),
    );
    const names = new Set([...runs, ...analyses].map((r) => r.worker_id.split('/')[0]));
    assert.ok(names.size >= 2, `only ${[...names].join(', ')} did any work`);
    await waitFor('graphile-worker to complete every job', async () => {
      const [left] = await f.sql<{ n: string }[]>`select count(*) as n from graphile_worker._private_jobs`;
      return Number(left!.n) === 0;
    });

    // SIGTERM stops each runner cleanly
    for (const r of runners) r.child.kill('SIGTERM');
    await Promise.all(runners.map((r) => r.exited));
    for (const r of runners)
      assert.equal(
        r.child.exitCode,
        0,
        r.output
          .slice(-30)
          .map((l) => l.slice(0, 300))
          .join('\n'),
      );
  });
});
