/** Losses per task, and turning dataset batches into tensors with their labels checked. */
import * as tf from '@tensorflow/tfjs-core';
import type { Batch, Task } from '../data/types';

/** Thrown for a batch whose labels or values do not fit the task; names the example and the value. */
export class BadBatchError extends Error {
  override name = 'BadBatchError';
}

/**
 * Checks a batch against the model's input shape and output size: image values finite, labels class indices in
 * [0, k) (multiclass) or 0/1 (multilabel). Nothing is trained on silently wrong data.
 */
export function checkBatch(
  batch: Batch,
  shape: readonly [number, number, number],
  k: number,
  task: Task,
  where: string,
): void {
  const per = shape[0] * shape[1] * shape[2];
  if (batch.x.length !== batch.n * per)
    throw new BadBatchError(
      `${where}: batch of ${batch.n} has ${batch.x.length} values, expected ${batch.n}×${shape.join('×')}`,
    );
  const want = task === 'MULTILABEL' ? batch.n * k : batch.n;
  if (batch.y.length !== want)
    throw new BadBatchError(`${where}: batch of ${batch.n} has ${batch.y.length} labels, expected ${want}`);
  for (let i = 0; i < batch.y.length; i++) {
    const v = batch.y[i]!;
    const ok = task === 'MULTILABEL' ? v === 0 || v === 1 : Number.isInteger(v) && v >= 0 && v < k;
    if (!ok) {
      const ex = task === 'MULTILABEL' ? `example ${Math.floor(i / k)}, label ${i % k}` : `example ${i}`;
      throw new BadBatchError(
        `${where}: ${ex} has label ${v}, expected ${task === 'MULTILABEL' ? '0 or 1' : `a class index in [0, ${k})`}`,
      );
    }
  }
  for (let i = 0; i < batch.x.length; i++)
    if (!Number.isFinite(batch.x[i]!))
      throw new BadBatchError(
        `${where}: example ${Math.floor(i / per)} has a non-finite pixel value ${batch.x[i]}`,
      );
}

/** Input and target tensors of a batch (the caller disposes them). */
export function batchTensors(
  batch: Batch,
  shape: readonly [number, number, number],
  k: number,
  task: Task,
): { x: tf.Tensor4D; y: tf.Tensor } {
  const x = tf.tensor4d(batch.x, [batch.n, shape[0], shape[1], shape[2]], 'float32');
  const y =
    task === 'MULTILABEL'
      ? tf.tensor2d(Float32Array.from(batch.y), [batch.n, k], 'float32')
      : tf.tensor1d(Int32Array.from(batch.y), 'int32');
  return { x, y };
}

/**
 * Mean loss of a batch: softmax cross-entropy over classes (MULTICLASS; `y` holds class indices) or binary
 * cross-entropy with logits averaged over examples and labels (MULTILABEL; `y` holds 0/1 targets).
 */
export function taskLoss(task: Task, logits: tf.Tensor2D, y: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    if (task === 'MULTILABEL') return tf.losses.sigmoidCrossEntropy(y, logits) as tf.Scalar;
    const k = logits.shape[1];
    return tf.losses.softmaxCrossEntropy(tf.oneHot(y as tf.Tensor1D, k), logits) as tf.Scalar;
  });
}
