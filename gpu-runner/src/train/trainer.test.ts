import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, shutdownBackend } from '../backend/backend';
import { sha256 } from '../checkpoint/checkpoint';
import { memoryDataset } from '../data/memory';
import { ResNet } from '../model/resnet';
import { resnetSpec } from '../model/spec';
import { BadBatchError } from './loss';
import { plateaued } from './plateau';
import { resumeRun } from './runs';
import { stripesDataset } from './test-data';
import { stepLr, TrainingDivergedError, trainModel } from './trainer';

const tiny = (classes = 4, shape: [number, number, number] = [12, 12, 1]) =>
  ResNet.create(resnetSpec(shape, classes, { depth: 8, width: 4 }), { seed: 3 });

describe('trainModel', () => {
  let dir: string;
  before(async () => {
    await initBackend({ backend: process.env.BASIN_BACKEND ?? 'wasm' });
    dir = await mkdtemp(join(tmpdir(), 'basin-train-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
    await shutdownBackend();
  });

  it('learns a separable task and reports metrics each epoch', async () => {
    const data = stripesDataset({ trainSize: 192, testSize: 64 });
    const model = ResNet.create(resnetSpec([12, 12, 1], 4, { depth: 8, width: 8 }), { seed: 3 });
    const epochs: number[] = [];
    const res = await trainModel(model, data, {
      epochs: 3,
      batchSize: 16,
      lr: 0.05,
      callbacks: { onEpochEnd: (e) => void epochs.push(e.epoch) },
    });
    assert.deepEqual(epochs, [1, 2, 3]);
    const last = res.history.at(-1)!.metrics;
    for (const key of ['train/loss', 'train/acc', 'test/loss', 'test/acc', 'lr']) assert.ok(key in last, key);
    assert.ok(last['test/acc']! > 0.6, `test accuracy ${last['test/acc']}`);
    assert.ok(res.history[2]!.metrics['train/loss']! < res.history[0]!.metrics['train/loss']!);
    assert.equal(res.step, 36);
    assert.equal(res.backend.name, process.env.BASIN_BACKEND ?? 'wasm');
    model.dispose();
  });

  it('does not leak tensors across steps', async () => {
    const model = tiny();
    const counts: number[] = [];
    await trainModel(model, stripesDataset({ trainSize: 96 }), {
      epochs: 2,
      batchSize: 16,
      callbacks: { onBatchEnd: () => void counts.push(tf.memory().numTensors) },
    });
    // The first step creates the momentum buffers; from then on the count is flat.
    assert.equal(new Set(counts.slice(1)).size, 1, `tensor counts ${counts.join(',')}`);
    const before = tf.memory().numTensors;
    await trainModel(model, stripesDataset({ trainSize: 32 }), { epochs: 1, batchSize: 16 });
    assert.equal(tf.memory().numTensors, before);
    model.dispose();
  });

  it('is deterministic for a seed', async () => {
    const run = async (seed: number) => {
      const m = tiny();
      await trainModel(m, stripesDataset({ trainSize: 64 }), {
        epochs: 2,
        batchSize: 16,
        seed,
        evaluate: false,
      });
      const w = m.flatten();
      m.dispose();
      return w;
    };
    const [a, b, c] = [await run(5), await run(5), await run(6)];
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  it('applies the step LR schedule', async () => {
    assert.equal(stepLr(0.1, 0, [2, 4]), 0.1);
    assert.ok(Math.abs(stepLr(0.1, 2, [2, 4]) - 0.01) < 1e-12);
    assert.ok(Math.abs(stepLr(0.1, 5, [2, 4], 0.5) - 0.025) < 1e-12);
    const lrs: number[] = [];
    const m = tiny();
    await trainModel(m, stripesDataset({ trainSize: 16 }), {
      epochs: 3,
      batchSize: 16,
      lrMilestones: [1, 2],
      lrGamma: 0.5,
      evaluate: false,
      callbacks: { onBatchEnd: (e) => void lrs.push(e.lr) },
    });
    assert.deepEqual(lrs, [0.1, 0.05, 0.025]);
    m.dispose();
  });

  it('stops within one batch when aborted', async () => {
    const ac = new AbortController();
    const m = tiny();
    const res = await trainModel(m, stripesDataset({ trainSize: 128 }), {
      epochs: 5,
      batchSize: 16,
      signal: ac.signal,
      callbacks: { onBatchEnd: (e) => (e.step === 3 ? ac.abort() : undefined) },
    });
    assert.equal(res.status, 'aborted');
    assert.equal(res.step, 3);
    assert.equal(res.epoch, 0);
    m.dispose();
  });

  it('an abort during the last batch also skips the evaluation that would follow', async () => {
    const ac = new AbortController();
    const m = tiny();
    const res = await trainModel(m, stripesDataset({ trainSize: 32 }), {
      epochs: 3,
      batchSize: 16,
      signal: ac.signal,
      callbacks: { onBatchEnd: (e) => (e.step === 2 ? ac.abort() : undefined) },
    });
    assert.deepEqual([res.status, res.epoch, res.step, res.history.length], ['aborted', 1, 2, 0]);
    m.dispose();
  });

  it('throws a clear error when the loss becomes NaN', async () => {
    const m = tiny();
    await assert.rejects(
      trainModel(m, stripesDataset({ trainSize: 64 }), {
        epochs: 3,
        batchSize: 16,
        lr: 1e12,
        evaluate: false,
      }),
      (err: Error) =>
        err instanceof TrainingDivergedError &&
        /loss is (NaN|Infinity|-Infinity) at epoch \d+/.test(err.message),
    );
    m.dispose();
  });

  it('rejects a label outside the class range, naming the example', async () => {
    const d = stripesDataset({ trainSize: 16 });
    const bad = memoryDataset(
      d.info,
      { x: new Float32Array(4 * 144), y: Int32Array.from([0, 1, 7, 2]) },
      { x: new Float32Array(144), y: Int32Array.from([0]) },
    );
    const m = tiny();
    await assert.rejects(
      trainModel(m, bad, { epochs: 1, batchSize: 4 }),
      (err: Error) =>
        err instanceof BadBatchError &&
        /example 2 has label 7, expected a class index in \[0, 4\)/.test(err.message),
    );
    m.dispose();
  });

  it('saves checkpoints at chosen epochs, and a resumed run ends where the uninterrupted one does', async () => {
    const data = stripesDataset({ trainSize: 64 });
    const opts = { epochs: 3, batchSize: 16, lrMilestones: [2], seed: 9, evaluate: false };
    const full = tiny();
    const saved: string[] = [];
    const res = await trainModel(full, data, {
      ...opts,
      checkpoints: { dir, epochs: [0, 1, 3] },
      callbacks: { onCheckpoint: (e) => void saved.push(`${e.epoch}@${e.step}`) },
    });
    assert.deepEqual(saved, ['0@0', '1@4', '3@12']);
    for (const c of res.checkpoints) assert.equal(c.sha256, sha256(new Uint8Array(await readFile(c.path))));
    const resumed = await resumeRun(join(dir, 'epoch-1.safetensors'), data, opts);
    assert.equal(resumed.result.step, 12);
    const a = full.flatten();
    const b = resumed.model.flatten();
    let maxDiff = 0;
    for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
    assert.ok(maxDiff < 1e-5, `resumed weights differ by ${maxDiff}`);
    full.dispose();
    resumed.model.dispose();
  });

  describe('untilPlateau', () => {
    // Stalls near chance for a few epochs (like a random-init Fixup ResNet), then learns and converges.
    const data = () => stripesDataset({ trainSize: 64 });
    const model = () => ResNet.create(resnetSpec([12, 12, 1], 4, { depth: 8, width: 8 }), { seed: 3 });
    const opts = { batchSize: 16, lr: 0.05, seed: 2, evaluate: false, untilPlateau: {} };

    it('stops at the plateau, anneals one epoch at lr × 0.1 and checkpoints the epoch it ends at', async () => {
      const m = model();
      const sub = join(dir, 'plateau');
      const saved: number[] = [];
      const res = await trainModel(m, data(), {
        ...opts,
        epochs: 40,
        checkpoints: { dir: sub, epochs: [0] },
        callbacks: { onCheckpoint: (e) => void saved.push(e.epoch) },
      });
      const p = res.stop.plateauEpoch;
      assert.equal(res.stop.reason, 'plateau');
      assert.ok(p !== null && p >= 3, `plateau epoch ${p}`);
      assert.equal(res.epoch, p + 1);
      assert.ok(res.epoch < 40);
      const losses = res.history.map((h) => h.metrics['train/loss']!);
      assert.equal(plateaued(losses.slice(0, p)), true);
      for (let e = 1; e < p; e++) assert.equal(plateaued(losses.slice(0, e)), false, `epoch ${e}`);
      const lrs = res.history.map((h) => h.metrics.lr);
      assert.deepEqual(lrs.slice(0, p), Array(p).fill(0.05));
      assert.ok(Math.abs(lrs[p]! - 0.005) < 1e-12, `anneal lr ${lrs[p]}`);
      assert.equal(lrs.length, p + 1);
      assert.deepEqual(saved, [0, res.epoch]);
      assert.equal(res.checkpoints.at(-1)!.path, join(sub, `epoch-${res.epoch}.safetensors`));

      // Resumed from the plateau epoch's checkpoint with the earlier losses, it anneals and ends the same way.
      const m2 = model();
      const again = await trainModel(m2, data(), {
        ...opts,
        epochs: 40,
        checkpoints: { dir: join(dir, 'plateau-2'), epochs: [p] },
      });
      assert.deepEqual(again.stop, res.stop);
      m2.dispose();
      const ckpt = join(dir, 'plateau-2', `epoch-${p}.safetensors`);
      const resumed = await resumeRun(ckpt, data(), {
        ...opts,
        epochs: 40,
        resume: { epoch: p, step: 0, trainLosses: losses.slice(0, p) },
      });
      assert.deepEqual([resumed.result.epoch, resumed.result.stop], [res.epoch, res.stop]);
      assert.deepEqual(
        resumed.result.history.map((h) => h.metrics.lr),
        [lrs[p]],
      );
      const a = m.flatten();
      const b = resumed.model.flatten();
      let maxDiff = 0;
      for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
      assert.ok(maxDiff < 1e-5, `resumed weights differ by ${maxDiff}`);
      // Without the earlier losses the criterion cannot see the curve: a clear error, not a silent restart.
      await assert.rejects(
        resumeRun(ckpt, data(), { ...opts, epochs: 40 }).then((r) => r.model.dispose()),
        /needs the training loss of every earlier epoch \(resume.trainLosses\), got 0/,
      );
      // A cap at the plateau epoch itself: converged, but no room left to anneal.
      const m3 = model();
      const short = await trainModel(m3, data(), { ...opts, epochs: p });
      assert.deepEqual([short.epoch, short.stop], [p, { reason: 'plateau', plateauEpoch: p }]);
      m3.dispose();
      m.dispose();
      resumed.model.dispose();
    });

    it("reports 'cap' when the cap comes first, and 'epochs' without untilPlateau", async () => {
      const m = model();
      const sub = join(dir, 'cap');
      const res = await trainModel(m, data(), { ...opts, epochs: 4, checkpoints: { dir: sub, epochs: [0] } });
      assert.deepEqual(
        [res.status, res.epoch, res.stop],
        ['completed', 4, { reason: 'cap', plateauEpoch: null }],
      );
      assert.deepEqual(
        res.checkpoints.map((c) => c.epoch),
        [0, 4],
      );
      assert.deepEqual(
        res.history.map((h) => h.metrics.lr),
        [0.05, 0.05, 0.05, 0.05],
      );
      const fixed = await trainModel(m, data(), { ...opts, untilPlateau: null, epochs: 1 });
      assert.deepEqual(fixed.stop, { reason: 'epochs', plateauEpoch: null });
      m.dispose();
    });
  });

  it('trains multilabel tasks with BCE and reports mean ROC AUC', async () => {
    const data = stripesDataset({ task: 'MULTILABEL', classes: 3, trainSize: 128, testSize: 64 });
    const m = tiny(3);
    const res = await trainModel(m, data, { epochs: 3, batchSize: 32, lr: 0.05 });
    const last = res.history.at(-1)!.metrics;
    assert.ok('test/auc' in last && !('test/acc' in last));
    assert.ok(last['test/auc']! > 0.6, `mean AUC ${last['test/auc']}`);
    m.dispose();
  });
});
