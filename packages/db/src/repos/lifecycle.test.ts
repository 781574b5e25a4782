import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type BasinEvent, createEventBus, type EventBus } from '../events';
import { enqueueFlaggedJob } from '../jobs-flags';
import { createTestDatabase, seedRuns, type TestDatabase } from '../testing';
import { transaction } from '../tx';
import {
  claimAnalysis,
  claimRun,
  failOrphans,
  finishAnalysis,
  finishRun,
  heartbeatAnalysis,
  heartbeatRun,
  queuedJobFlags,
  saveRunCheckpoint,
  staleWorkerIds,
} from './lifecycle';
import { requestRunCancel, runsByIds } from './runs';
import { advanceSweep, finishSweep, lockSweep, startSweep } from './sweeps';

let db: TestDatabase;
let bus: EventBus;
const events: BasinEvent[] = [];
const A = { workerId: 'runner-a/w1', backend: 'cpu', staleMs: 60_000 };
const B = { workerId: 'runner-b/w1', backend: 'cpu', staleMs: 60_000 };

before(async () => {
  db = await createTestDatabase({ jobQueue: true });
  // the bus records what was published, in order: every status change must come with its event
  const real = createEventBus(db.sql);
  bus = {
    ...real,
    publish: (e, tx) => {
      events.push(e);
      return real.publish(e, tx);
    },
  };
});
after(() => db.close());

const teamOf = async (runId: string) =>
  (await db.sql<{ team_id: string }[]>`select team_id from runs where id = ${runId}`)[0]!.team_id;

describe('run lifecycle', () => {
  it('claims once, fences every later write on worker_id, and hands a stale run to another runner', async () => {
    const [id] = await seedRuns(db.sql, 1, 'life');
    const team = await teamOf(id!);
    const run = await claimRun(db.sql, bus, A, id!);
    assert.equal(run?.status, 'RUNNING');
    assert.equal(run?.workerId, A.workerId);
    assert.equal(run?.attempt, 1);
    assert.deepEqual(
      { ...events.at(-1), at: undefined },
      { type: 'run.status', runId: id, studyId: null, status: 'RUNNING', backend: 'cpu', at: undefined },
    );
    assert.equal(await claimRun(db.sql, bus, B, id!), null, 'a live runner keeps its run');
    assert.equal(await heartbeatRun(db.sql, A.workerId, id!, true), 'held');
    assert.equal(await heartbeatRun(db.sql, B.workerId, id!, false), 'lost', 'B never held it');

    // A's heartbeat goes stale: B takes the run over and A can no longer write
    await db.sql`update runs set heartbeat_at = now() - interval '2 minutes' where id = ${id!}`;
    assert.deepEqual(await staleWorkerIds(db.sql, A.staleMs), [A.workerId]);
    const taken = await claimRun(db.sql, bus, B, id!);
    assert.equal(taken?.attempt, 2);
    assert.equal(await heartbeatRun(db.sql, A.workerId, id!, true), 'lost');
    assert.equal(await finishRun(db.sql, bus, A, taken!, 'SUCCEEDED'), false);
    const ckpt = {
      step: 5,
      epoch: 1,
      blobHash: 'a'.repeat(64),
      blobSize: 3,
      metrics: {},
      momentumHash: null,
    };
    assert.equal(
      await saveRunCheckpoint(db.sql, bus, A.workerId, taken!, ckpt),
      null,
      'nothing written by A',
    );

    const saved = await saveRunCheckpoint(db.sql, bus, B.workerId, taken!, ckpt);
    assert.equal(saved?.step, 5);
    assert.equal(events.at(-1)?.type, 'checkpoint.saved');
    assert.equal(await finishRun(db.sql, bus, B, taken!, 'SUCCEEDED', { summary: { testAcc: 0.9 } }), true);
    const [done] = await runsByIds(db.sql, team, [id!]);
    assert.equal(done?.status, 'SUCCEEDED');
    assert.deepEqual(done?.summary, {
      resume: { checkpointId: saved!.id, step: 5, epoch: 1, momentumHash: null },
      testAcc: 0.9,
    });
    assert.notEqual(done?.finishedAt, null);
    assert.equal(await claimRun(db.sql, bus, A, id!), null, 'a finished run is never claimed again');
  });

  it('a heartbeat reports a requested cancel; handing back puts the run in the queue, unowned', async () => {
    const [id] = await seedRuns(db.sql, 1, 'life');
    const run = (await claimRun(db.sql, bus, A, id!))!;
    await requestRunCancel(db.sql, run.teamId, id!);
    assert.equal(await heartbeatRun(db.sql, A.workerId, id!, false), 'cancel');
    assert.equal(await finishRun(db.sql, bus, A, run, 'QUEUED'), true);
    const [back] = await runsByIds(db.sql, run.teamId, [id!]);
    assert.equal(back?.status, 'QUEUED');
    assert.equal(back?.workerId, null);
    assert.equal(back?.finishedAt, null);
  });

  it('fails orphans (stale and no job attempts left) and leaves runs whose job can still resume them', async () => {
    const [orphan, resumable] = await seedRuns(db.sql, 2, 'life');
    for (const id of [orphan!, resumable!]) {
      await claimRun(db.sql, bus, A, id);
      await db.sql`update runs set heartbeat_at = now() - interval '2 minutes' where id = ${id}`;
    }
    await enqueueFlaggedJob(db.sql, 'finetune', { runId: resumable! }, ['dataset:1']);
    assert.ok((await queuedJobFlags(db.sql)).includes('dataset:1'));
    assert.equal(await failOrphans(db.sql, bus, A.staleMs), 1);
    const team = await teamOf(orphan!);
    const [o, r] = await runsByIds(db.sql, team, [orphan!, resumable!]).then((rows) =>
      [orphan, resumable].map((id) => rows.find((x) => x.id === id)),
    );
    assert.equal(o?.status, 'FAILED');
    assert.match(o!.error!, /runner stopped responding .* no attempts left/);
    assert.equal(r?.status, 'RUNNING');
  });
});

describe('analysis and sweep lifecycle', () => {
  it('claims an analysis (never a sweep), stores progress with heartbeats and its result at the end', async () => {
    const [runId] = await seedRuns(db.sql, 1, 'life');
    const team = await teamOf(runId!);
    const [cka, sweep] = await db.sql<{ id: string }[]>`
      insert into analyses (team_id, kind) values (${team}, 'CKA'), (${team}, 'BLOCK_SHUFFLE') returning id`;
    assert.equal(await claimAnalysis(db.sql, bus, A, sweep!.id), null);
    const a = (await claimAnalysis(db.sql, bus, A, cka!.id))!;
    assert.equal(a.kind, 'CKA');
    assert.equal(await heartbeatAnalysis(db.sql, A.workerId, a.id, true, 0.5), 'held');
    assert.equal(await heartbeatAnalysis(db.sql, B.workerId, a.id, true, 0.9), 'lost');
    const [mid] = await db.sql<{ progress: number }[]>`select progress from analyses where id = ${a.id}`;
    assert.equal(mid?.progress, 0.5);
    assert.equal(await finishAnalysis(db.sql, bus, B.workerId, a, 'SUCCEEDED', { result: { x: 1 } }), false);
    assert.equal(await finishAnalysis(db.sql, bus, A.workerId, a, 'SUCCEEDED', { result: { x: 1 } }), true);
    const [end] = await db.sql<{ status: string; progress: number; result: unknown }[]>`
      select status, progress, result from analyses where id = ${a.id}`;
    assert.deepEqual(end, { status: 'SUCCEEDED', progress: 1, result: { x: 1 } });
  });

  it('a sweep starts its children, advances as they finish, and asks for its summary after the last', async () => {
    const [r1, r2] = await seedRuns(db.sql, 2, 'life');
    const team = await teamOf(r1!);
    const [s] = await db.sql<{ id: string }[]>`
      insert into analyses (team_id, kind) values (${team}, 'BLOCK_SHUFFLE') returning id`;
    await db.sql`update runs set sweep_analysis_id = ${s!.id} where id in (${r1!}, ${r2!})`;
    await transaction(db.sql, async (tx) => {
      const locked = (await lockSweep(tx, s!.id))!;
      assert.deepEqual(
        locked.children.map((c) => c.id),
        [r1, r2],
      );
      assert.equal(await startSweep(tx, bus, locked.sweep, locked.children), 2);
    });
    const jobs = () =>
      db.sql<{ task: string; key: string | null; priority: number }[]>`
        select t.identifier as task, j.key, j.priority from graphile_worker._private_jobs j
        join graphile_worker._private_tasks t on t.id = j.task_id order by j.id`;
    assert.deepEqual(
      (await jobs()).filter((j) => j.key === `run:${r1}` || j.key === `run:${r2}`).map((j) => j.task),
      ['finetune', 'finetune'],
    );
    for (const [i, id] of [r1!, r2!].entries()) {
      const run = (await claimRun(db.sql, bus, A, id))!;
      await finishRun(db.sql, bus, A, run, 'SUCCEEDED');
      const progress = events.filter((e) => e.type === 'analysis.progress' && e.analysisId === s!.id).at(-1);
      assert.equal(progress?.type === 'analysis.progress' && progress.progress, (i + 1) / 2);
      const summary = (await jobs()).filter((j) => j.key === `sweep-summary:${s!.id}`);
      assert.equal(summary.length, i === 1 ? 1 : 0, 'the summary is asked for once, after the last child');
      if (i === 1) assert.ok(summary[0]!.priority < 0, 'ahead of queued training jobs (priority 0)');
    }
    await transaction(db.sql, async (tx) => {
      await advanceSweep(tx, bus, s!.id); // idempotent: the pending summary job is replaced, not doubled
      await finishSweep(tx, bus, { id: s!.id, studyId: null }, 'SUCCEEDED', { rows: [] }, null);
    });
    assert.equal((await jobs()).filter((j) => j.key === `sweep-summary:${s!.id}`).length, 1);
    const [end] = await db.sql<{ status: string; progress: number }[]>`
      select status, progress from analyses where id = ${s!.id}`;
    assert.deepEqual(end, { status: 'SUCCEEDED', progress: 1 });
  });
});
