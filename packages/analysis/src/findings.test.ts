import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateFindings, formatFindings } from './findings';

const paperLike = {
  transfer: [
    { target: 'MNIST', pretrained: 0.97, random: 0.95, seeds: 2 },
    { target: 'quickdraw', pretrained: 0.6, random: 0.62, seeds: 2 },
  ],
  cka: { ptPt: 0.9, ritRit: 0.4 },
  distance: { ptPt: 3, ritRit: 40 },
  barrier: { ptPt: 0.001, ritRit: 0.3 },
  criticality: [
    {
      init: 'PRETRAINED' as const,
      modules: [1, 2, 3, 10, 20, 30].map((c, i) => ({ module: `m${i}`, criticality: c })),
    },
  ],
  checkpointSweep: [
    { epoch: 1, accuracy: 0.9 },
    { epoch: 2, accuracy: 0.955 },
    { epoch: 3, accuracy: 0.96 },
    { epoch: 4, accuracy: 0.96 },
  ],
  blockShuffle: [
    { blockSize: null, relativeDrop: 10 },
    { blockSize: 7, relativeDrop: 6 },
    { blockSize: 0, relativeDrop: 1 },
  ],
  mistakes: { ptPt: 0.01, ptRit: 0.04, ritRit: 0.05 },
};

test('a study that reproduces the paper: every claim holds, with its numbers', () => {
  const f = evaluateFindings(paperLike);
  const byId = Object.fromEntries(f.map((x) => [x.id, x]));
  assert.equal(byId['pt-beats-rit:MNIST']!.holds, true);
  assert.equal(byId['pt-beats-rit:MNIST']!.measured, 'P-T 97.0% vs RI-T 95.0% (+2.0 points, 2 seeds)');
  assert.equal(byId['pt-beats-rit:quickdraw']!.holds, false, 'an honest "does not hold" when RI-T wins');
  assert.equal(byId['pt-beats-rit:quickdraw']!.measured, 'P-T 60.0% vs RI-T 62.0% (-2.0 points, 2 seeds)');
  for (const id of [
    'feature-reuse',
    'common-mistakes',
    'cka',
    'distance',
    'barrier-pt',
    'barrier-rit',
    'criticality',
    'checkpoints',
  ]) {
    assert.equal(byId[id]!.holds, true, id);
  }
  assert.equal(
    byId.criticality!.measured,
    'P-T model: median μ of the lower 3 modules 2.00 vs the higher 3 20.0',
  );
  assert.equal(byId.checkpoints!.measured, 'best late checkpoint (epoch 3) 96.0% vs final (epoch 4) 96.0%');
});

test('the opposite numbers make each claim fail, and missing numbers say so', () => {
  const f = evaluateFindings({
    cka: { ptPt: 0.2, ritRit: 0.4 },
    distance: { ptPt: 50, ritRit: 40 },
    barrier: { ptPt: 0.2, ritRit: 0.0 },
    checkpointSweep: [
      { epoch: 1, accuracy: 0.5 },
      { epoch: 2, accuracy: 0.9 },
    ],
  });
  const byId = Object.fromEntries(f.map((x) => [x.id, x]));
  for (const id of ['cka', 'distance', 'barrier-pt', 'barrier-rit', 'checkpoints'])
    assert.equal(byId[id]!.holds, false, id);
  for (const id of ['pt-beats-rit', 'feature-reuse', 'common-mistakes', 'criticality']) {
    assert.equal(byId[id]!.holds, null, id);
    assert.equal(byId[id]!.measured, 'not measured yet');
  }
});

test('the table names every claim and verdict', () => {
  const table = formatFindings(evaluateFindings(paperLike));
  assert.match(table, /^Claim +Measured +Verdict$/m);
  assert.match(table, /on quickdraw +P-T 60.0% vs RI-T 62.0% .* does not hold$/m);
  assert.equal(table.split('\n').length, 2 + 10);
});

test('an infinitely critical module counts as most critical, not as missing', () => {
  const f = evaluateFindings({
    criticality: [
      {
        init: 'RANDOM',
        modules: [0.5, 1, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY].map((c, i) => ({
          module: `m${i}`,
          criticality: c,
        })),
      },
    ],
  });
  const c = f.find((x) => x.id === 'criticality')!;
  assert.equal(c.holds, true);
  assert.equal(c.measured, 'RI-T model: median μ of the lower 2 modules 0.750 vs the higher 2 ∞');
});
