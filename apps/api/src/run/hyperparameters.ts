import { checkHyperparameters, HYPERPARAMETER_RULES, HyperparameterError } from '@basin/db';
import { badInput } from '../errors';
import type { HyperparametersInput } from './run.input';

/** What every run stores even when the request leaves it out (the rest is stored only when given). */
const STORED_DEFAULTS = {
  epochs: HYPERPARAMETER_RULES.epochs.default,
  batchSize: HYPERPARAMETER_RULES.batchSize.default,
  learningRate: HYPERPARAMETER_RULES.learningRate.default,
  momentum: HYPERPARAMETER_RULES.momentum.default,
  weightDecay: HYPERPARAMETER_RULES.weightDecay.default,
  optimizer: 'sgd',
  checkpointEvery: HYPERPARAMETER_RULES.checkpointEvery.default,
};

/**
 * Checks training settings and returns the JSON stored on the run (`extra` merged in, named fields win). The
 * bounds are `@basin/db`'s HYPERPARAMETER_RULES, the ones the runner checks a job with — an `extra` entry with a
 * known name is checked like the named field.
 */
export function toHyperparameters(input: HyperparametersInput | null | undefined, field: string) {
  const { extra, ...named } = stripNulls(input) as Partial<HyperparametersInput>;
  const stored = { ...(extra ?? {}), ...STORED_DEFAULTS, ...named };
  try {
    checkHyperparameters(stored, field);
  } catch (err) {
    if (err instanceof HyperparameterError) throw badInput(err.field, err.value, err.expected);
    throw err;
  }
  return stored;
}

function stripNulls<T extends object>(o: T | null | undefined): Partial<T> {
  if (!o) return {};
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as Partial<T>;
}
