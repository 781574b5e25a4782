import assert from 'node:assert/strict';
import { test } from 'node:test';
import { finalAccuracy } from './run-summary';

test("a run's final test accuracy: the first numeric key the runner wrote", () => {
  assert.equal(finalAccuracy({ summary: { testAcc: 0.97, accuracy: 0.5 } }), 0.97);
  assert.equal(finalAccuracy({ summary: { testAcc: 'n/a', 'test/acc': 0.9 } }), 0.9);
  assert.equal(finalAccuracy({ summary: { testAcc: Number.NaN } }), null);
  assert.equal(finalAccuracy({ summary: {} }), null);
});
