import { intIn, numberIn } from '../common/validate';
import { badInput } from '../errors';
import type { HyperparametersInput } from './run.input';

const DEFAULTS = {
  epochs: 10,
  batchSize: 64,
  learningRate: 0.01,
  momentum: 0.9,
  weightDecay: 5e-4,
  optimizer: 'sgd',
  checkpointEvery: 1,
};

/** Checks training settings and returns the JSON stored on the run (`extra` merged in, named fields win). */
export function toHyperparameters(input: HyperparametersInput | null | undefined, field: string) {
  const h = { ...DEFAULTS, ...stripNulls(input) };
  intIn(`${field}.epochs`, h.epochs, 1, 10_000);
  intIn(`${field}.batchSize`, h.batchSize, 1, 65_536);
  numberIn(`${field}.learningRate`, h.learningRate, 0, 10, true);
  numberIn(`${field}.momentum`, h.momentum, 0, 1);
  numberIn(`${field}.weightDecay`, h.weightDecay, 0, 1);
  if (h.optimizer !== 'sgd')
    throw badInput(`${field}.optimizer`, h.optimizer, '"sgd" (the runner trains with SGD)');
  intIn(`${field}.checkpointEvery`, h.checkpointEvery, 0, 10_000);
  const trainExamples = input?.trainExamples ?? null;
  if (trainExamples !== null) intIn(`${field}.trainExamples`, trainExamples, 1, 2 ** 31 - 1);
  const ms = input?.lrMilestones;
  for (const [i, m] of (ms ?? []).entries()) intIn(`${field}.lrMilestones[${i}]`, m, 1, h.epochs);
  if (input?.lrGamma != null) numberIn(`${field}.lrGamma`, input.lrGamma, 0, 1, true);
  if (input?.maxBatchesPerEpoch != null)
    intIn(`${field}.maxBatchesPerEpoch`, input.maxBatchesPerEpoch, 1, 2 ** 31 - 1);
  if (input?.maxEvalExamples != null)
    intIn(`${field}.maxEvalExamples`, input.maxEvalExamples, 1, 2 ** 31 - 1);
  const {
    extra,
    trainExamples: _t,
    ...named
  } = h as typeof h & {
    extra?: Record<string, unknown> | null;
    trainExamples?: number | null;
  };
  return { ...(extra ?? {}), ...named, ...(trainExamples !== null ? { trainExamples } : {}) };
}

function stripNulls<T extends object>(o: T | null | undefined): Partial<T> {
  if (!o) return {};
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as Partial<T>;
}
