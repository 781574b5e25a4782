import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagonalCka, studyFindings, verdictsFor } from './findings';
import type { AnalysisResult, AnalysisSummary } from './types';

const stats = (mean: number, std = 0, n = 2) => ({ mean, std, ciLow: mean, ciHigh: mean, n, values: [] });
const ref = (label: string) => ({ checkpointId: '1', runId: null, label });
const analysis = (id: string, kind: AnalysisSummary['kind'], result: AnalysisResult) => ({
  id,
  kind,
  name: kind,
  status: 'SUCCEEDED' as const,
  progress: 1,
  error: null,
  createdAt: '2026-01-01T00:00:00Z',
  inputs: [],
  result,
});

test('nothing measured: every finding says so and links to launching it', () => {
  const f = studyFindings('7', [], []);
  assert.equal(f.length, 8);
  assert.equal(f.find((x) => x.id === 'cka')!.href, '/launch?study=7&tab=analysis');
  assert.equal(f.find((x) => x.id === 'transfer')!.href, '/launch?study=7');
  for (const x of f) {
    assert.equal(x.answer, null);
    assert.match(x.href!, /^\/launch\?study=7(&tab=(sweep|analysis))?$/);
    assert.ok(x.todo.length > 10);
  }
});

test('block shuffle answers P-T vs RI-T (unshuffled row) and the largest relative drop', () => {
  const row = (blockSize: number | null, label: string, pt: number, rit: number, drop: number) => ({
    blockSize,
    label,
    pretrainedAccuracy: stats(pt),
    randomAccuracy: stats(rit),
    pretrainedSpeed: stats(pt),
    randomSpeed: stats(rit),
    relativeDrop: stats(drop),
    pretrainedRunIds: [],
    randomRunIds: [],
  });
  const f = studyFindings(
    '1',
    [],
    [
      analysis('9', 'BLOCK_SHUFFLE', {
        __typename: 'BlockShuffleResult',
        datasetId: '1',
        pretrainCheckpointId: '1',
        seeds: [0, 1],
        rows: [row(null, 'none', 0.9, 0.8, 11.1), row(4, '4', 0.7, 0.68, 2.9), row(0, '*', 0.5, 0.5, 0)],
      }),
    ],
  );
  const transfer = f.find((x) => x.id === 'transfer')!;
  assert.ok(Math.abs(transfer.value! - 0.1) < 1e-12);
  assert.match(transfer.answer!, /P-T 90\.0% vs RI-T 80\.0% \(\+10\.0 points/);
  assert.equal(transfer.href, '/analyses/9');
  const reuse = f.find((x) => x.id === 'feature-reuse')!;
  assert.equal(reuse.value, 0, 'the most shuffled input (*)');
  assert.match(reuse.answer!, /from 11\.1% unshuffled to 0% with every pixel shuffled/);
});

test('CKA: the mean over modules both models share, per pair type', () => {
  const pair = {
    a: ref('a'),
    b: ref('b'),
    pairType: 'PT_PT' as const,
    modulesA: ['conv1', 'fc'],
    modulesB: ['fc', 'conv1'],
    values: [
      [0.2, 0.9],
      [0.7, 0.1],
    ],
  };
  assert.equal(diagonalCka(pair), (0.9 + 0.7) / 2);
  const f = studyFindings(
    '1',
    [],
    [
      analysis('3', 'CKA', {
        __typename: 'CkaResult',
        debiased: false,
        examples: 10,
        split: 'test',
        pairs: [pair],
      }),
    ],
  );
  assert.equal(f.find((x) => x.id === 'cka')!.value, 0.8);
});

test("the API's verdicts attach to the question they answer", () => {
  const api = [
    { id: 'pt-beats-rit:MNIST', claim: 'P-T beats RI-T on MNIST', holds: true, measured: '+10 points' },
    { id: 'barrier-pt', claim: 'no barrier between P-T models', holds: true, measured: '0.01' },
    { id: 'barrier-rit', claim: 'a barrier between RI-T models', holds: false, measured: '0.00' },
  ];
  const f = studyFindings('1', [], []);
  assert.deepEqual(
    verdictsFor(f.find((x) => x.id === 'transfer')!, api).map((a) => a.id),
    ['pt-beats-rit:MNIST'],
  );
  assert.equal(verdictsFor(f.find((x) => x.id === 'barrier')!, api).length, 2);
  assert.equal(verdictsFor(f.find((x) => x.id === 'cka')!, api).length, 0);
});
