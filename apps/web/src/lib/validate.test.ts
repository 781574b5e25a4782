import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkHyperparameters,
  expectedText,
  HYPERPARAMETER_RULES,
  type NumberRule,
} from '@basin/db/hyperparameters';
import { checkAnalysis, checkFineTune, checkSweep, parseBlock, parseIntList } from './validate';

const ft = {
  studyId: '1',
  datasetId: '2',
  init: 'PRETRAINED' as const,
  initCheckpointId: '',
  modelId: '',
  seed: '0',
  blockSize: '',
  name: '',
  epochs: '3',
  batchSize: '64',
  learningRate: '0.01',
};

test('block sizes: none, * and pixels', () => {
  assert.equal(parseBlock(''), null);
  assert.equal(parseBlock('none'), null);
  assert.equal(parseBlock('*'), 0);
  assert.equal(parseBlock('4'), 4);
  assert.equal(parseBlock('0'), undefined, 'pixel shuffle is written "*"');
  assert.equal(parseBlock('2.5'), undefined);
  assert.deepEqual(parseIntList('1, 2,4 *', 1, 64, true), [1, 2, 4, 0]);
  assert.equal(parseIntList('1, x', 1, 64), undefined);
});

test('a P-T fine-tune without a checkpoint is refused before sending, on that field', () => {
  const r = checkFineTune(ft);
  assert.equal(r.ok, false);
  assert.deepEqual(Object.keys(r.ok ? {} : r.errors), ['initCheckpointId']);
});

test('bad numbers name their field; a good form becomes the API input', () => {
  const bad = checkFineTune({ ...ft, initCheckpointId: '5', seed: '-1', epochs: '0', learningRate: 'fast' });
  assert.deepEqual(Object.keys(bad.ok ? {} : bad.errors).sort(), ['epochs', 'learningRate', 'seed']);
  const good = checkFineTune({ ...ft, initCheckpointId: '5', blockSize: '*' });
  assert.deepEqual(good.ok && good.input, {
    studyId: '1',
    datasetId: '2',
    init: 'PRETRAINED',
    initCheckpointId: '5',
    modelId: null,
    seed: 0,
    blockSize: 0,
    name: null,
    hyperparameters: { epochs: 3, batchSize: 64, learningRate: 0.01 },
  });
});

test('sweeps and analyses check their own fields', () => {
  const s = checkSweep({
    ...ft,
    kind: 'BLOCK_SHUFFLE',
    pretrainCheckpointId: '',
    pretrainRunId: '',
    blockSizes: '4, 7x',
    seeds: '0,1',
  });
  assert.deepEqual(Object.keys(s.ok ? {} : s.errors).sort(), ['blockSizes', 'pretrainCheckpointId']);
  const a = checkAnalysis({
    kind: 'MODULE_CRITICALITY',
    studyId: '',
    checkpointIds: ['1', '2', '3'],
    examples: '',
    name: '',
  });
  assert.equal(a.ok, false);
  const ok = checkAnalysis({
    kind: 'MODULE_CRITICALITY',
    studyId: '',
    checkpointIds: ['1', '2'],
    examples: '500',
    name: '',
  });
  assert.deepEqual(ok.ok && ok.input.inputs, [
    { checkpointId: '1', role: 'initial' },
    { checkpointId: '2', role: 'final' },
  ]);
});

test('the forms use the bounds the API and the runner check (one declaration in @basin/db)', () => {
  const form = { ...ft, initCheckpointId: '5' };
  for (const key of ['epochs', 'batchSize', 'learningRate'] as const) {
    const rule: NumberRule = HYPERPARAMETER_RULES[key];
    const over = rule.kind === 'int' ? rule.max + 1 : rule.max * 1.01;
    const r = checkFineTune({ ...form, [key]: String(over) });
    assert.equal(r.ok, false, `${key} = ${over}`);
    assert.ok(!r.ok && r.errors[key]?.includes(expectedText(rule)), !r.ok ? r.errors[key] : '');
    // the API refuses the same value in the same words
    assert.throws(() => checkHyperparameters({ [key]: over }, 'input.hyperparameters'), {
      message: new RegExp(
        `input\\.hyperparameters\\.${key}: expected ${expectedText(rule).replace(/[()[\]]/g, '\\$&')}`,
      ),
    });
    assert.equal(checkFineTune({ ...form, [key]: String(rule.max) }).ok, true, `${key} = ${rule.max}`);
  }
});
