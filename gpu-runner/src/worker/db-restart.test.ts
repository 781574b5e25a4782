import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ScratchPostgres, startScratchPostgres } from '@basin/db';
import { shutdownBackend } from '../backend/backend';
import {
  assertEveryPointOnce,
  type Fixture,
  openFixture,
  queueRun,
  type RunnerProcess,
  runStatus,
  spawnRunner,
  TINY,
  waitFor,
  waitPastFirstCheckpoint,
} from './worker.test-helper';

// Fault: the PostgreSQL server is stopped (fast shutdown: every connection terminated), stays down 3 s and comes
// back while a runner process trains. The runner must ride it out: the run finishes SUCCEEDED on its first
// attempt, with every metric point exactly once and every checkpoint recorded. The server is a scratch one of this
// test's own (the shared one is never restarted), so the test is the same under either CI pass; it runs in the
// PostgreSQL pass (DATABASE_URL set), where a server restart is a fault that can happen at all.

const TRAIN = 2048;
const PER_EPOCH = TRAIN / TINY.batchSize;
const EPOCHS = 4;
const STEPS = PER_EPOCH * EPOCHS;
const DOWN_MS = 3000;

const scratch = process.env.DATABASE_URL?.trim() ? await startScratchPostgres() : null;
const skip = !scratch
  ? 'the embedded database has no server to restart (runs in the PostgreSQL pass)'
  : 'skip' in scratch
    ? scratch.skip
    : false;

describe('PostgreSQL restarted while a runner trains', { timeout: 300_000, skip }, () => {
  const server = scratch as ScratchPostgres;
  let f: Fixture;
  let runner: RunnerProcess | null = null;
  before(async () => {
    f = await openFixture({ trainSize: TRAIN, env: { DATABASE_URL: server.url } });
  });
  after(async () => {
    await runner?.kill('SIGKILL');
    await f?.close();
    await server.stop();
    await shutdownBackend();
  });

  it('the run finishes on its first attempt with every metric point exactly once', async () => {
    const runId = await queueRun(f, { hyperparameters: { ...TINY, epochs: EPOCHS } });
    runner = spawnRunner(f, 'runner-pg', {
      BASIN_RUNNER_STALE_MS: '30000',
      BASIN_RUNNER_DB_OUTAGE_MS: '120000',
    });
    // restart once the run is into its second epoch (a checkpoint behind it, metrics being written)
    await waitPastFirstCheckpoint(f, runId, PER_EPOCH);
    const [before] = await f.sql<{ step: string }[]>`
      select max(step) as step from metric_points where run_id = ${runId}`;
    await server.restart(DOWN_MS);

    const r = await waitFor(
      'the run to end after the restart',
      async () => {
        try {
          const s = await runStatus(f.sql, runId);
          return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(s.status) ? s : undefined;
        } catch {
          return undefined; // the test's own pool reconnects on the next poll
        }
      },
      180_000,
    );
    const log = runner.output.join('\n');
    assert.equal(r.status, 'SUCCEEDED', `${r.error ?? ''}\n${log}`);
    assert.equal(r.attempt, 1, 'the run was not handed to a second attempt');
    assert.match(log, /database (is )?unreachable/, 'the runner noticed the outage');
    assert.ok(Number(before!.step) < STEPS, 'the restart happened while the run was training');
    await assertEveryPointOnce(f, runId, PER_EPOCH, EPOCHS);
  });
});
