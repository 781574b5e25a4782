/**
 * The two kinds of run Basin makes — pretraining from random weights and fine-tuning from a checkpoint (or from
 * random weights, the RI-T baseline) — and resuming either from its last checkpoint.
 */
import {
  applyCheckpoint,
  type LoadedCheckpoint,
  loadCheckpoint,
  modelFromCheckpoint,
} from '../checkpoint/checkpoint';
import { loadMomentum } from '../checkpoint/resume';
import type { Dataset } from '../data/types';
import { ResNet } from '../model/resnet';
import { type ModelNorm, type ModelSpec, resnetSpec } from '../model/spec';
import { type TrainOptions, type TrainResult, trainModel } from './trainer';

/** Options of {@link pretrain}. */
export interface PretrainOptions extends TrainOptions {
  /** Depth and width (input shape and classes come from the dataset). Default ResNet-20, width 16. */
  depth?: number;
  width?: number;
  /** Normalisation. Default `fixup`. */
  norm?: ModelNorm;
  /** Seed of the initial weights. Default: `seed` (the data-order seed), else 0. */
  initSeed?: number;
}

/** A trained model (the caller disposes it) and what training did. */
export interface RunOutput {
  model: ResNet;
  result: TrainResult;
}

/** Trains a freshly initialised model on `dataset`. */
export async function pretrain(dataset: Dataset, options: PretrainOptions): Promise<RunOutput> {
  const spec = resnetSpec(dataset.info.shape, dataset.info.classes.length, {
    depth: options.depth,
    width: options.width,
  });
  const model = ResNet.create(spec, { seed: options.initSeed ?? options.seed ?? 0 });
  try {
    return { model, result: await trainModel(model, dataset, options) };
  } catch (err) {
    model.dispose();
    throw err;
  }
}

/** How a fine-tuning run starts. */
export type FinetuneInit =
  /** P-T: weights from a checkpoint file (or one already loaded). */
  | { checkpoint: string | LoadedCheckpoint }
  /** RI-T: random weights of this architecture (input shape and classes from the dataset). */
  | { random: { depth?: number; width?: number; norm?: ModelNorm } };

/** Options of {@link finetune}. */
export interface FinetuneOptions extends TrainOptions {
  init: FinetuneInit;
  /**
   * Re-initialise the head `fc` even when the checkpoint has as many classes as the dataset (a new task whose
   * labels mean something else, e.g. Fashion-MNIST → MNIST). Default false: only when the class counts differ.
   */
  reinitHead?: boolean;
  /** Seed of the random init (RI-T) or of the re-initialised head. Default: `seed`, else 0. */
  initSeed?: number;
}

/** {@link RunOutput} plus what the start was. */
export interface FinetuneOutput extends RunOutput {
  /** sha256 of the initial checkpoint (P-T), else null. */
  initCheckpoint: string | null;
  /** The head `fc` was re-initialised because the classes differ. */
  headReinitialised: boolean;
}

/**
 * Fine-tunes on `dataset` from a checkpoint (every module loaded; `fc` re-initialised when the number of classes
 * differs) or from random weights.
 *
 * @throws when the checkpoint's input shape differs from the dataset's, or a module does not fit (naming it).
 */
export async function finetune(dataset: Dataset, options: FinetuneOptions): Promise<FinetuneOutput> {
  const classes = dataset.info.classes.length;
  const initSeed = options.initSeed ?? options.seed ?? 0;
  let model: ResNet;
  let initCheckpoint: string | null = null;
  let headReinitialised = false;
  if ('checkpoint' in options.init) {
    const src = options.init.checkpoint;
    const loaded = typeof src === 'string' ? await loadCheckpoint(src) : src;
    const s = loaded.spec;
    if (s.inputShape.some((d, i) => d !== dataset.info.shape[i]))
      throw new Error(
        `${loaded.path}: the checkpoint's model takes ${s.inputShape.join('×')} images but dataset ${dataset.info.name} has ${dataset.info.shape.join('×')}`,
      );
    const spec: ModelSpec = { ...s, classes };
    headReinitialised = s.classes !== classes || (options.reinitHead ?? false);
    model = ResNet.create(spec, { seed: initSeed });
    try {
      applyCheckpoint(model, loaded.checkpoint, {
        skip: headReinitialised ? ['fc'] : [],
        source: loaded.path,
      });
    } catch (err) {
      model.dispose();
      throw err;
    }
    initCheckpoint = loaded.sha256;
  } else {
    const spec = resnetSpec(dataset.info.shape, classes, options.init.random);
    model = ResNet.create(spec, { seed: initSeed });
  }
  try {
    return { model, result: await trainModel(model, dataset, options), initCheckpoint, headReinitialised };
  } catch (err) {
    model.dispose();
    throw err;
  }
}

/**
 * Continues a run from one of its checkpoints (weights, step, epoch and — when saved beside it — SGD momentum).
 * `options` must be the run's original options (epochs, lr schedule, seed, …) so the rest of the run is the same.
 * Step, epoch and momentum come from the checkpoint; of `options.resume` only `trainLosses` (the earlier epochs'
 * training losses, which a run with `untilPlateau` needs) is used.
 */
export async function resumeRun(
  checkpointPath: string,
  dataset: Dataset,
  options: TrainOptions,
): Promise<RunOutput> {
  const loaded = await loadCheckpoint(checkpointPath);
  const model = modelFromCheckpoint(loaded);
  try {
    const mom = await loadMomentum(checkpointPath);
    const { step, epoch } = loaded.checkpoint.metadata;
    if (mom && (mom.step !== step || mom.epoch !== epoch))
      throw new Error(
        `${checkpointPath}: momentum file is from step ${mom.step}, the checkpoint from step ${step}`,
      );
    const result = await trainModel(model, dataset, {
      ...options,
      resume: { step, epoch, momentum: mom?.momentum, trainLosses: options.resume?.trainLosses },
    });
    return { model, result };
  } catch (err) {
    model.dispose();
    throw err;
  }
}
