import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HandBackError, type JobEnv } from './context';
import { trainJob } from './train-job';
import { type Fixture, openFixture, queueRun, runStatus, testConfig, testLog } from './worker.test-helper';

/** A job environment as the runner builds it for one job, without graphile-worker around it. */
function jobEnv(f: Fixture, flags: string[], forbidden: string[]): JobEnv {
  return {
    sql: f.sql,
    bus: f.bus,
    blobs: f.blobs,
    config: testConfig(f, 'runner-h'),
    log: testLog,
    backend: 'wasm',
    workerId: 'runner-h/worker-1',
    shutdown: new AbortController().signal,
    jobFlags: flags,
    forbid: (flag) => forbidden.push(flag),
  };
}

describe('a job whose dataset is missing on the runner that claimed it', () => {
  let f: Fixture;
  let datasetId = '';
  before(async () => {
    f = await openFixture();
    const [d] = await f.sql<{ id: string }[]>`
      insert into datasets (team_id, name, kind, image_shape, classes, train_size, test_size, root)
      values (${f.teamId}, 'on-another-disk', 'IMAGE_FOLDER', '{8,8,3}', ${f.sql.array(['a', 'b'])}, 10, 10,
        '/nonexistent/basin-hand-back')
      returning id`;
    datasetId = d!.id;
  });
  after(async () => {
    await f?.close();
  });

  it('is handed back (and its flag forbidden here) when its flags promised a runner that has the dataset', async () => {
    const runId = await queueRun(f, { datasetId });
    const forbidden: string[] = [];
    await assert.rejects(trainJob(jobEnv(f, [`dataset:${datasetId}`], forbidden), runId), HandBackError);
    assert.deepEqual(forbidden, [`dataset:${datasetId}`]);
    const r = await runStatus(f.sql, runId);
    assert.equal(r.status, 'QUEUED');
    assert.equal(r.worker_id, null);
  });

  it('fails with the reason when the job carried no flag for it', async () => {
    const runId = await queueRun(f, { datasetId, flags: false });
    const forbidden: string[] = [];
    await trainJob(jobEnv(f, [], forbidden), runId);
    assert.deepEqual(forbidden, []);
    const r = await runStatus(f.sql, runId);
    assert.equal(r.status, 'FAILED');
    assert.match(r.error!, /'on-another-disk' \(IMAGE_FOLDER\) is not available on runner runner-h/);
  });
});
