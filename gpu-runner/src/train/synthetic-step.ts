/**
 * One training step of a model on a fixed synthetic batch (random inputs, labels cycling over the classes): what
 * the benchmarks and the step profiler time, so they all measure the same work as the trainer does per batch.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ResNet } from '../model';
import { taskLoss } from './loss';
import { Sgd, type SgdOptions } from './sgd';

/** A step to call repeatedly, and `dispose` for its batch, optimiser state and model. */
export interface SyntheticStep {
  step(): void;
  dispose(): void;
}

/** An SGD optimiser over every parameter of `model` (weight decay where the layout says so). */
export function sgdFor(model: ResNet, options: SgdOptions = {}): Sgd {
  return new Sgd(
    model.modules.flatMap((m) =>
      m.params.map((p) => ({ name: p.name, variable: model.params.get(p.name)!, decay: p.decay })),
    ),
    options,
  );
}

/**
 * Forward, backward and SGD update of `model` on a batch of `batch` random inputs (multiclass loss), reading the
 * loss back each step as the trainer does. The step owns the model from here on (`dispose` frees it).
 */
export function syntheticStep(model: ResNet, batch: number, lr = 0.01): SyntheticStep {
  const sgd = sgdFor(model);
  const vars = model.variables();
  const x = tf.randomNormal([batch, ...model.spec.inputShape]) as tf.Tensor4D;
  const y = tf.tensor1d(
    Array.from({ length: batch }, (_, i) => i % model.spec.classes),
    'int32',
  );
  return {
    step() {
      const { value, grads } = tf.variableGrads(
        () => taskLoss('MULTICLASS', model.forward(x).logits, y),
        vars,
      );
      sgd.step(grads, lr);
      value.dataSync();
      tf.dispose([value, ...Object.values(grads)]);
    },
    dispose() {
      tf.dispose([x, y]);
      sgd.dispose();
      model.dispose();
    },
  };
}
