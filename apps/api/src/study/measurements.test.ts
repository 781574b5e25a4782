import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AnalysisResult, SeedStats } from '@basin/db';
import { measurementsFrom, type RunFacts } from './measurements';

const ref = (id: string) => ({ checkpointId: `c${id}`, runId: id, label: id });
const stats = (mean: number): SeedStats => ({
  mean,
  std: 0,
  ciLow: mean,
  ciHigh: mean,
  n: 1,
  values: [mean],
});
const runs = new Map<string, RunFacts>([
  ['1', { init: 'PRETRAINED', dataset: 'MNIST' }],
  ['2', { init: 'PRETRAINED', dataset: 'MNIST' }],
  ['3', { init: 'RANDOM', dataset: 'MNIST' }],
  ['4', { init: 'RANDOM', dataset: 'MNIST' }],
]);
const mistake = (
  a: string,
  b: string,
  pairType: 'PT_PT' | 'RIT_RIT' | 'PT_RIT',
  accA: number,
  accB: number,
  onlyA: number,
  onlyB: number,
) => ({
  a: ref(a),
  b: ref(b),
  pairType,
  common: 5,
  onlyA,
  onlyB,
  accuracyA: accA,
  accuracyB: accB,
  agreement: 0.9,
  wrongAgreement: 0.5,
});

test('results become the measurements the claims are judged on', () => {
  const results: AnalysisResult[] = [
    {
      kind: 'MISTAKES',
      examples: 100,
      pairs: [
        mistake('1', '2', 'PT_PT', 0.96, 0.94, 1, 1),
        mistake('3', '4', 'RIT_RIT', 0.9, 0.88, 4, 6),
        mistake('1', '3', 'PT_RIT', 0.96, 0.9, 2, 6),
      ],
    },
    {
      kind: 'CKA',
      debiased: false,
      examples: 100,
      split: 'test',
      pairs: [
        {
          a: ref('1'),
          b: ref('2'),
          pairType: 'PT_PT',
          modulesA: ['conv1', 'fc'],
          modulesB: ['conv1', 'fc'],
          values: [
            [0.9, 0.1],
            [0.2, 0.7],
          ],
        },
        {
          a: ref('3'),
          b: ref('4'),
          pairType: 'RIT_RIT',
          modulesA: ['conv1', 'fc'],
          modulesB: ['conv1', 'fc'],
          values: [
            [0.5, 0.1],
            [0.2, 0.3],
          ],
        },
      ],
    },
    {
      kind: 'PARAM_DISTANCE',
      pairs: [{ a: ref('1'), b: ref('2'), pairType: 'PT_PT', total: 2, modules: [], excluded: [] }],
    },
    {
      kind: 'BARRIER',
      split: 'test',
      pairs: [
        {
          a: ref('3'),
          b: ref('4'),
          pairType: 'RIT_RIT',
          lambdas: [0, 1],
          loss: [1, 1],
          error: [0.1, 0.1],
          lossBarrier: 1.5,
          errorBarrier: 0.4,
        },
      ],
    },
    {
      kind: 'MODULE_CRITICALITY',
      initial: ref('0'),
      final: ref('3'),
      epsilon: 0.01,
      noiseSamples: 2,
      finalLoss: 0.1,
      finalAccuracy: 0.9,
      alphas: [1],
      sigmas: [1],
      modules: [
        {
          module: 'conv1',
          criticality: 0.5,
          bestAlpha: 1,
          bestSigma: 1,
          distance: 1,
          meanLoss: [[0.1]],
          rewindLoss: 0.2,
          rewindAccuracy: 0.8,
        },
        {
          module: 'fc',
          criticality: null,
          bestAlpha: null,
          bestSigma: null,
          distance: 1,
          meanLoss: [[9]],
          rewindLoss: 3,
          rewindAccuracy: 0.1,
        },
      ],
    },
    {
      kind: 'CHECKPOINT_SWEEP',
      pretrainRunId: '9',
      datasetId: '5',
      seeds: [0],
      points: [
        { checkpointId: 'a', epoch: 1, step: 10, accuracy: stats(0.8), speed: stats(0.7), runIds: [] },
        { checkpointId: 'b', epoch: 2, step: 20, accuracy: stats(0.85), speed: stats(0.7), runIds: [] },
      ],
      randomInit: null,
    },
    {
      kind: 'BLOCK_SHUFFLE',
      datasetId: '5',
      pretrainCheckpointId: 'b',
      seeds: [0],
      rows: [null, 0].map((b) => ({
        blockSize: b,
        label: b === null ? 'none' : '*',
        pretrainedAccuracy: stats(0.9),
        randomAccuracy: stats(0.8),
        pretrainedSpeed: stats(0.8),
        randomSpeed: stats(0.7),
        relativeDrop: stats(b === null ? 10 : 2),
        pretrainedRunIds: [],
        randomRunIds: [],
      })),
    },
  ];
  const m = measurementsFrom(results, runs);
  assert.deepEqual(m.transfer, [{ target: 'MNIST', pretrained: 0.95, random: 0.89, seeds: 2 }]);
  assert.deepEqual(m.mistakes, { ptPt: 0.02, ritRit: 0.1, ptRit: 0.08 });
  assert.deepEqual(m.cka, { ptPt: 0.8, ritRit: 0.4, ptRit: undefined });
  assert.deepEqual(m.distance, { ptPt: 2, ritRit: undefined, ptRit: undefined });
  assert.deepEqual(m.barrier, { ptPt: undefined, ritRit: 0.4 });
  assert.deepEqual(m.criticality, [
    {
      init: 'RANDOM',
      modules: [
        { module: 'conv1', criticality: 0.5 },
        { module: 'fc', criticality: Number.POSITIVE_INFINITY },
      ],
    },
  ]);
  assert.deepEqual(m.checkpointSweep, [
    { epoch: 1, accuracy: 0.8 },
    { epoch: 2, accuracy: 0.85 },
  ]);
  assert.deepEqual(m.blockShuffle, [
    { blockSize: null, relativeDrop: 10 },
    { blockSize: 0, relativeDrop: 2 },
  ]);
});

test('no results, no measurements', () => {
  assert.deepEqual(measurementsFrom([], new Map()), {});
});
