import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkHyperparameters,
  expectedText,
  HYPERPARAMETER_RULES,
  HyperparameterError,
} from './hyperparameters';

test('defaults are filled in, optional settings stay null, ranges are checked with one message format', () => {
  const h = checkHyperparameters({ epochs: 5, untilPlateau: true, lrMilestones: [2, 4] });
  assert.equal(h.epochs, 5);
  assert.equal(h.learningRate, 0.01);
  assert.equal(h.plateauTolerance, 0.02);
  assert.equal(h.speedEpochs, null);
  assert.equal(h.maxGradNorm, null);
  assert.deepEqual(h.lrMilestones, [2, 4]);
  assert.throws(
    () => checkHyperparameters({ learningRate: 20 }, 'input.hyperparameters'),
    (e: unknown) =>
      e instanceof HyperparameterError &&
      e.message === 'input.hyperparameters.learningRate: expected a number in (0, 10], got 20' &&
      e.field === 'input.hyperparameters.learningRate',
  );
  assert.throws(
    () => checkHyperparameters({ plateauTolerance: 1 }),
    /plateauTolerance: expected a number in \(0, 1\), got 1$/,
  );
  assert.throws(
    () => checkHyperparameters({ epochs: 2.5 }),
    /epochs: expected an integer from 1 to 10000, got 2\.5/,
  );
  assert.throws(
    () => checkHyperparameters({ epochs: 3, lrMilestones: [4] }),
    /lrMilestones\[0\]: expected an integer from 1 to 3, got 4/,
  );
  assert.throws(() => checkHyperparameters({ optimizer: 'adam' }), /optimizer: expected "sgd"/);
  assert.throws(
    () => checkHyperparameters({ untilPlateau: 'yes' }),
    /untilPlateau: expected a boolean, got "yes"/,
  );
  assert.throws(
    () => checkHyperparameters({ maxGradNorm: 0 }),
    /maxGradNorm: expected a number in \(0, 1000000\], got 0/,
  );
  assert.throws(
    () => checkHyperparameters({ batchSize: '64' }),
    /batchSize: expected an integer from 1 to 65536, got "64"/,
  );
});

test('every rule says what it accepts', () => {
  for (const [name, rule] of Object.entries(HYPERPARAMETER_RULES)) {
    assert.ok(rule.description.length > 0, name);
    assert.match(expectedText(rule), /^an integer from -?\d+ to \d+$|^a number in [([]/, name);
  }
});
