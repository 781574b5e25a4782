import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../testing';
import { enqueueJob, removeQueuedJob } from './jobs';

// Regression: a payload passed as a JSON string to `add_job(payload => $2::json)` was stored as a JSON *string*
// ("{\"runId\":…}"), because postgres.js serialises json-typed parameters itself. Runners read `payload.runId`.
let db: TestDatabase;
before(async () => {
  db = await createTestDatabase({ jobQueue: true });
});
after(async () => {
  await db.close();
});

const stored = async () =>
  db.sql<{ task: string; payload: unknown; key: string | null }[]>`
    select t.identifier as task, j.payload, j.key from graphile_worker._private_jobs j
    join graphile_worker._private_tasks t on t.id = j.task_id order by j.id`;

test('enqueueJob stores the payload as a JSON object, keyed so a queued job can be removed', async () => {
  await db.sql.begin(async (tx) => {
    await enqueueJob(tx as never, 'pretrain', { runId: '42' });
  });
  const [job] = await stored();
  assert.equal(job!.task, 'pretrain');
  assert.deepEqual(job!.payload, { runId: '42' });
  assert.equal(job!.key, 'run:42');
  assert.equal(await removeQueuedJob(db.sql, { runId: '42' }), true);
  assert.equal((await stored()).length, 0);
});

test('a job enqueued in a transaction that rolls back is not stored', async () => {
  await assert.rejects(
    db.sql.begin(async (tx) => {
      await enqueueJob(tx as never, 'analysis', { analysisId: '7' });
      throw new Error('mutation failed later');
    }),
    /mutation failed later/,
  );
  assert.equal((await stored()).length, 0);
});
