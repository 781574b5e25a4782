import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rawMetric } from '@basin/db';
import { shutdownBackend } from '../backend/backend';
import {
  assertEveryPointOnce,
  type Fixture,
  importCheckpoint,
  openFixture,
  queueRun,
  type RunnerProcess,
  runStatus,
  spawnRunner,
  TINY,
  waitFor,
  waitForEnd,
  waitPastFirstCheckpoint,
} from './worker.test-helper';

// 64 batches of 32 per epoch, a checkpoint after every epoch. Epochs long enough that metrics are flushed several
// times inside each one (every 200 ms here), so the test reliably catches the run between two checkpoints even on
// the native kernels, where an epoch of the old 16 batches took ~0.2 s and the run could end before the kill.
const TRAIN = 2048;
const PER_EPOCH = TRAIN / TINY.batchSize;
const EPOCHS = 4;

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
    const resumeStep = await waitPastFirstCheckpoint(f, runId, PER_EPOCH);
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
    const r = await waitForEnd(f, runId);
    assert.equal(r.status, 'SUCCEEDED', r.error ?? '');
    assert.equal(r.attempt, 2);
    assert.match(r.worker_id!, /^runner-b\//);
    assert.ok(
      b.output.some(
        (l) => l.includes(`run ${runId}: resuming from checkpoint`) && l.includes(`step ${resumeFrom.step}`),
      ),
      b.output.join('\n'),
    );

    const loss = await assertEveryPointOnce(f, runId, PER_EPOCH, EPOCHS);

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
