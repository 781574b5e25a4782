import assert from 'node:assert/strict';
import { symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  createRuns,
  enqueueFlaggedJob,
  jobFlags,
  rawMetric,
  requestRunCancel,
  SANITY_CODES,
  type SanityFlag,
  type Sql,
  transaction,
} from '@basin/db';
import { shutdownBackend } from '../backend/backend';
import { createRunner, type RunningRunner } from './runner';
import {
  analysisStatus,
  type Fixture,
  importCheckpoint,
  openFixture,
  queueAnalysis,
  queueRun,
  runStatus,
  TINY,
  testConfig,
  testLog,
  waitFor,
} from './worker.test-helper';

const done = (s: string) => ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(s);

async function finished(f: Fixture, runId: string, timeoutMs = 60_000) {
  return waitFor(
    `run ${runId} to finish`,
    async () => {
      const r = await runStatus(f.sql, runId);
      return done(r.status) ? r : undefined;
    },
    timeoutMs,
  );
}

async function analysed(f: Fixture, id: string, timeoutMs = 60_000) {
  return waitFor(
    `analysis ${id} to finish`,
    async () => {
      const a = await analysisStatus(f.sql, id);
      return done(a.status) ? a : undefined;
    },
    timeoutMs,
  );
}

async function checkpointsOf(sql: Sql, runId: string) {
  return sql<{ id: string; step: string; epoch: number; parent_checkpoint_id: string | null }[]>`
    select id, step, epoch, parent_checkpoint_id from checkpoints where run_id = ${runId} order by step`;
}

describe('runner (in-process)', { timeout: 300_000 }, () => {
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

  let pretrainFinal = '';
  const finals: Record<string, string> = {};
  let ritInitial = '';

  it('pretrains: metrics contiguous, checkpoints per epoch in the blob store, events for each stage', async () => {
    const runId = await queueRun(f);
    const r = await finished(f, runId);
    assert.equal(r.status, 'SUCCEEDED', r.error ?? '');
    assert.equal(r.attempt, 1);
    const loss = await rawMetric(f.sql, runId, 'train/batch_loss');
    assert.deepEqual(
      loss.map((p) => p.step),
      Array.from({ length: 16 }, (_, i) => i + 1),
    );
    assert.deepEqual(
      (await rawMetric(f.sql, runId, 'test/acc')).map((p) => p.step),
      [8, 16],
    );
    const ckpts = await checkpointsOf(f.sql, runId);
    assert.deepEqual(
      ckpts.map((c) => [Number(c.step), c.epoch]),
      [
        [0, 0],
        [8, 1],
        [16, 2],
      ],
    );
    assert.ok(ckpts.every((c) => c.parent_checkpoint_id === null));
    pretrainFinal = ckpts[2]!.id;
    const [blob] = await f.sql<
      { blob_hash: string }[]
    >`select blob_hash from checkpoints where id = ${pretrainFinal}`;
    assert.ok(await f.blobs.has(blob!.blob_hash));
    assert.equal(r.summary.finalCheckpointId, pretrainFinal);
    assert.equal((r.summary.trainAccPerEpoch as number[]).length, 2);
    await waitFor('the SUCCEEDED event', async () =>
      f.events.some((e) => e.type === 'run.status' && e.runId === runId && e.status === 'SUCCEEDED'),
    );
    const mine = f.events.filter((e) => 'runId' in e && e.runId === runId);
    assert.deepEqual(
      mine.filter((e) => e.type === 'run.status').map((e) => (e as { status: string }).status),
      ['RUNNING', 'SUCCEEDED'],
    );
    assert.equal(mine.filter((e) => e.type === 'checkpoint.saved').length, 3);
    assert.equal(mine.at(-1)?.type, 'run.status', 'no progress event arrives after the final status');
    assert.ok(mine.filter((e) => e.type === 'run.progress').length >= 2);
  });

  it('fine-tunes P-T (lineage to the init checkpoint) and RI-T', async () => {
    const ids = {
      pt1: await queueRun(f, {
        kind: 'FINETUNE',
        init: 'PRETRAINED',
        initCheckpointId: pretrainFinal,
        seed: 1,
      }),
      pt2: await queueRun(f, {
        kind: 'FINETUNE',
        init: 'PRETRAINED',
        initCheckpointId: pretrainFinal,
        seed: 2,
      }),
      rit: await queueRun(f, { kind: 'FINETUNE', init: 'RANDOM', seed: 1 }),
    };
    for (const [k, id] of Object.entries(ids)) {
      const r = await finished(f, id);
      assert.equal(r.status, 'SUCCEEDED', `${k}: ${r.error}`);
      const ckpts = await checkpointsOf(f.sql, id);
      finals[k] = ckpts.at(-1)!.id;
      if (k === 'rit') ritInitial = ckpts[0]!.id;
      for (const c of ckpts) assert.equal(c.parent_checkpoint_id, k === 'rit' ? null : pretrainFinal);
    }
  });

  it('runs every analysis kind and stores the typed results', async () => {
    const three = [finals.pt1!, finals.pt2!, finals.rit!];
    const ids = {
      cka: await queueAnalysis(f, 'CKA', three, { examples: 32, split: 'test' }),
      mistakes: await queueAnalysis(f, 'MISTAKES', three, { examples: 64 }),
      distance: await queueAnalysis(f, 'PARAM_DISTANCE', [pretrainFinal, finals.pt1!]),
      barrier: await queueAnalysis(f, 'BARRIER', [finals.pt1!, finals.rit!], { points: 5, examples: 32 }),
      criticality: await queueAnalysis(f, 'MODULE_CRITICALITY', [ritInitial, finals.rit!], {
        alphas: [0.5, 1],
        sigmas: [0.5, 1],
        noiseSamples: 1,
        examples: 32,
        modules: ['conv1', 'layer3.0', 'fc'],
      }),
    };
    const res: Record<string, Record<string, unknown>> = {};
    for (const [k, id] of Object.entries(ids)) {
      const a = await analysed(f, id);
      assert.equal(a.status, 'SUCCEEDED', `${k}: ${a.error}`);
      res[k] = a.result!;
    }
    const cka = res.cka as {
      kind: string;
      pairs: { pairType: string; values: number[][]; modulesA: string[] }[];
    };
    assert.equal(cka.kind, 'CKA');
    assert.deepEqual(
      cka.pairs.map((p) => p.pairType),
      ['PT_PT', 'PT_RIT', 'PT_RIT'],
    );
    const p0 = cka.pairs[0]!;
    assert.equal(p0.values.length, p0.modulesA.length);
    assert.ok(p0.values.flat().every((v) => v >= -1e-9 && v <= 1 + 1e-9));
    const mistakes = res.mistakes as {
      examples: number;
      pairs: { common: number; onlyA: number; onlyB: number }[];
    };
    assert.equal(mistakes.examples, 64);
    assert.equal(mistakes.pairs.length, 3);
    const dist = res.distance as {
      pairs: { total: number; excluded: { module: string }[]; modules: unknown[] }[];
    };
    // pretrain and fine-tune have the same 10 classes here, so nothing is excluded and the total is positive
    assert.ok(dist.pairs[0]!.total > 0);
    const barrier = res.barrier as { pairs: { lambdas: number[]; loss: number[]; pairType: string }[] };
    assert.deepEqual(barrier.pairs[0]!.lambdas, [0, 0.25, 0.5, 0.75, 1]);
    assert.equal(barrier.pairs[0]!.loss.length, 5);
    assert.equal(barrier.pairs[0]!.pairType, 'PT_RIT');
    const crit = res.criticality as {
      modules: { module: string; meanLoss: number[][]; rewindAccuracy: number }[];
    };
    assert.deepEqual(
      crit.modules.map((m) => m.module),
      ['conv1', 'layer3.0', 'fc'],
    );
    assert.equal(crit.modules[0]!.meanLoss.length, 2);
    assert.ok(f.events.some((e) => e.type === 'analysis.progress' && e.analysisId === ids.barrier));
    // every result that evaluates models names the data; every result says what (if anything) is suspicious
    const photo = { id: f.datasetId, name: 'photo-8px' };
    for (const k of ['cka', 'mistakes', 'barrier', 'criticality'])
      assert.deepEqual(res[k]!.dataset, photo, k);
    assert.equal(res.mistakes!.split, 'test');
    assert.equal(res.criticality!.split, 'train');
    assert.deepEqual(res.distance!.sanity, []);
    const inputs = new Set([...three, ritInitial]);
    for (const [k, r] of Object.entries(res)) {
      const sanity = r.sanity as SanityFlag[];
      assert.ok(Array.isArray(sanity), k);
      for (const s of sanity) {
        assert.ok(SANITY_CODES.includes(s.code) && s.code !== 'SINGLE_SEED', `${k}: ${s.code}`);
        assert.ok(s.checkpointId && inputs.has(s.checkpointId), `${k}: ${s.message}`);
      }
    }
  });

  it('cancels a run within one batch', async () => {
    const runId = await queueRun(f, { hyperparameters: { ...TINY, epochs: 50, checkpointEvery: 0 } });
    const batches = () =>
      f.events.flatMap((e) =>
        // batch events only: the epoch-end event also carries `lr`, and one stamped after the cancel is not a batch
        e.type === 'run.progress' && e.runId === runId && e.metrics['train/batch_loss'] !== undefined
          ? [e]
          : [],
      );
    await waitFor('a few batches', async () => batches().some((e) => e.step >= 3));
    const [team] = await f.sql<{ team_id: string }[]>`select team_id from runs where id = ${runId}`;
    await requestRunCancel(f.sql, team!.team_id, runId);
    const committed = Date.now(); // the cancel is committed by now
    const r = await finished(f, runId);
    assert.equal(r.status, 'CANCELLED');
    await waitFor('the CANCELLED event', async () =>
      f.events.some((e) => e.type === 'run.status' && e.runId === runId && e.status === 'CANCELLED'),
    );
    // the test config publishes every batch, stamped with the engine callback's time: after the cancel committed,
    // at most the batch then in flight may end (its end-of-batch check is what sees the cancel)
    const after = batches().filter((e) => Date.parse(e.at!) > committed);
    assert.ok(after.length <= 1, `batches ended after the cancel: ${after.map((e) => e.step).join(', ')}`);
    const steps = (await rawMetric(f.sql, runId, 'train/batch_loss')).map((p) => p.step);
    assert.equal(steps.at(-1), batches().at(-1)!.step, 'the metrics stop where the batches stopped');
  });

  it('fails bad jobs with a clear error and keeps serving', async () => {
    const [missing] = await f.sql<{ id: string }[]>`
      insert into datasets (team_id, name, kind, image_shape, classes, train_size, test_size, root)
      values (${f.teamId}, 'gone', 'IMAGE_FOLDER', '{8,8,3}', ${f.sql.array(['a', 'b'])}, 10, 10, '/nonexistent/basin')
      returning id`;
    const noData = await queueRun(f, { datasetId: missing!.id, flags: false });
    // a row written around the API, naming a folder that links out of the runner's root (its home here): never read
    symlinkSync(tmpdir(), join(f.home, 'escape'));
    const [escaping] = await f.sql<{ id: string }[]>`
      insert into datasets (team_id, name, kind, image_shape, classes, train_size, test_size, root)
      values (${f.teamId}, 'escaping', 'IMAGE_FOLDER', '{8,8,3}', ${f.sql.array(['a', 'b'])}, 10, 10, ${join(f.home, 'escape')})
      returning id`;
    const escaped = await queueRun(f, { datasetId: escaping!.id, flags: false });
    const nan = await queueRun(f, { hyperparameters: { ...TINY, learningRate: 10 } });
    await f.sql`insert into checkpoints (team_id, model_id, blob_hash, blob_size) values (${f.teamId}, ${f.modelId}, ${'0'.repeat(64)}, 1)`;
    const [noBlob] = await f.sql<
      { id: string }[]
    >`select id from checkpoints where blob_hash = ${'0'.repeat(64)}`;
    const badInit = await queueRun(f, { kind: 'FINETUNE', init: 'PRETRAINED', initCheckpointId: noBlob!.id });
    const good = await queueRun(f, { hyperparameters: { ...TINY, epochs: 1 } });

    const r1 = await finished(f, noData);
    assert.equal(r1.status, 'FAILED');
    assert.match(r1.error!, /dataset .*'gone'.* not available on runner runner-t.*\/nonexistent\/basin/);
    const r0 = await finished(f, escaped);
    assert.equal(r0.status, 'FAILED');
    assert.match(
      r0.error!,
      /'escaping'.* not available on runner runner-t: root: .* \(through a symbolic link\), outside the allowed roots/,
    );
    const r2 = await finished(f, nan);
    assert.equal(r2.status, 'FAILED');
    assert.match(r2.error!, /TrainingDivergedError: loss is (NaN|-?Infinity)/);
    const r3 = await finished(f, badInit);
    assert.equal(r3.status, 'FAILED');
    assert.match(r3.error!, /checkpoint \d+: its weights \(blob 0{64}\) are not in the blob store/);
    assert.equal((await finished(f, good)).status, 'SUCCEEDED');
    await waitFor('the FAILED event', async () =>
      f.events.some(
        (e) =>
          e.type === 'run.status' && e.runId === nan && e.status === 'FAILED' && /loss/.test(e.error ?? ''),
      ),
    );

    const wide = await importCheckpoint(f, 3, 10, [16, 16, 3]);
    const badShape = await queueRun(f, { kind: 'FINETUNE', init: 'PRETRAINED', initCheckpointId: wide });
    const r4 = await finished(f, badShape);
    assert.equal(r4.status, 'FAILED');
    assert.match(
      r4.error!,
      /^init checkpoint \d+ takes 16×16×3 images but dataset \d+ 'photo-8px' has 8×8×3 \(incompatible shapes\)$/,
    );
    const fiveClasses = await importCheckpoint(f, 4, 5);
    const b = await queueAnalysis(f, 'BARRIER', [finals.pt1!, fiveClasses], { datasetId: f.datasetId });
    assert.match(
      (await analysed(f, b)).error!,
      /outputs 5 classes but the dataset has 10 \(incompatible shapes\)/,
    );

    const a = await queueAnalysis(f, 'BARRIER', [finals.pt1!, noBlob!.id]);
    assert.match((await analysed(f, a)).error!, /not in the blob store/);
    const unknown = await queueAnalysis(f, 'CKA', [finals.pt1!, finals.pt2!], {
      modules: ['conv1', 'nope'],
      examples: 16,
    });
    assert.match((await analysed(f, unknown)).error!, /no module 'nope'/);
  });

  it('never claims a job flagged with a dataset this machine lacks', async () => {
    const [missing] = await f.sql<{ id: string }[]>`
      insert into datasets (team_id, name, kind, image_shape, classes, train_size, test_size, root)
      values (${f.teamId}, 'elsewhere', 'IMAGE_FOLDER', '{8,8,3}', ${f.sql.array(['a', 'b'])}, 10, 10, '/nonexistent/x')
      returning id`;
    const flagged = await queueRun(f, { datasetId: missing!.id });
    const good = await queueRun(f, { hyperparameters: { ...TINY, epochs: 1 } });
    assert.equal((await finished(f, good)).status, 'SUCCEEDED');
    assert.equal((await runStatus(f.sql, flagged)).status, 'QUEUED');
    const [job] = await f.sql<{ locked_by: string | null; attempts: number }[]>`
      select locked_by, attempts from graphile_worker._private_jobs where key = ${`run:${flagged}`}`;
    assert.deepEqual(job, { locked_by: null, attempts: 0 });
  });

  it('runs a block-shuffle sweep: fans out fine-tunes, summarises when the last one finishes', async () => {
    const hp = { ...TINY, epochs: 1, checkpointEvery: 0 };
    const [a] = await f.sql<{ id: string }[]>`
      insert into analyses (team_id, kind, params) values (${f.teamId}, 'BLOCK_SHUFFLE',
        ${f.sql.json({ datasetId: f.datasetId, pretrainCheckpointId: pretrainFinal, blockSizes: [null, 4], seeds: [1], hyperparameters: hp })})
      returning id`;
    for (const b of [null, 4])
      for (const init of ['PRETRAINED', 'RANDOM'] as const)
        await createRuns(f.sql, f.teamId, [
          {
            kind: 'FINETUNE',
            init,
            initCheckpointId: init === 'PRETRAINED' ? pretrainFinal : null,
            datasetId: f.datasetId,
            modelId: f.modelId,
            seed: 1,
            blockSize: b,
            hyperparameters: hp,
            sweepAnalysisId: a!.id,
          },
        ]);
    await enqueueFlaggedJob(f.sql, 'block_shuffle_sweep', { analysisId: a!.id }, jobFlags({}));
    const res = await analysed(f, a!.id, 120_000);
    assert.equal(res.status, 'SUCCEEDED', res.error ?? '');
    const result = res.result as {
      rows: { label: string; pretrainedAccuracy: { n: number }; relativeDrop: { n: number } }[];
    };
    assert.deepEqual(
      result.rows.map((r) => r.label),
      ['none', '4'],
    );
    assert.ok(result.rows.every((r) => r.pretrainedAccuracy.n === 1 && r.relativeDrop.n === 1));
    const checked = res.result as { rows: { note: string | null }[]; sanity: SanityFlag[] };
    assert.ok(
      checked.rows.every((r) => r.note === null),
      '3-channel images: no duplicate rows to note',
    );
    assert.deepEqual(
      checked.sanity.map((s) => s.code),
      ['SINGLE_SEED'],
    );
    assert.match(checked.sanity[0]!.message, /^1 seed: no spread/);
  });

  it('runs a checkpoint sweep: fine-tunes from each pretraining checkpoint and a random-init baseline', async () => {
    const hp = { ...TINY, epochs: 1, checkpointEvery: 0 };
    const [pre] = await f.sql<
      { run_id: string }[]
    >`select run_id from checkpoints where id = ${pretrainFinal}`;
    const chosen = await f.sql<{ id: string }[]>`
      select id from checkpoints where run_id = ${pre!.run_id} and step > 0 order by step`;
    const [a] = await f.sql<{ id: string }[]>`
      insert into analyses (team_id, kind, params) values (${f.teamId}, 'CHECKPOINT_SWEEP',
        ${f.sql.json({ pretrainRunId: pre!.run_id, datasetId: f.datasetId, checkpointIds: chosen.map((c) => c.id), seeds: [1], includeRandomInit: true })})
      returning id`;
    await createRuns(
      f.sql,
      f.teamId,
      [...chosen.map((x) => x.id), null].map((c) => ({
        kind: 'FINETUNE',
        init: c ? 'PRETRAINED' : 'RANDOM',
        initCheckpointId: c,
        datasetId: f.datasetId,
        modelId: f.modelId,
        seed: 1,
        hyperparameters: hp,
        sweepAnalysisId: a!.id,
      })),
    );
    await enqueueFlaggedJob(f.sql, 'checkpoint_sweep', { analysisId: a!.id }, []);
    const res = await analysed(f, a!.id, 120_000);
    assert.equal(res.status, 'SUCCEEDED', res.error ?? '');
    const result = res.result as {
      points: { epoch: number; accuracy: { n: number }; runIds: string[] }[];
      randomInit: { runIds: string[] } | null;
    };
    assert.deepEqual(
      result.points.map((p) => p.epoch),
      [1, 2],
    );
    assert.ok(result.points.every((p) => p.accuracy.n === 1 && p.runIds.length === 1));
    assert.equal(result.randomInit?.runIds.length, 1);
    assert.deepEqual(
      (res.result as { sanity: SanityFlag[] }).sanity.map((s) => s.code),
      ['SINGLE_SEED'],
    );
    assert.ok(
      f.events.some((e) => e.type === 'analysis.progress' && e.analysisId === a!.id && e.progress === 1),
    );
  });

  it('fails a run whose runner died with no attempts left, and resumes one that has attempts', async () => {
    // two runs claimed by a runner that died 10 s ago; only `alive`'s job has attempts left
    const [dead, alive] = (await transaction(f.sql, async (t) => {
      const ids: string[] = [];
      for (const attempts of [3, 1]) {
        const [r] = await t<{ id: string }[]>`
          insert into runs (team_id, kind, init, dataset_id, model_id, seed, hyperparameters, status, worker_id,
            heartbeat_at, attempt)
          values (${f.teamId}, 'PRETRAIN', 'RANDOM', ${f.datasetId}, ${f.modelId}, 1, ${t.json({ ...TINY, epochs: 1 })},
            'RUNNING', 'gone/worker-0', now() - interval '10 seconds', 1)
          returning id`;
        await enqueueFlaggedJob(t, 'pretrain', { runId: r!.id }, jobFlags({ datasetIds: [f.datasetId] }));
        await t`update graphile_worker._private_jobs set attempts = ${attempts} where key = ${`run:${r!.id}`}`;
        ids.push(r!.id);
      }
      return ids;
    })) as [string, string];
    const r1 = await finished(f, dead, 30_000);
    assert.equal(r1.status, 'FAILED');
    assert.match(r1.error!, /runner stopped responding .* no attempts left/);
    const r2 = await finished(f, alive, 30_000);
    assert.equal(r2.status, 'SUCCEEDED', r2.error ?? '');
    assert.equal(r2.attempt, 2);
  });

  it('hands a running job back when the runner stops, and another runner resumes it', async () => {
    const runId = await queueRun(f, { hyperparameters: { ...TINY, epochs: 4 } });
    await waitFor('the run to pass its first checkpoint', async () => {
      const [c] = await f.sql<
        { n: string }[]
      >`select count(*) as n from checkpoints where run_id = ${runId} and step > 0`;
      return Number(c!.n) > 0;
    });
    await runner.stop();
    const r = await runStatus(f.sql, runId);
    assert.equal(r.status, 'QUEUED');
    const [job] = await f.sql<{ attempts: number; locked_by: string | null }[]>`
      select attempts, locked_by from graphile_worker._private_jobs where key = ${`run:${runId}`}`;
    assert.deepEqual(job, { attempts: 0, locked_by: null });
    runner = await createRunner({ config: testConfig(f, 'runner-u'), sql: f.sql, log: testLog });
    const done2 = await finished(f, runId);
    assert.equal(done2.status, 'SUCCEEDED', done2.error ?? '');
    assert.match(done2.worker_id!, /^runner-u\//);
    const steps = (await rawMetric(f.sql, runId, 'train/batch_loss')).map((p) => p.step);
    assert.deepEqual(
      steps,
      Array.from({ length: 32 }, (_, i) => i + 1),
    );
  });
});
