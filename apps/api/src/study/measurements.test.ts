import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AnalysisResult, AnalysisRow, DatasetRow, RunRow, SeedStats } from '@basin/db';
import { latestResults, measurementsFrom } from './measurements';

const dataset = (id: string, name: string): DatasetRow =>
  ({
    id,
    name,
    classes: Array.from({ length: 10 }, (_, i) => String(i)),
    imageShape: [28, 28, 1],
  }) as DatasetRow;
const run = (
  id: string,
  init: 'PRETRAINED' | 'RANDOM',
  seed: number,
  datasetId: string,
  summary: Record<string, unknown> = {},
): RunRow =>
  ({
    id,
    init,
    seed,
    datasetId,
    kind: 'FINETUNE',
    sweepAnalysisId: null,
    blockSize: null,
    summary,
  }) as RunRow;
const ref = (id: string) => ({ checkpointId: `c${id}`, runId: id, label: id });
const analysis = (id: string, name: string, result: unknown, status = 'SUCCEEDED'): AnalysisRow =>
  ({ id, name, kind: (result as AnalysisResult).kind, status, result }) as AnalysisRow;
const stats = (values: number[]): SeedStats => ({
  mean: 0,
  std: 0,
  ciLow: 0,
  ciHigh: 0,
  n: values.length,
  values,
});

const finetunes = [
  run('1', 'PRETRAINED', 0, 'm', { testAcc: 0.97, speed: 0.9, speedEpochs: 2, converged: true, epochs: 7 }),
  run('2', 'PRETRAINED', 1, 'm', { testAcc: 0.96, speed: 0.91, speedEpochs: 2, converged: true, epochs: 8 }),
  run('3', 'RANDOM', 0, 'm', { testAcc: 0.95, speed: 0.5, speedEpochs: 2, converged: false, epochs: 16 }),
  run('4', 'RANDOM', 1, 'q', { testAcc: 0.9, speed: 0.4, epochs: 12 }),
];
const rows = {
  finetunes,
  runs: new Map(finetunes.map((r) => [r.id, r])),
  datasets: new Map([
    ['m', dataset('m', 'MNIST (small)')],
    ['q', dataset('q', 'quickdraw (small)')],
  ]),
};

test('runs become P-T / RI-T outcomes per target, from their own summaries', () => {
  const m = measurementsFrom({ ...rows, analyses: [] });
  assert.deepEqual(
    m.targets.map((t) => [t.target, t.pretrained?.length ?? 0, t.random?.length ?? 0]),
    [
      ['MNIST (small)', 2, 1],
      ['quickdraw (small)', 0, 1],
    ],
  );
  const [mnist] = m.targets;
  assert.deepEqual(mnist!.random![0], {
    runId: '3',
    seed: 0,
    accuracy: 0.95,
    speed: 0.5,
    speedEpochs: 2,
    converged: false,
    epochs: 16,
    chance: 0.1,
  });
  assert.equal(m.targets[1]!.random![0]!.converged, null, 'no criterion recorded');
});

test('analyses land on the target their fine-tuned inputs trained on, with their sanity flags', () => {
  const mistakes = {
    kind: 'MISTAKES',
    examples: 100,
    split: 'test',
    dataset: null,
    sanity: [{ code: 'NEAR_CHANCE', message: 'RI-T s0 is near chance', checkpointId: 'c3' }],
    pairs: [
      {
        a: ref('1'),
        b: ref('2'),
        pairType: 'PT_PT',
        common: 3,
        onlyA: 1,
        onlyB: 2,
        accuracyA: 0.97,
        accuracyB: 0.96,
        agreement: 0.97,
        wrongAgreement: 1,
      },
    ],
  };
  const cka = {
    kind: 'CKA',
    debiased: false,
    examples: 100,
    split: 'test',
    dataset: { id: 'q', name: 'quickdraw (small)' },
    sanity: [],
    pairs: [
      {
        a: ref('1'),
        b: ref('2'),
        pairType: 'PT_PT',
        modulesA: ['conv1', 'fc'],
        modulesB: ['fc', 'conv1'],
        values: [
          [0.1, 0.8],
          [0.6, 0.2],
        ],
      },
    ],
  };
  const sweep = {
    kind: 'CHECKPOINT_SWEEP',
    pretrainRunId: '9',
    datasetId: 'm',
    seeds: [0, 1],
    sanity: [],
    points: [
      {
        checkpointId: 'c',
        epoch: 1,
        step: 10,
        accuracy: stats([0.8, 0.82]),
        speed: stats([0.5, 0.5]),
        runIds: [],
      },
    ],
    randomInit: null,
  };
  const m = measurementsFrom({
    ...rows,
    analyses: [
      analysis('3', 'sweep', sweep),
      analysis('2', 'cka/q', cka),
      analysis('1', 'mistakes/m', mistakes),
    ],
  });
  const mnist = m.targets.find((t) => t.target === 'MNIST (small)')!;
  assert.deepEqual(mnist.mistakes, [{ pairType: 'PT_PT', value: 0.03, common: 0.03 }]);
  assert.deepEqual(mnist.flags, { MISTAKES: ['RI-T s0 is near chance'] });
  assert.deepEqual(mnist.checkpointSweep, [{ epoch: 1, accuracy: [0.8, 0.82] }]);
  const q = m.targets.find((t) => t.target === 'quickdraw (small)')!;
  assert.deepEqual(q.cka, [
    {
      pairType: 'PT_PT',
      value: 0.7,
      modules: [
        { module: 'conv1', value: 0.8 },
        { module: 'fc', value: 0.6 },
      ],
    },
  ]);
});

test('a re-run replaces an analysis of the same name; unfinished ones count for nothing', () => {
  const a = (id: string, status = 'SUCCEEDED') =>
    analysis(id, 'distance/m', { kind: 'PARAM_DISTANCE', sanity: [], pairs: [] }, status);
  assert.deepEqual(
    latestResults([a('5', 'FAILED'), a('4'), a('2')]).map((x) => x.id),
    ['4'],
  );
});
