import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkHyperparameters } from '@basin/db';
import { toHyperparameters } from './hyperparameters';

const message = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return (err as Error).message;
  }
  return null;
};

test('the API and the runner refuse the same out-of-range setting with the same message (one declaration)', () => {
  for (const bad of [
    { learningRate: 20 },
    { epochs: 0 },
    { plateauTolerance: 1.5 },
    { speedEpochs: 0 },
    { maxGradNorm: -1 },
    { momentum: 2 },
  ]) {
    const api = message(() => toHyperparameters(bad as never, 'hyperparameters'));
    // the runner checks the stored JSON with the same rules (gpu-runner train-job.ts)
    const runner = message(() => checkHyperparameters(bad));
    assert.ok(api, `API refuses ${JSON.stringify(bad)}`);
    assert.equal(api, runner);
  }
});

test('an extra entry with a known name is checked like the named field, and named fields win', () => {
  assert.match(
    message(() => toHyperparameters({ extra: { lrGamma: 5 } } as never, 'input.hyperparameters'))!,
    /^input\.hyperparameters\.lrGamma: expected a number in \(0, 1\], got 5$/,
  );
  const stored = toHyperparameters({ epochs: 3, extra: { epochs: 99, testExamples: 100 } } as never, 'h');
  assert.equal(stored.epochs, 3);
  assert.equal((stored as Record<string, unknown>).testExamples, 100);
});
