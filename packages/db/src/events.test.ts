import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { connect, type Sql } from './connect';
import { type BasinEvent, createEventBus } from './events';
import { createTestDatabase, type TestDatabase } from './testing';

let db: TestDatabase;
let publisherSql: Sql;
before(async () => {
  db = await createTestDatabase({ migrate: false });
  publisherSql = await connect(db.url, { max: 2 }); // a second pool stands in for a runner process
});
after(async () => {
  await publisherSql.end();
  await db.close();
});

const waitFor = async (cond: () => boolean, ms = 3000) => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting for events');
    await new Promise((r) => setTimeout(r, 5));
  }
};

test('events published by one connection pool reach subscribers on another, filtered', async () => {
  const listenBus = createEventBus(db.sql);
  const publishBus = createEventBus(publisherSql);
  const forRun7: BasinEvent[] = [];
  const forStudy: BasinEvent[] = [];
  const unsub = await listenBus.subscribe({ runId: '7' }, (e) => forRun7.push(e));
  await listenBus.subscribe({ studyId: 's1', types: ['run.status'] }, (e) => forStudy.push(e));

  await publishBus.publish({
    type: 'run.progress',
    runId: '7',
    studyId: 's1',
    step: 10,
    epoch: 0.5,
    metrics: { 'train/loss': 0.5 },
  });
  await publishBus.publish({
    type: 'run.progress',
    runId: '8',
    studyId: 's1',
    step: 1,
    epoch: 0,
    metrics: {},
  });
  await publishBus.publish({ type: 'run.status', runId: '8', studyId: 's1', status: 'RUNNING' });
  await waitFor(() => forRun7.length === 1 && forStudy.length === 1);
  assert.equal(forRun7[0]!.type, 'run.progress');
  assert.deepEqual((forRun7[0] as { metrics: unknown }).metrics, { 'train/loss': 0.5 });
  assert.match(forRun7[0]!.at!, /^\d{4}-\d\d-\d\dT/);
  assert.equal((forStudy[0] as { status: string }).status, 'RUNNING');

  await unsub();
  await publishBus.publish({ type: 'run.status', runId: '7', studyId: 's2', status: 'SUCCEEDED' });
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(forRun7.length, 1, 'no events after unsubscribing');
  await listenBus.close();
});

test('an event published in a transaction arrives only if it commits', async () => {
  const bus = createEventBus(db.sql);
  const got: BasinEvent[] = [];
  await bus.subscribe({}, (e) => got.push(e));
  await publisherSql
    .begin(async (tx) => {
      await createEventBus(publisherSql).publish(
        { type: 'analysis.progress', analysisId: 'rolled', studyId: null, progress: 0.1 },
        tx as unknown as Sql,
      );
      throw new Error('abort');
    })
    .catch(() => {});
  await publisherSql.begin(async (tx) => {
    await createEventBus(publisherSql).publish(
      { type: 'analysis.progress', analysisId: 'kept', studyId: null, progress: 0.2 },
      tx as unknown as Sql,
    );
  });
  await waitFor(() => got.length >= 1);
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(
    got.map((e) => (e as { analysisId: string }).analysisId),
    ['kept'],
  );
  await bus.close();
});

test('an oversized event is refused before it is sent', async () => {
  const bus = createEventBus(db.sql);
  const metrics = Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`metric/${i}`, i]));
  await assert.rejects(
    bus.publish({ type: 'run.progress', runId: '1', studyId: null, step: 0, epoch: 0, metrics }),
    /NOTIFY payloads must stay under 7900/,
  );
});
