/**
 * Regression: MODULE_CRITICALITY of a P-T model was measured on the dataset of its FIRST input — the pretrained
 * checkpoint, so on the pretraining set (the study's P-T criticality reported 12.5% accuracy for a 98% MNIST model,
 * evaluated on Fashion-MNIST). It must evaluate where the final model was fine-tuned, name that dataset, and flag a
 * final accuracy that does not match the run's own.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ModuleCriticalityResult, Sql } from '@basin/db';
import { backendInfo, initBackend, shutdownBackend } from '../backend/backend';
import { encodeModelCheckpoint, modelFromCheckpoint } from '../checkpoint/checkpoint';
import { ResNet } from '../model/resnet';
import { resnetSpec } from '../model/spec';
import { criticalityAnalysis } from './analyses';
import {
  type AnalysisInput,
  evalDatasetId,
  loadEvalData,
  loadInputs,
  weightEvaluator,
} from './analysis-inputs';
import { type JobEnv, JobInputError } from './context';
import { type Fixture, openFixture, queueAnalysis, SHAPE, testConfig, testLog } from './worker.test-helper';

describe('MODULE_CRITICALITY evaluates on the fine-tune dataset, not the pretraining one', {
  timeout: 120_000,
}, () => {
  let f: Fixture;
  let env: JobEnv;
  const ids = { sketch: '', clipart: '', pretrainCkpt: '', ftCkpt: '', ft2Ckpt: '', ftRun: '' };

  const dataset = async (name: string, domain: string) => {
    const [d] = await f.sql<{ id: string }[]>`
      insert into datasets (team_id, name, kind, domain, image_shape, classes, train_size, test_size, spec)
      values (${f.teamId}, ${name}, 'SYNTHETIC_DOMAIN', ${domain}, '{8,8,3}',
        ${f.sql.array(Array.from({ length: 10 }, (_, i) => `c${i}`))}, 64, 64,
        ${f.sql.json({ trainSize: 64, testSize: 64 })})
      returning id`;
    return d!.id;
  };
  /**
   * A stored ResNet-8 w4 whose head is random (a fresh Fixup net's head is zero: its outputs would not depend on
   * the images, and so not on the dataset either).
   */
  const storeModel = async (seed: number) => {
    if (!backendInfo()) await initBackend({ backend: 'cpu' });
    const model = ResNet.create(resnetSpec(SHAPE, 10, { depth: 8, width: 4 }), { seed });
    try {
      const fc = model.getModuleWeights('fc');
      const w = fc.get('weight')!;
      for (let i = 0; i < w.data.length; i++) w.data[i] = Math.sin(seed * 7919 + i * 12.9898);
      model.setModuleWeights('fc', fc);
      const { hash, size } = await f.blobs.put(encodeModelCheckpoint(model));
      const [c] = await f.sql<{ id: string }[]>`
        insert into checkpoints (team_id, model_id, blob_hash, blob_size)
        values (${f.teamId}, ${f.modelId}, ${hash}, ${size}) returning id`;
      return c!.id;
    } finally {
      model.dispose();
    }
  };
  /** A SUCCEEDED run on `datasetId` whose final checkpoint is a fresh stored one. */
  const runWithCheckpoint = async (
    kind: 'PRETRAIN' | 'FINETUNE',
    datasetId: string,
    seed: number,
    initCheckpointId: string | null,
    testAcc: number,
  ) => {
    const ckpt = await storeModel(seed);
    const [r] = await f.sql<{ id: string }[]>`
      insert into runs (team_id, kind, init, init_checkpoint_id, dataset_id, model_id, seed, hyperparameters, status, summary)
      values (${f.teamId}, ${kind}, ${initCheckpointId ? 'PRETRAINED' : 'RANDOM'}, ${initCheckpointId}, ${datasetId},
        ${f.modelId}, ${seed}, ${f.sql.json({})}, 'SUCCEEDED', ${f.sql.json({ testAcc, finalCheckpointId: ckpt })})
      returning id`;
    await f.sql`update checkpoints set run_id = ${r!.id} where id = ${ckpt}`;
    return { run: r!.id, ckpt };
  };
  const inputsOf = async (kind: string, checkpoints: string[], params: Record<string, unknown>) => {
    const id = await queueAnalysis(f, kind, checkpoints, params);
    const a = { id, teamId: f.teamId, studyId: null, kind, params };
    return { a, inputs: await loadInputs(env, a) };
  };
  const criticality = async (params: Record<string, unknown>) => {
    const { inputs } = await inputsOf('MODULE_CRITICALITY', [ids.pretrainCkpt, ids.ftCkpt], params);
    const r = await criticalityAnalysis(env, inputs, params, () => {}, new AbortController().signal);
    return { inputs, result: r as ModuleCriticalityResult };
  };
  const small = {
    alphas: [0.5, 1],
    sigmas: [0.5, 1],
    noiseSamples: 1,
    examples: 32,
    modules: ['conv1', 'fc'],
  };

  before(async () => {
    f = await openFixture({ trainSize: 64 });
    env = {
      sql: f.sql as Sql,
      bus: f.bus,
      blobs: f.blobs,
      config: testConfig(f),
      log: testLog,
      backend: 'cpu',
      workerId: 'criticality-test/1',
      shutdown: new AbortController().signal,
      jobFlags: [],
      forbid() {},
    };
    // the pretraining set is the fixture's 'photo-8px'; the model is fine-tuned on 'sketch-8px'
    ids.sketch = await dataset('sketch-8px', 'sketch');
    ids.clipart = await dataset('clipart-8px', 'clipart');
    const pre = await runWithCheckpoint('PRETRAIN', f.datasetId, 1, null, 0.9);
    ids.pretrainCkpt = pre.ckpt;
    const ft = await runWithCheckpoint('FINETUNE', ids.sketch, 2, pre.ckpt, 0.98);
    ids.ftCkpt = ft.ckpt;
    ids.ftRun = ft.run;
    ids.ft2Ckpt = (await runWithCheckpoint('FINETUNE', ids.clipart, 3, pre.ckpt, 0.97)).ckpt;
  });
  after(async () => {
    await f?.close();
    await shutdownBackend();
  });

  it('measures the P-T final model on its fine-tune dataset and names it', async () => {
    const { inputs, result } = await criticality({ ...small, split: 'test' });
    assert.deepEqual(result.dataset, { id: ids.sketch, name: 'sketch-8px' });
    assert.equal(result.split, 'test');
    // the baseline is the final model's loss on the fine-tune data, not on the pretraining data
    const lossOn = async (datasetId: string) => {
      const data = await loadEvalData(env, inputs, { datasetId }, { split: 'test', examples: 32 });
      const model = modelFromCheckpoint(inputs[1]!.loaded);
      try {
        return await weightEvaluator(model, data)(inputs[1]!.loaded.checkpoint.modules);
      } finally {
        model.dispose();
      }
    };
    const onSketch = await lossOn(ids.sketch);
    const onPhoto = await lossOn(f.datasetId);
    assert.equal(result.finalLoss, onSketch.loss);
    assert.equal(result.finalAccuracy, onSketch.accuracy);
    assert.notEqual(result.finalLoss, onPhoto.loss);
  });

  it('flags a final accuracy far from the run’s own test accuracy (and near chance), naming both numbers', async () => {
    const { result } = await criticality({ ...small, split: 'test' });
    // an untrained model stands in for the 98% one: the run says 98%, the analysis measures about chance
    const mismatch = result.sanity.find((s) => s.code === 'ENDPOINT_MISMATCH');
    assert.ok(mismatch, JSON.stringify(result.sanity));
    assert.equal(mismatch.checkpointId, ids.ftCkpt);
    assert.match(mismatch.message, new RegExp(`run ${ids.ftRun} reported 98\\.0%`));
    assert.match(mismatch.message, new RegExp(`${(100 * result.finalAccuracy).toFixed(1)}% here`));
    assert.equal(
      result.sanity.some((s) => s.code === 'NEAR_CHANCE'),
      result.finalAccuracy < 0.19,
    );
    assert.ok(result.sanity.every((s) => s.checkpointId === ids.ftCkpt));
  });

  it("defaults to the train split and then leaves the run's test accuracy alone", async () => {
    const { result } = await criticality(small);
    assert.equal(result.split, 'train');
    assert.deepEqual(result.dataset, { id: ids.sketch, name: 'sketch-8px' });
    assert.ok(!result.sanity.some((s) => s.code === 'ENDPOINT_MISMATCH'), JSON.stringify(result.sanity));
  });

  it('params.datasetId still wins', async () => {
    const { result } = await criticality({ ...small, datasetId: f.datasetId });
    assert.deepEqual(result.dataset, { id: f.datasetId, name: 'photo-8px' });
    assert.ok(!result.sanity.some((s) => s.code === 'ENDPOINT_MISMATCH'), 'another dataset: not compared');
  });

  it('pairwise kinds: FINETUNE inputs take precedence over PRETRAIN; disagreeing ones need params.datasetId', async () => {
    const { inputs: mixed } = await inputsOf('CKA', [ids.pretrainCkpt, ids.ftCkpt], {});
    assert.equal(await evalDatasetId(env, mixed, {}), ids.sketch);
    const { inputs: pretrainOnly } = await inputsOf('CKA', [ids.pretrainCkpt, ids.pretrainCkpt], {});
    assert.equal(await evalDatasetId(env, pretrainOnly, {}), f.datasetId);

    const { inputs: two } = await inputsOf('MISTAKES', [ids.ftCkpt, ids.ft2Ckpt], {});
    await assert.rejects(evalDatasetId(env, two, {}), (err: Error) => {
      assert.ok(err instanceof JobInputError);
      assert.match(err.message, new RegExp(`${ids.sketch} 'sketch-8px'`));
      assert.match(err.message, new RegExp(`${ids.clipart} 'clipart-8px'`));
      assert.match(err.message, /params\.datasetId/);
      return true;
    });
    assert.equal(await evalDatasetId(env, two, { datasetId: ids.clipart }), ids.clipart);

    const imported: AnalysisInput[] = two.map((i) => ({ ...i, run: null }));
    await assert.rejects(evalDatasetId(env, imported, {}), /params\.datasetId is required/);
  });
});
