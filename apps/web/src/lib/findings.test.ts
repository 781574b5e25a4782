import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  analysisFor,
  analysisTarget,
  cellTitle,
  findingLink,
  formatCell,
  groupByTarget,
  type LinkContext,
  mainFineTunes,
  setupOf,
  VERDICT_TEXT,
} from './findings';
import type { AnalysisSummary, Finding, FindingsTable, ResultDataset, RunRow } from './types';

const finding = (claimId: string, target: string, verdict: Finding['verdict'] = 'HOLDS'): Finding => ({
  id: `${claimId}:${target}`,
  claimId,
  claim: `claim ${claimId}`,
  target,
  measured: verdict === 'NOT_MEASURED' ? 'not measured yet' : `measured ${claimId}`,
  verdict,
  holds: verdict === 'HOLDS' ? true : verdict === 'DOES_NOT_HOLD' ? false : null,
  criterion: 'P-T − RI-T > 0',
  flags: [],
});
const table = (key: string, target: string): FindingsTable => ({
  id: `${key}:${target}`,
  title: key,
  target,
  columns: ['', 'P-T/P-T'],
  rows: [],
  note: '',
});
const MNIST = { id: '2', name: 'MNIST (small)' };
const CIFAR = { id: '3', name: 'CIFAR-10' };
const run = (id: string, over: Partial<RunRow> = {}): RunRow => ({
  id,
  name: `run ${id}`,
  kind: 'FINETUNE',
  init: 'PRETRAINED',
  status: 'SUCCEEDED',
  seed: 0,
  blockSize: null,
  blockLabel: 'none',
  backend: null,
  createdAt: '2026-01-01T00:00:00Z',
  summary: {},
  study: null,
  dataset: MNIST,
  sweepAnalysis: null,
  initCheckpoint: null,
  ...over,
});
const analysis = (
  id: string,
  kind: AnalysisSummary['kind'],
  result: ResultDataset | null,
  over: Partial<AnalysisSummary> = {},
) => ({
  id,
  kind,
  name: kind,
  status: 'SUCCEEDED' as const,
  progress: 1,
  error: null,
  createdAt: `2026-01-0${id}T00:00:00Z`,
  inputs: [],
  result,
  ...over,
});
const cka = (dataset: { id: string; name: string } | null): ResultDataset => ({
  __typename: 'CkaResult',
  dataset,
});
const distance: ResultDataset = { __typename: 'ParamDistanceResult' };
const sweep = (datasetId: string): ResultDataset => ({ __typename: 'BlockShuffleResult', datasetId });

test('findings and tables group by target, in the order the API returned them', () => {
  const groups = groupByTarget(
    [
      finding('pt-speed', 'MNIST'),
      finding('cka', 'MNIST'),
      finding('pt-speed', 'SVHN'),
      finding('cka', 'SVHN'),
    ],
    [table('cka', 'SVHN'), table('transfer', 'MNIST'), table('cka', 'Tables only')],
  );
  assert.deepEqual(
    groups.map((g) => [g.target, g.findings.map((f) => f.claimId), g.tables.map((t) => t.id)]),
    [
      ['MNIST', ['pt-speed', 'cka'], ['transfer:MNIST']],
      ['SVHN', ['pt-speed', 'cka'], ['cka:SVHN']],
      ['Tables only', [], ['cka:Tables only']],
    ],
  );
  assert.deepEqual(groupByTarget([], []), []);
});

test('verdicts read as words with a mark, not only a colour', () => {
  assert.equal(VERDICT_TEXT.HOLDS, '✓ holds');
  assert.equal(VERDICT_TEXT.DOES_NOT_HOLD, '✗ does not hold');
  assert.equal(VERDICT_TEXT.INCONCLUSIVE, '? inconclusive');
  assert.equal(VERDICT_TEXT.NOT_MEASURED, 'not measured yet');
});

test('not measured: the card links to launching what the claim needs, on the right tab', () => {
  const ctx: LinkContext = { studyId: '7', runs: [], analyses: [] };
  const href = (claimId: string) => findingLink(finding(claimId, 'MNIST', 'NOT_MEASURED'), ctx).href;
  assert.equal(href('pt-final'), '/launch?study=7');
  assert.equal(href('pt-speed'), '/launch?study=7');
  assert.equal(href('feature-reuse'), '/launch?study=7&tab=sweep');
  assert.equal(href('checkpoints'), '/launch?study=7&tab=sweep');
  for (const c of ['mistakes', 'cka', 'distance', 'barrier-pt', 'barrier-rit', 'criticality'])
    assert.equal(href(c), '/launch?study=7&tab=analysis', c);
  for (const c of ['pt-final', 'cka', 'checkpoints'])
    assert.ok(findingLink(finding(c, 'MNIST', 'NOT_MEASURED'), ctx).todo!.length > 10, c);
});

test('P-T vs RI-T claims link to comparing the main fine-tunes of their target', () => {
  const runs = [
    run('1'),
    run('2', { init: 'RANDOM' }),
    run('3', { dataset: CIFAR }),
    run('4', { blockSize: 7, blockLabel: '7' }),
    run('5', { sweepAnalysis: { id: '9' } }),
    run('6', { status: 'RUNNING' }),
    run('7', { kind: 'PRETRAIN' }),
  ];
  assert.deepEqual(
    mainFineTunes(runs, 'MNIST (small)').map((r) => r.id),
    ['1', '2'],
  );
  const ctx: LinkContext = { studyId: '1', runs, analyses: [] };
  assert.equal(
    findingLink(finding('pt-final', 'MNIST (small)'), ctx).href,
    '/compare?runs=1,2&key=test%2Facc&group=INIT',
  );
  assert.equal(
    findingLink(finding('pt-speed', 'CIFAR-10', 'INCONCLUSIVE'), ctx).href,
    '/compare?runs=3&key=train%2Facc&group=INIT',
  );
  // no main fine-tunes in the list: the block-shuffle sweep of that target
  const only = { studyId: '1', runs: [], analyses: [analysis('4', 'BLOCK_SHUFFLE', sweep('2'))] };
  assert.equal(findingLink(finding('pt-final', 'MNIST (small)'), only).href, '/analyses/4');
  assert.equal(findingLink(finding('pt-final', 'MNIST (small)'), only).todo, null);
});

test('an analysis belongs to the dataset its result names, else its sweep dataset, else its fine-tuned inputs', () => {
  const runs = [
    run('1', { dataset: CIFAR }),
    run('8', { kind: 'PRETRAIN', dataset: { id: '1', name: 'F' } }),
  ];
  const ctx = { runs, datasets: new Map([['5', 'SVHN']]) };
  assert.equal(analysisTarget(analysis('1', 'CKA', cka(MNIST)), ctx), 'MNIST (small)');
  assert.equal(analysisTarget(analysis('1', 'BLOCK_SHUFFLE', sweep('5')), ctx), 'SVHN');
  assert.equal(analysisTarget(analysis('1', 'BLOCK_SHUFFLE', sweep('3')), ctx), 'CIFAR-10', 'named by a run');
  const inputs = [
    {
      position: 0,
      role: 'initial',
      run: null,
      checkpoint: { id: '1', step: 1, epoch: 1, run: { id: '8', name: 'p' } },
    },
    {
      position: 1,
      role: 'final',
      run: null,
      checkpoint: { id: '2', step: 1, epoch: 1, run: { id: '1', name: 'f' } },
    },
  ];
  assert.equal(analysisTarget(analysis('1', 'PARAM_DISTANCE', distance, { inputs }), ctx), 'CIFAR-10');
  assert.equal(analysisTarget(analysis('1', 'CKA', cka(null)), ctx), null);
});

test('a measured claim links to the newest finished analysis of its kind on its target, else the newest', () => {
  const analyses = [
    analysis('5', 'CKA', null, { status: 'RUNNING' }),
    analysis('4', 'CKA', cka(CIFAR)),
    analysis('3', 'CKA', cka(MNIST)),
    analysis('2', 'CKA', cka(MNIST)),
    analysis('1', 'BARRIER', null, { status: 'FAILED' }),
  ];
  const ctx: LinkContext = { studyId: '1', runs: [], analyses };
  assert.equal(analysisFor('CKA', 'MNIST (small)', ctx)?.id, '3');
  assert.equal(findingLink(finding('cka', 'MNIST (small)'), ctx).href, '/analyses/3');
  assert.equal(findingLink(finding('cka', 'CIFAR-10', 'DOES_NOT_HOLD'), ctx).href, '/analyses/4');
  assert.equal(findingLink(finding('cka', 'SVHN'), ctx).href, '/analyses/4', 'no match: the newest');
  assert.equal(findingLink(finding('barrier-pt', 'MNIST (small)'), ctx).href, null, 'none finished');
});

test('table cells print as the CLI prints them: mean ± std, the mean alone for one value, — when missing', () => {
  assert.equal(formatCell({ mean: 0.9675, std: 0.00354, n: 2 }), '0.968 ± 0.004');
  assert.equal(formatCell({ mean: 61.5, std: 0, n: 1 }), '61.5');
  assert.equal(formatCell({ mean: 123.4, std: 12.34, n: 3 }), '123 ± 12.3');
  assert.equal(formatCell({ mean: null, std: null, n: 0 }), '—');
  assert.equal(formatCell(null), '—');
  assert.equal(cellTitle({ n: 2 }), 'n = 2');
  assert.equal(cellTitle(null), 'not measured');
});

test("the study's setup is config.setup, split into its parts; absent or not a string: none", () => {
  assert.deepEqual(setupOf({ setup: 'pretrain 3 epochs; P-T and RI-T alike (SGD, momentum 0.9); 2 seeds' }), [
    'pretrain 3 epochs',
    'P-T and RI-T alike (SGD, momentum 0.9)',
    '2 seeds',
  ]);
  assert.deepEqual(setupOf({}), []);
  assert.deepEqual(setupOf({ setup: 3 }), []);
  assert.deepEqual(setupOf(null), []);
});
