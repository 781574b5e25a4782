/**
 * The training loop: SGD with momentum and weight decay, a step LR schedule, seeded data order, evaluation each
 * epoch, checkpoints at chosen epochs (with momentum, so a killed run can resume), callbacks, abort, NaN guard.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { type BackendInfo, backendInfo, initBackend } from '../backend/backend';
import { saveCheckpoint } from '../checkpoint/checkpoint';
import { saveMomentum } from '../checkpoint/resume';
import type { Dataset } from '../data/types';
import type { ResNet } from '../model/resnet';
import { evaluate } from './evaluate';
import { batchTensors, checkBatch, taskLoss } from './loss';
import { plateauEpoch as firstPlateau, type PlateauOptions, plateaued, resolvePlateau } from './plateau';
import type { SgdOptions } from './sgd';
import { sgdFor } from './synthetic-step';

/** After every optimiser step. */
export interface BatchEndEvent {
  /** 0-based epoch. */
  epoch: number;
  /** 0-based batch within the epoch. */
  batch: number;
  /** Optimiser steps taken so far (this one included). */
  step: number;
  /** Mean loss of the batch. */
  loss: number;
  /** Accuracy of the batch (MULTICLASS) or label-wise accuracy at 0.5 (MULTILABEL). */
  acc: number;
  lr: number;
  /** Examples in the batch. */
  n: number;
  /** Global ℓ2 norm of the gradient before clipping; only when `maxGradNorm` is set. */
  gradNorm?: number;
}

/** After every epoch, with its metrics (`train/loss`, `train/acc`, `test/loss`, `test/acc` or `test/auc`, …). */
export interface EpochEndEvent {
  /** Epochs completed (1 after the first). */
  epoch: number;
  step: number;
  metrics: Record<string, number>;
  seconds: number;
}

/** After a checkpoint is written. */
export interface CheckpointEvent {
  /** Epochs completed when it was saved (0 = the initial weights). */
  epoch: number;
  step: number;
  path: string;
  sha256: string;
  bytes: number;
  /** The momentum file saved beside it (for resuming), when written. */
  momentumPath?: string;
  metrics: Record<string, number>;
}

/** Listeners for training progress; they may be async (training waits for them). */
export interface TrainCallbacks {
  onBatchEnd?: (e: BatchEndEvent) => void | Promise<void>;
  onEpochEnd?: (e: EpochEndEvent) => void | Promise<void>;
  onCheckpoint?: (e: CheckpointEvent) => void | Promise<void>;
}

/** Where and when to save checkpoints. */
export interface CheckpointPlan {
  /** Directory for the files. */
  dir: string;
  /**
   * Epochs (completed) after which to save; 0 saves the initial weights. The epoch training ends at (`epochs`, or
   * the earlier end of a run that stops at its plateau) is always saved too. Default: only that last epoch.
   */
  epochs?: readonly number[];
  /** File name for an epoch. Default `epoch-<e>.safetensors`. */
  name?: (epoch: number) => string;
  /** Also save momentum buffers (`<name>.momentum.safetensors`) so training can resume. Default true. */
  momentum?: boolean;
  /** More metadata for every checkpoint (e.g. run id). Default none. */
  extra?: Record<string, string>;
}

/** Where a resumed run starts (from a checkpoint and its momentum file). */
export interface ResumeFrom {
  /** Epochs completed. */
  epoch: number;
  /** Optimiser steps taken. */
  step: number;
  /** Momentum buffers by parameter name; absent means zeros. */
  momentum?: ReadonlyMap<string, { shape: readonly number[]; data: Float32Array }>;
  /**
   * Mean training loss of each epoch already done (`trainLosses[i]` = epoch i+1), so a run that stops at its
   * plateau (`untilPlateau`) sees the whole loss curve. Required with `untilPlateau` when `epoch` > 0: at least
   * `epoch` values (extra ones are ignored).
   */
  trainLosses?: readonly number[];
}

/** Options of {@link trainModel}. */
export interface TrainOptions {
  /**
   * Epochs to train (in total, counting those a resumed run already did). With `untilPlateau`, the most epochs to
   * train (the cap).
   */
  epochs: number;
  /**
   * Train until the mean training loss plateaus ({@link plateaued} on the per-epoch `train/loss`, checked after
   * every epoch), then anneal for `annealEpochs` and stop; `epochs` stays the cap. Default null: train exactly
   * `epochs` epochs.
   */
  untilPlateau?: PlateauOptions | null;
  /**
   * With `untilPlateau`: epochs trained after the plateau epoch at the learning rate × `annealFactor`, then training
   * stops (never past `epochs`). 0 stops at the plateau epoch. Default 1. Ignored without `untilPlateau`.
   */
  annealEpochs?: number;
  /** Learning-rate factor of the anneal epochs (on top of the step schedule). Default 0.1. */
  annealFactor?: number;
  /** Examples per step. Default 64. */
  batchSize?: number;
  /** Initial learning rate. Default 0.1. */
  lr?: number;
  /** Epochs at which the learning rate is multiplied by `lrGamma` (step schedule). Default none. */
  lrMilestones?: readonly number[];
  /** Factor at each milestone. Default 0.1. */
  lrGamma?: number;
  /** SGD momentum. Default 0.9. */
  momentum?: number;
  /** L2 weight decay on conv and fc weights. Default 5e-4. */
  weightDecay?: number;
  /** Clip each step's gradient to this global ℓ2 norm (see {@link SgdOptions.maxGradNorm}). Default none. */
  maxGradNorm?: number | null;
  /** Seed of the example order (epoch e uses a seed derived from it and e). Default 0. */
  seed?: number;
  /** Evaluate on the test split after every epoch. Default true. */
  evaluate?: boolean;
  /** Batch size for evaluation. Default 256. */
  evalBatchSize?: number;
  /** Evaluate on at most this many test examples. Default: all. */
  maxEvalExamples?: number;
  /** Train on at most this many batches per epoch (quick runs, benchmarks). Default: all. */
  maxBatchesPerEpoch?: number;
  checkpoints?: CheckpointPlan;
  callbacks?: TrainCallbacks;
  /**
   * Stops training (or the epoch's evaluation) before the next batch; the result then has status `aborted`, and
   * `epoch`/`step` say how far training got.
   */
  signal?: AbortSignal;
  resume?: ResumeFrom;
}

/** Metrics of one epoch. */
export interface EpochMetrics {
  epoch: number;
  step: number;
  metrics: Record<string, number>;
}

/** What {@link trainModel} did. */
export interface TrainResult {
  status: 'completed' | 'aborted';
  /** Epochs completed. */
  epoch: number;
  step: number;
  history: EpochMetrics[];
  checkpoints: CheckpointEvent[];
  backend: BackendInfo;
  /** The momentum buffers at the end (to save a resumable state after an abort). */
  momentum: Map<string, { shape: number[]; data: Float32Array }>;
  seconds: number;
  /**
   * Why training stopped: `epochs` (no `untilPlateau`: the fixed epoch count), `plateau` (the plateau was reached
   * at `plateauEpoch` and its anneal epochs done — or cut short by the cap when the plateau came within
   * `annealEpochs` of it) or `cap` (`untilPlateau`, but `epochs` ran out first). `plateauEpoch`: the epoch after which
   * the criterion first held (counting a resumed run's earlier epochs), else null. When `status` is `aborted`,
   * what training was heading for so far.
   */
  stop: { reason: 'plateau' | 'cap' | 'epochs'; plateauEpoch: number | null };
}

/** Thrown when the loss becomes NaN or infinite; names the epoch, step and learning rate. */
export class TrainingDivergedError extends Error {
  override name = 'TrainingDivergedError';
}

/** Learning rate of a 0-based epoch under a step schedule. */
export function stepLr(lr: number, epoch: number, milestones: readonly number[] = [], gamma = 0.1): number {
  return lr * gamma ** milestones.filter((m) => m <= epoch).length;
}

/** Seed of epoch `epoch`'s example order. */
export function epochSeed(seed: number, epoch: number): number {
  return (Math.imul(seed >>> 0, 0x9e3779b1) + Math.imul(epoch + 1, 0x85ebca6b)) >>> 0;
}

/**
 * Trains `model` on `dataset` in place.
 *
 * @remarks The same seed, data and backend give the same weights (data order and initialisation come from seeded
 * JS generators). Batches are checked before use (labels in range, finite pixels). A NaN or infinite loss throws
 * {@link TrainingDivergedError}. The backend is the one running ({@link initBackend} is called if none is).
 */
export async function trainModel(
  model: ResNet,
  dataset: Dataset,
  options: TrainOptions,
): Promise<TrainResult> {
  const started = performance.now();
  const backend = backendInfo() ?? (await initBackend());
  const { info } = dataset;
  const task = info.task;
  const k = model.spec.classes;
  const shape = model.spec.inputShape;
  if (info.shape.some((d, i) => d !== shape[i]))
    throw new Error(
      `dataset ${info.name} has images ${info.shape.join('×')} but ${model.describe()} expects ${shape.join('×')}`,
    );
  if (info.classes.length !== k)
    throw new Error(
      `dataset ${info.name} has ${info.classes.length} classes but ${model.describe()} outputs ${k}`,
    );
  const bs = options.batchSize ?? 64;
  if (!Number.isInteger(bs) || bs < 1) throw new Error(`batchSize must be a positive integer, got ${bs}`);
  if (!Number.isInteger(options.epochs) || options.epochs < 0)
    throw new Error(`epochs must be a non-negative integer, got ${options.epochs}`);
  const lr0 = options.lr ?? 0.1;
  const untilPlateau = options.untilPlateau ? resolvePlateau(options.untilPlateau) : null;
  const annealEpochs = untilPlateau ? (options.annealEpochs ?? 1) : 0;
  const annealFactor = options.annealFactor ?? 0.1;
  if (!Number.isInteger(annealEpochs) || annealEpochs < 0)
    throw new Error(`annealEpochs must be a non-negative integer, got ${annealEpochs}`);
  if (!(annealFactor > 0 && Number.isFinite(annealFactor)))
    throw new Error(`annealFactor must be a positive number, got ${annealFactor}`);
  const seed = options.seed ?? 0;
  const fullSteps = Math.ceil(dataset.train.size / bs);
  const stepsPerEpoch = Math.min(fullSteps, options.maxBatchesPerEpoch ?? fullSteps);

  let epoch = options.resume?.epoch ?? 0;
  let step = options.resume?.step ?? 0;
  // Mean training loss per completed epoch (the plateau criterion's input), a resumed run's earlier ones first.
  const trainLosses: number[] = [];
  let plateauAt: number | null = null;
  if (untilPlateau && epoch > 0) {
    const earlier = options.resume?.trainLosses ?? [];
    if (earlier.length < epoch)
      throw new Error(
        `resuming at epoch ${epoch} with untilPlateau needs the training loss of every earlier epoch (resume.trainLosses), got ${earlier.length}`,
      );
    trainLosses.push(...earlier.slice(0, epoch));
    plateauAt = firstPlateau(trainLosses, untilPlateau);
  }
  const sgd = sgdFor(model, {
    momentum: options.momentum,
    weightDecay: options.weightDecay,
    maxGradNorm: options.maxGradNorm,
  });
  const vars = model.variables();
  if (options.resume?.momentum) sgd.setState(options.resume.momentum);
  /** The epoch training ends at: the cap, or the plateau epoch plus the anneal (never past the cap). */
  const endEpoch = () =>
    plateauAt === null ? options.epochs : Math.min(options.epochs, plateauAt + annealEpochs);
  const history: EpochMetrics[] = [];
  const checkpoints: CheckpointEvent[] = [];
  const cb = options.callbacks ?? {};
  const plan = options.checkpoints;
  const wantCkpt = (e: number) => e === endEpoch() || (plan?.epochs?.includes(e) ?? false);

  const checkpoint = async (metrics: Record<string, number>) => {
    if (!plan) return;
    const path = join(plan.dir, plan.name ? plan.name(epoch) : `epoch-${epoch}.safetensors`);
    const extra = {
      ...plan.extra,
      'basin.backend': JSON.stringify({ name: backend.name, threads: backend.threads }),
    };
    const file = await saveCheckpoint(model, path, { step, epoch, metrics, extra });
    const ev: CheckpointEvent = { epoch, step, ...file, metrics };
    if (plan.momentum ?? true)
      ev.momentumPath = (await saveMomentum(model, path, sgd.getState(), { step, epoch })).path;
    checkpoints.push(ev);
    await cb.onCheckpoint?.(ev);
  };

  let status: TrainResult['status'] = 'completed';
  try {
    if (epoch === 0 && step === 0 && plan?.epochs?.includes(0)) await checkpoint({});
    while (epoch < endEpoch()) {
      const t0 = performance.now();
      const annealing = plateauAt !== null && epoch >= plateauAt;
      const lr = stepLr(lr0, epoch, options.lrMilestones, options.lrGamma) * (annealing ? annealFactor : 1);
      const skip = step - epoch * stepsPerEpoch; // batches already done when resuming mid-epoch
      let lossSum = 0;
      let accSum = 0;
      let seen = 0;
      let b = 0;
      for await (const batch of dataset.train.batches(bs, { shuffle: true, seed: epochSeed(seed, epoch) })) {
        if (b >= stepsPerEpoch) break;
        if (b++ < skip) continue;
        if (options.signal?.aborted) {
          status = 'aborted';
          break;
        }
        checkBatch(batch, shape, k, task, `${info.name} train, epoch ${epoch}, batch ${b - 1}`);
        const { x, y } = batchTensors(batch, shape, k, task);
        let logits: tf.Tensor2D | null = null;
        const { value, grads } = tf.variableGrads(() => {
          const out = model.forward(x).logits;
          logits = tf.keep(out);
          return taskLoss(task, out, y);
        }, vars);
        const loss = value.dataSync()[0]!;
        if (!Number.isFinite(loss)) {
          tf.dispose([x, y, value, logits!]);
          tf.dispose(grads);
          throw new TrainingDivergedError(
            `loss is ${loss} at epoch ${epoch}, batch ${b - 1} (step ${step + 1}, lr ${lr}); lower the learning rate`,
          );
        }
        sgd.step(grads, lr);
        const acc = batchAccuracy(logits!, y, task);
        tf.dispose([x, y, value, logits!]);
        tf.dispose(grads);
        step++;
        lossSum += loss * batch.n;
        accSum += acc * batch.n;
        seen += batch.n;
        const gradNorm = sgd.lastGradNorm();
        await cb.onBatchEnd?.({
          epoch,
          batch: b - 1,
          step,
          loss,
          acc,
          lr,
          n: batch.n,
          ...(gradNorm === null ? {} : { gradNorm }),
        });
      }
      if (status === 'aborted') break;
      epoch++;
      const metrics: Record<string, number> = {
        'train/loss': seen ? lossSum / seen : Number.NaN,
        'train/acc': seen ? accSum / seen : Number.NaN,
        lr,
        'train/images_per_sec': seen / ((performance.now() - t0) / 1000),
      };
      if (options.evaluate ?? true) {
        const ev = await evaluate(model, dataset.test, task, {
          batchSize: options.evalBatchSize,
          maxExamples: options.maxEvalExamples,
          signal: options.signal,
        });
        if (ev.aborted) {
          status = 'aborted';
          break;
        }
        metrics['test/loss'] = ev.loss;
        if (ev.acc !== undefined) metrics['test/acc'] = ev.acc;
        if (ev.auc !== undefined) metrics['test/auc'] = ev.auc;
      }
      trainLosses.push(metrics['train/loss']!);
      if (untilPlateau && plateauAt === null && plateaued(trainLosses, untilPlateau)) plateauAt = epoch;
      history.push({ epoch, step, metrics });
      await cb.onEpochEnd?.({ epoch, step, metrics, seconds: (performance.now() - t0) / 1000 });
      if (wantCkpt(epoch)) await checkpoint(metrics);
    }
    return {
      status,
      epoch,
      step,
      history,
      checkpoints,
      backend,
      momentum: sgd.getState(),
      seconds: (performance.now() - started) / 1000,
      stop: {
        reason: !untilPlateau ? 'epochs' : plateauAt !== null ? 'plateau' : 'cap',
        plateauEpoch: plateauAt,
      },
    };
  } finally {
    sgd.dispose();
  }
}

function batchAccuracy(logits: tf.Tensor2D, y: tf.Tensor, task: 'MULTICLASS' | 'MULTILABEL'): number {
  return tf.tidy(() => {
    const hit =
      task === 'MULTILABEL'
        ? tf.equal(tf.greater(logits, 0), tf.greater(y, 0.5))
        : tf.equal(tf.argMax(logits, 1), tf.cast(y, 'int32'));
    return tf.mean(tf.cast(hit, 'float32')).dataSync()[0]!;
  });
}
