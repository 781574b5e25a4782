import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SANITY_CODES } from '@basin/db';
import {
  chanceLevel,
  ENDPOINT_MIN_TOLERANCE,
  endpointMismatchFlag,
  endpointTolerance,
  MIN_SEEDS,
  nearChanceFlag,
  nearChanceThreshold,
  singleSeedFlag,
  uniqueFlags,
} from './sanity';
import { blockShuffleNote, blockShuffleResult, type ChildRun } from './sweep-job';

const model = {
  task: 'MULTICLASS' as const,
  classes: 10,
  checkpointId: '7',
  label: 'P-T seed 1',
  dataset: 'MNIST',
};

test('chance and the near-chance threshold: 1/classes + 10% of the rest; MULTILABEL (AUC) from 0.5', () => {
  assert.equal(chanceLevel('MULTICLASS', 10), 0.1);
  assert.ok(Math.abs(nearChanceThreshold('MULTICLASS', 10) - 0.19) < 1e-12);
  assert.ok(Math.abs(nearChanceThreshold('MULTICLASS', 2) - 0.55) < 1e-12);
  assert.equal(chanceLevel('MULTILABEL', 14), 0.5);
  assert.ok(Math.abs(nearChanceThreshold('MULTILABEL', 14) - 0.55) < 1e-12);
});

test('NEAR_CHANCE: the study’s 12.5% on ten classes is flagged; 20% and unmeasured are not', () => {
  const f = nearChanceFlag({ ...model, accuracy: 0.125 });
  assert.equal(f?.code, 'NEAR_CHANCE');
  assert.equal(f?.checkpointId, '7');
  assert.match(f!.message, /P-T seed 1 scores 12\.5% accuracy on MNIST/);
  assert.match(f!.message, /chance \(10\.0%; flagged below 19\.0%\)/);
  assert.equal(nearChanceFlag({ ...model, accuracy: 0.2 }), null);
  assert.equal(nearChanceFlag({ ...model, accuracy: Number.NaN }), null);
  const auc = nearChanceFlag({ ...model, task: 'MULTILABEL', classes: 5, accuracy: 0.52 });
  assert.match(auc!.message, /52\.0% mean AUC/);
  assert.equal(nearChanceFlag({ ...model, task: 'MULTILABEL', classes: 5, accuracy: 0.6 }), null);
});

test('endpoint tolerance: max(0.05, 3·√(p(1−p)/n))', () => {
  assert.equal(endpointTolerance(0.98, 10_000), ENDPOINT_MIN_TOLERANCE);
  assert.ok(Math.abs(endpointTolerance(0.5, 100) - 0.15) < 1e-12);
  assert.ok(Math.abs(endpointTolerance(0.9, 36) - 0.15) < 1e-12);
  assert.equal(endpointTolerance(0.5, 0), Number.POSITIVE_INFINITY);
});

test('ENDPOINT_MISMATCH names both numbers; within tolerance or without a reported accuracy it stays quiet', () => {
  const base = { n: 10_000, checkpointId: '7', label: 'P-T seed 1', runId: '3' };
  const f = endpointMismatchFlag({ ...base, measured: 0.125, reported: 0.98 });
  assert.equal(f?.code, 'ENDPOINT_MISMATCH');
  assert.match(f!.message, /12\.5% here but its run 3 reported 98\.0%/);
  assert.match(f!.message, /> 5\.0% allowed on 10000 examples/);
  assert.equal(endpointMismatchFlag({ ...base, measured: 0.94, reported: 0.98 }), null);
  assert.equal(endpointMismatchFlag({ ...base, measured: 0.125, reported: null }), null);
  assert.equal(endpointMismatchFlag({ ...base, measured: 0.125, reported: undefined }), null);
  // 100 examples: 3·√(0.25/100) = 0.15 allowed, so 0.4 vs 0.5 is noise, 0.3 vs 0.5 is not
  assert.equal(endpointMismatchFlag({ ...base, n: 100, measured: 0.4, reported: 0.5 }), null);
  assert.ok(endpointMismatchFlag({ ...base, n: 100, measured: 0.3, reported: 0.5 }));
});

test('SINGLE_SEED: one flag per sweep when any cell has fewer than 2 seeds', () => {
  assert.equal(MIN_SEEDS, 2);
  const f = singleSeedFlag([1, 1, 1], 'rows');
  assert.equal(f?.code, 'SINGLE_SEED');
  assert.equal(f?.checkpointId, null);
  assert.match(f!.message, /^1 seed: no spread/);
  assert.match(f!.message, /3 of 3 rows/);
  assert.match(singleSeedFlag([3, 1], 'points')!.message, /1 of 2 points/);
  assert.equal(singleSeedFlag([2, 3], 'rows'), null);
  assert.equal(singleSeedFlag([], 'rows'), null);
});

test('uniqueFlags drops nulls and repeats of the same code and checkpoint', () => {
  const a = nearChanceFlag({ ...model, accuracy: 0.1 })!;
  const b = nearChanceFlag({ ...model, accuracy: 0.12, checkpointId: '8' })!;
  assert.deepEqual(uniqueFlags([a, null, b, { ...a, message: 'again' }, undefined]), [a, b]);
  for (const f of [a, b]) assert.ok(SANITY_CODES.includes(f.code));
});

const child = (over: Partial<ChildRun>): ChildRun => ({
  id: '1',
  init: 'PRETRAINED',
  initCheckpointId: '9',
  datasetId: '2',
  blockSize: null,
  seed: 1,
  status: 'SUCCEEDED',
  error: null,
  summary: { testAcc: 0.9, speed: 0.8 },
  ...over,
});

test('block shuffle: b = 1 and "*" are noted as the same shuffle on 1-channel images only', () => {
  assert.match(blockShuffleNote(1, [null, 0, 1], 1)!, /same shuffle as "\*"/);
  assert.match(blockShuffleNote(0, [null, 0, 1], 1)!, /same shuffle as b = 1/);
  assert.match(blockShuffleNote(1, [null, 1], 1)!, /b = 1 is the pixel shuffle "\*"/);
  assert.equal(blockShuffleNote(0, [null, 0], 1), null);
  assert.equal(blockShuffleNote(1, [null, 0, 1], 3), null, '3 channels: a 1×1 block moves 3 values together');
  assert.equal(blockShuffleNote(4, [null, 0, 1, 4], 1), null);
  assert.equal(blockShuffleNote(1, [0, 1], null), null);
});

test('block-shuffle result: notes on the duplicate rows, one SINGLE_SEED flag for a one-seed sweep', () => {
  let id = 0;
  const runs = [null, 0, 1].flatMap((b) =>
    (['PRETRAINED', 'RANDOM'] as const).map((init) => child({ id: String(++id), init, blockSize: b })),
  );
  const r = blockShuffleResult({ blockSizes: [null, 0, 1], seeds: [1] }, runs, 1);
  assert.deepEqual(
    r.rows.map((row) => [row.label, row.note !== null]),
    [
      ['none', false],
      ['*', true],
      ['1', true],
    ],
  );
  assert.equal(r.sanity.length, 1);
  assert.equal(r.sanity[0]!.code, 'SINGLE_SEED');
  assert.match(r.sanity[0]!.message, /^1 seed: no spread .* 3 of 3 block-size rows/);

  const two = [...runs, ...runs.map((x) => ({ ...x, id: `${x.id}b`, seed: 2 }))];
  const r2 = blockShuffleResult({ blockSizes: [null, 0, 1], seeds: [1, 2] }, two, 3);
  assert.deepEqual(r2.sanity, []);
  assert.ok(r2.rows.every((row) => row.note === null && row.pretrainedAccuracy.n === 2));
});
