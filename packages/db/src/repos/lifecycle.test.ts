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
import { createRuns, type NewRun, requestRunCancel, runsByIds, runsBySweepAnalysisIds } from './runs';
import { addSweepRuns, advanceSweep, finishSweep, lockSweep, startSweep } from './sweeps';

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
    await db.sql`insert into sweep_runs (analysis_id, run_id) values (${s!.id}, ${r1!}), (${s!.id}, ${r2!})`;
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

describe("sweeps that reuse the study's runs", () => {
  it('counts an equivalent fine-tune instead of training it again, and advances when it finishes', async () => {
    const [seed] = await seedRuns(db.sql, 1, 'reuse');
    const [base] = await runsByIds(db.sql, await teamOf(seed!), [seed!]);
    const team = base!.teamId;
    const [study] = await db.sql<{ id: string }[]>`
      insert into studies (team_id, name) values (${team}, 'reuse study') returning id`;
    const hp = { epochs: 3, learningRate: 0.03, extra: { testExamples: 100 } };
    const point = (over: Partial<NewRun> = {}): NewRun => ({
      studyId: study!.id,
      kind: 'FINETUNE',
      init: 'RANDOM',
      datasetId: base!.datasetId,
      modelId: base!.modelId,
      seed: 0,
      hyperparameters: hp,
      ...over,
    });
    // the study's own fine-tunes: seed 0 queued, seed 1 failed (never reused), seed 2 with another learning rate
    const [main0, main1, main2] = await createRuns(db.sql, team, [
      point({ name: 'main s0' }),
      point({ name: 'main s1', seed: 1 }),
      point({ name: 'main s2', seed: 2, hyperparameters: { ...hp, learningRate: 0.1 } }),
    ]);
    await db.sql`update runs set status = 'FAILED' where id = ${main1!.id}`;
    // key order inside the hyperparameters does not matter (jsonb equality)
    const reordered = { extra: { testExamples: 100 }, learningRate: 0.03, epochs: 3 };
    const points = [
      point({ name: 'sweep s0', hyperparameters: reordered }),
      point({ name: 'sweep s1', seed: 1 }),
      point({ name: 'sweep s2', seed: 2 }),
      point({ name: 'sweep s0 shuffled', blockSize: 4 }),
    ];
    const [sw] = await db.sql<{ id: string }[]>`
      insert into analyses (team_id, study_id, kind) values (${team}, ${study!.id}, 'BLOCK_SHUFFLE') returning id`;
    const { runs, reused } = await transaction(db.sql, (tx) =>
      addSweepRuns(tx, team, sw!.id, points, { reuse: true }),
    );
    assert.equal(reused, 1);
    assert.equal(runs[0]!.id, main0!.id, 'the queued equivalent run is counted');
    assert.equal(runs[0]!.sweepAnalysisId, null, 'and stays the study run it was');
    for (const [i, r] of runs.entries()) {
      if (i === 0) continue;
      assert.notEqual(r.id, [main0, main1, main2][i]?.id);
      assert.equal(r.sweepAnalysisId, sw!.id, `${points[i]!.name} is a new run of the sweep`);
      assert.equal(r.name, points[i]!.name);
    }
    const members = await runsBySweepAnalysisIds(db.sql, team, [sw!.id]);
    assert.deepEqual(members.map((m) => m.id).sort(), runs.map((r) => r.id).sort());
    assert.ok(members.every((m) => m.sweepId === sw!.id));

    // starting the sweep queues jobs only for the runs it owns (the reused one has its own job)
    await transaction(db.sql, async (tx) => {
      const locked = (await lockSweep(tx, sw!.id))!;
      assert.equal(locked.children.length, 4);
      assert.equal(await startSweep(tx, bus, locked.sweep, locked.children), 3);
    });
    const keys = await db.sql<{ key: string }[]>`
      select key from graphile_worker._private_jobs where key = any(${db.sql.array(runs.map((r) => `run:${r.id}`))})`;
    assert.deepEqual(
      keys.map((k) => k.key).sort(),
      runs
        .slice(1)
        .map((r) => `run:${r.id}`)
        .sort(),
    );

    // the reused run finishing advances the sweep it did not create
    const claimed = (await claimRun(db.sql, bus, A, main0!.id))!;
    assert.equal(await finishRun(db.sql, bus, A, claimed, 'SUCCEEDED'), true);
    const progress = events.filter((e) => e.type === 'analysis.progress' && e.analysisId === sw!.id).at(-1);
    assert.equal(progress?.type === 'analysis.progress' && progress.progress, 1 / 4);

    // a second sweep over the same points reuses the finished run and the first sweep's own runs
    const [sw2] = await db.sql<{ id: string }[]>`
      insert into analyses (team_id, study_id, kind) values (${team}, ${study!.id}, 'BLOCK_SHUFFLE') returning id`;
    const again = await transaction(db.sql, (tx) => addSweepRuns(tx, team, sw2!.id, points, { reuse: true }));
    assert.equal(again.reused, 4);
    assert.deepEqual(
      again.runs.map((r) => r.id),
      runs.map((r) => r.id),
    );
    // reuse off: every point trains afresh
    const [sw3] = await db.sql<{ id: string }[]>`
      insert into analyses (team_id, study_id, kind) values (${team}, ${study!.id}, 'BLOCK_SHUFFLE') returning id`;
    const fresh = await transaction(db.sql, (tx) =>
      addSweepRuns(tx, team, sw3!.id, points, { reuse: false }),
    );
    assert.equal(fresh.reused, 0);
    assert.ok(fresh.runs.every((r) => r.sweepAnalysisId === sw3!.id));
  });
});
