import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { enqueueFlaggedJob, jobFlags, rawMetric, type Sql } from '@basin/db';
import { shutdownBackend } from '../backend/backend';
import { plateaued } from '../train/plateau';
import { createRunner, type RunningRunner } from './runner';
import {
  type Fixture,
  openFixture,
  queueRun,
  runStatus,
  TINY,
  testConfig,
  testLog,
  waitFor,
} from './worker.test-helper';

const done = (s: string) => ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(s);
const finished = (f: Fixture, runId: string) =>
  waitFor(`run ${runId} to finish`, async () => {
    const r = await runStatus(f.sql, runId);
    return done(r.status) ? r : undefined;
  });
const epochsOf = async (sql: Sql, runId: string) =>
  (await sql<{ epoch: number }[]>`select epoch from checkpoints where run_id = ${runId} order by step`).map(
    (c) => c.epoch,
  );
const values = async (sql: Sql, runId: string, key: string) =>
  (await rawMetric(sql, runId, key, { limit: 100_000 })).map((p) => p.value);

describe('runs that train until their plateau', { timeout: 300_000 }, () => {
  let f: Fixture;
  let runner: RunningRunner;
  before(async () => {
    f = await openFixture();
    runner = await createRunner({ config: testConfig(f), sql: f.sql, log: testLog });
  });
  after(async () => {
    await runner?.stop();
    await f?.close();
    await shutdownBackend();
  });

  // A loose criterion so the tiny model plateaus within the cap.
  const plateau = { untilPlateau: true, plateauTolerance: 0.5, plateauWindow: 1, minEpochs: 2 };
  let runId = '';
  let first: Record<string, unknown> = {};

  it('stop at the plateau after one anneal epoch, checkpoint the end and summarise it', async () => {
    runId = await queueRun(f, { hyperparameters: { ...TINY, epochs: 40, speedEpochs: 2, ...plateau } });
    const r = await finished(f, runId);
    assert.equal(r.status, 'SUCCEEDED', r.error ?? '');
    const s = r.summary;
    first = s;
    const p = s.plateauEpoch as number;
    assert.equal(s.stopReason, 'plateau');
    assert.equal(s.converged, true);
    assert.ok(Number.isInteger(p) && p >= 2 && p < 40, `plateau epoch ${p}`);
    assert.equal(s.epochs, p + 1);
    const losses = s.trainLossPerEpoch as number[];
    assert.deepEqual(losses, await values(f.sql, runId, 'train/loss'));
    assert.equal(losses.length, p + 1);
    const opts = { tolerance: 0.5, window: 1, minEpochs: 2 };
    assert.equal(plateaued(losses.slice(0, p), opts), true);
    assert.equal(plateaued(losses.slice(0, p - 1), opts), false);
    const lr = await values(f.sql, runId, 'lr');
    assert.deepEqual(lr.slice(0, p), Array(p).fill(0.05));
    assert.ok(Math.abs(lr[p]! - 0.005) < 1e-12, `anneal lr ${lr[p]}`);
    // checkpointEvery 1: every epoch up to the one it ended at, which is the final checkpoint
    assert.deepEqual(
      await epochsOf(f.sql, runId),
      Array.from({ length: p + 2 }, (_, e) => e),
    );
    const [final] = await f.sql<{ id: string }[]>`
      select id from checkpoints where run_id = ${runId} and epoch = ${p + 1}`;
    assert.equal(s.finalCheckpointId, final!.id);
    // optimisation speed over the first 2 epochs only, and the test accuracy after epoch 2
    const acc = s.trainAccPerEpoch as number[];
    assert.equal(acc.length, p + 1);
    assert.equal(s.speedEpochs, 2);
    assert.ok(Math.abs((s.speed as number) - (acc[0]! + acc[1]!) / 2) < 1e-12);
    assert.equal(s.earlyTestAcc, (await values(f.sql, runId, 'test/acc'))[1]);
  });

  it('a run resumed after its plateau epoch rebuilds the plateau from the stored losses and anneals', async () => {
    const p = first.plateauEpoch as number;
    // As if the runner died during the anneal epoch: its checkpoint never made it, the run is held by a dead runner.
    const [c] = await f.sql<{ id: string }[]>`
      select id from checkpoints where run_id = ${runId} and epoch = ${p}`;
    await f.sql`delete from checkpoints where run_id = ${runId} and epoch > ${p}`;
    await f.sql`
      update runs set status = 'RUNNING', worker_id = 'gone/worker-0', heartbeat_at = now() - interval '10 seconds',
        summary = ${f.sql.json({ resume: { checkpointId: c!.id, momentumHash: null } })}
      where id = ${runId}`;
    await enqueueFlaggedJob(f.sql, 'pretrain', { runId }, jobFlags({ datasetIds: [f.datasetId] }));
    const r = await finished(f, runId);
    assert.equal(r.status, 'SUCCEEDED', r.error ?? '');
    const s = r.summary;
    assert.deepEqual([s.stopReason, s.plateauEpoch, s.epochs, s.converged], ['plateau', p, p + 1, true]);
    const losses = s.trainLossPerEpoch as number[];
    assert.equal(losses.length, p + 1);
    assert.deepEqual(losses.slice(0, p), (first.trainLossPerEpoch as number[]).slice(0, p));
    const lr = await values(f.sql, runId, 'lr');
    assert.equal(lr.length, p + 1);
    assert.ok(Math.abs(lr[p]! - 0.005) < 1e-12, `anneal lr ${lr[p]}`);
    assert.deepEqual(
      await epochsOf(f.sql, runId),
      Array.from({ length: p + 2 }, (_, e) => e),
    );
  });

  it('reports the cap, fixed-epoch runs as before, and refuses bad settings by name', async () => {
    const capped = await queueRun(f, { hyperparameters: { ...TINY, epochs: 1, untilPlateau: true } });
    const fixed = await queueRun(f, { hyperparameters: { ...TINY, epochs: 1 } });
    const bad = await queueRun(f, {
      hyperparameters: { ...TINY, untilPlateau: true, plateauTolerance: 1.5 },
    });
    const notBool = await queueRun(f, { hyperparameters: { ...TINY, untilPlateau: 'yes' } });
    const badSpeed = await queueRun(f, { hyperparameters: { ...TINY, speedEpochs: 0 } });
    const c = await finished(f, capped);
    assert.equal(c.status, 'SUCCEEDED', c.error ?? '');
    assert.deepEqual(
      [c.summary.stopReason, c.summary.converged, c.summary.plateauEpoch, c.summary.epochs],
      ['cap', false, null, 1],
    );
    const x = await finished(f, fixed);
    assert.equal(x.status, 'SUCCEEDED', x.error ?? '');
    assert.deepEqual(
      [x.summary.stopReason, x.summary.converged, x.summary.plateauEpoch, x.summary.earlyTestAcc],
      ['epochs', null, null, null],
    );
    assert.equal(x.summary.speed, (x.summary.trainAccPerEpoch as number[])[0]);
    assert.equal(x.summary.speedEpochs, 1);
    const b = await finished(f, bad);
    assert.equal(b.status, 'FAILED');
    assert.match(b.error!, /hyperparameters\.plateauTolerance: expected a number in \(0, 1\), got 1\.5/);
    const nb = await finished(f, notBool);
    assert.match(nb.error!, /hyperparameters\.untilPlateau: expected a boolean, got "yes"/);
    const bs = await finished(f, badSpeed);
    assert.match(bs.error!, /hyperparameters\.speedEpochs: expected an integer from 1 to 10000, got 0/);
  });
});
