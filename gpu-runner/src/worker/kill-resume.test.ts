import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rawMetric } from '@basin/db';
import { shutdownBackend } from '../backend/backend';
import {
  type Fixture,
  importCheckpoint,
  openFixture,
  queueRun,
  type RunnerProcess,
  runStatus,
  spawnRunner,
  TINY,
  waitFor,
} from './worker.test-helper';

// 64 batches of 32 per epoch, a checkpoint after every epoch. Epochs long enough that metrics are flushed several
// times inside each one (every 200 ms here), so the test reliably catches the run between two checkpoints even on
// the native kernels, where an epoch of the old 16 batches took ~0.2 s and the run could end before the kill.
const TRAIN = 2048;
const PER_EPOCH = TRAIN / TINY.batchSize;
const EPOCHS = 4;
const STEPS = PER_EPOCH * EPOCHS;

describe('a runner killed with SIGKILL during a fine-tune', { timeout: 300_000 }, () => {
  let f: Fixture;
  const runners: RunnerProcess[] = [];
  before(async () => {
    f = await openFixture({ trainSize: TRAIN });
  });
  after(async () => {
    await Promise.all(runners.map((r) => r.kill('SIGKILL')));
    await f?.close();
    await shutdownBackend();
  });

  it('leaves a run that completes after restart, with contiguous, unduplicated metrics', async () => {
    const init = await importCheckpoint(f, 7);
    const hp = { ...TINY, epochs: EPOCHS };
    const runId = await queueRun(f, {
      kind: 'FINETUNE',
      init: 'PRETRAINED',
      initCheckpointId: init,
      hyperparameters: hp,
    });
    const a = spawnRunner(f, 'runner-a');
    runners.push(a);

    // kill mid-epoch: a checkpoint after epoch 1 exists and metrics past it were written
    const resumeStep = await waitFor(
      'metrics past a checkpoint after epoch 1',
      async () => {
        const [c] = await f.sql<{ ckpt: string | null; step: string | null }[]>`
          select (select max(step) from checkpoints where run_id = ${runId}) as ckpt,
            (select max(step) from metric_points where run_id = ${runId}) as step`;
        const ckpt = Number(c!.ckpt ?? -1);
        return ckpt >= PER_EPOCH && Number(c!.step ?? -1) > ckpt + 1 ? ckpt : undefined;
      },
      120_000,
    );
    await a.kill('SIGKILL');
    const [state] = await f.sql<{ step: string; status: string; ckpt: string }[]>`
      select (select max(step) from metric_points where run_id = ${runId}) as step,
        (select status from runs where id = ${runId}) as status,
        (select max(step) from checkpoints where run_id = ${runId}) as ckpt`;
    assert.equal(state!.status, 'RUNNING');
    const resumeFrom = { step: state!.ckpt };
    assert.ok(Number(resumeFrom.step) >= resumeStep);
    assert.ok(
      Number(state!.step) > Number(resumeFrom.step),
      'the killed runner had logged past its checkpoint',
    );

    const b = spawnRunner(f, 'runner-b');
    runners.push(b);
    const r = await waitFor(
      'the run to finish on runner-b',
      async () => {
        const s = await runStatus(f.sql, runId);
        return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(s.status) ? s : undefined;
      },
      120_000,
    );
    assert.equal(r.status, 'SUCCEEDED', r.error ?? '');
    assert.equal(r.attempt, 2);
    assert.match(r.worker_id!, /^runner-b\//);
    assert.ok(
      b.output.some(
        (l) => l.includes(`run ${runId}: resuming from checkpoint`) && l.includes(`step ${resumeFrom.step}`),
      ),
      b.output.join('\n'),
    );

    const loss = await rawMetric(f.sql, runId, 'train/batch_loss');
    assert.deepEqual(
      loss.map((p) => p.step),
      Array.from({ length: STEPS }, (_, i) => i + 1),
    );
    assert.deepEqual(
      (await rawMetric(f.sql, runId, 'test/acc')).map((p) => p.step),
      Array.from({ length: EPOCHS }, (_, e) => PER_EPOCH * (e + 1)),
    );
    const [dup] = await f.sql<{ n: string }[]>`
      select count(*) - count(distinct (key_id, step)) as n from metric_points where run_id = ${runId}`;
    assert.equal(Number(dup!.n), 0);
    const ckpts = await f.sql<
      { step: string }[]
    >`select step from checkpoints where run_id = ${runId} order by step`;
    assert.deepEqual(
      ckpts.map((c) => Number(c.step)),
      Array.from({ length: EPOCHS + 1 }, (_, e) => PER_EPOCH * e),
    );

    // the resumed run matches an uninterrupted one step for step (weights, momentum and data order restored)
    const ref = await queueRun(f, {
      kind: 'FINETUNE',
      init: 'PRETRAINED',
      initCheckpointId: init,
      hyperparameters: hp,
    });
    await waitFor(
      'the reference run',
      async () => (await runStatus(f.sql, ref)).status === 'SUCCEEDED',
      120_000,
    );
    const refLoss = await rawMetric(f.sql, ref, 'train/batch_loss');
    for (const [i, p] of loss.entries())
      assert.ok(
        Math.abs(p.value - refLoss[i]!.value) < 1e-5,
        `step ${p.step}: ${p.value} vs ${refLoss[i]!.value}`,
      );
  });
});
