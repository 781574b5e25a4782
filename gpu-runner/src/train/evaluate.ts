/** Evaluation of a model on a data split: mean loss, and accuracy (multiclass) or mean per-label ROC AUC. */
import * as tf from '@tensorflow/tfjs-core';
import type { DataSplit, Task } from '../data/types';
import type { ResNet } from '../model/resnet';
import { batchTensors, checkBatch, taskLoss } from './loss';
import { accuracy, meanRocAuc } from './metrics';

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  /** Examples per forward pass. Default 256. */
  batchSize?: number;
  /** Stop after this many examples (in split order). Default: the whole split. */
  maxExamples?: number;
  /** Keep the logits of every example (e.g. for mistake analyses). Default false. */
  keepLogits?: boolean;
  /** Stops before the next batch; the result then covers the examples seen and has `aborted: true`. */
  signal?: AbortSignal;
}

/** What {@link evaluate} measured. */
export interface EvalResult {
  /** Mean loss per example. */
  loss: number;
  /** MULTICLASS: top-1 accuracy. */
  acc?: number;
  /** MULTILABEL: mean per-label ROC AUC, and each label's. */
  auc?: number;
  aucPerLabel?: number[];
  /** Examples evaluated. */
  n: number;
  /** Set when `signal` stopped the evaluation early. */
  aborted?: boolean;
  /** [n, classes] logits, when `keepLogits`. */
  logits?: Float32Array;
  /** Labels as read (n, or n·k for multilabel), when `keepLogits`. */
  labels?: Int32Array | Float32Array;
}

/** Evaluates `model` on `split` for `task`. Uses no gradient memory; leaves no tensors behind. */
export async function evaluate(
  model: ResNet,
  split: DataSplit,
  task: Task,
  options: EvaluateOptions = {},
): Promise<EvalResult> {
  const k = model.spec.classes;
  const shape = model.spec.inputShape;
  const limit = options.maxExamples ?? Number.POSITIVE_INFINITY;
  const logitParts: Float32Array[] = [];
  const labelParts: (Int32Array | Float32Array)[] = [];
  let lossSum = 0;
  let n = 0;
  let aborted = false;
  for await (const full of split.batches(options.batchSize ?? 256)) {
    if (n >= limit) break;
    if (options.signal?.aborted) {
      aborted = true;
      break;
    }
    const take = Math.min(full.n, limit - n);
    const per = shape[0] * shape[1] * shape[2];
    const lw = task === 'MULTILABEL' ? k : 1;
    const batch =
      take === full.n
        ? full
        : { n: take, x: full.x.subarray(0, take * per), y: full.y.subarray(0, take * lw) };
    checkBatch(batch, shape, k, task, `evaluate (examples ${n}–${n + batch.n - 1})`);
    const { x, y } = batchTensors(batch, shape, k, task);
    const [logits, loss] = tf.tidy(() => {
      const out = model.forward(x).logits;
      return [out.dataSync() as Float32Array, taskLoss(task, out, y).dataSync()[0]!] as const;
    });
    tf.dispose([x, y]);
    lossSum += loss * batch.n;
    n += batch.n;
    logitParts.push(Float32Array.from(logits));
    labelParts.push(batch.y instanceof Int32Array ? Int32Array.from(batch.y) : Float32Array.from(batch.y));
  }
  const logits = concat(logitParts, Float32Array);
  const result: EvalResult = { loss: n ? lossSum / n : Number.NaN, n };
  if (aborted) result.aborted = true;
  if (task === 'MULTILABEL') {
    const labels = concat(
      labelParts.map((p) => Float32Array.from(p)),
      Float32Array,
    );
    const { mean, perLabel } = meanRocAuc(logits, labels, k);
    result.auc = mean;
    result.aucPerLabel = perLabel;
    if (options.keepLogits) Object.assign(result, { logits, labels });
  } else {
    const labels = concat(
      labelParts.map((p) => Int32Array.from(p)),
      Int32Array,
    );
    result.acc = accuracy(logits, labels, k);
    if (options.keepLogits) Object.assign(result, { logits, labels });
  }
  return result;
}

function concat<T extends Float32Array | Int32Array>(parts: T[], Ctor: { new (n: number): T }): T {
  const out = new Ctor(parts.reduce((a, b) => a + b.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
