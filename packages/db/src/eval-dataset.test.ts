import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseEvalDataset } from './eval-dataset';

const pre = { run: { kind: 'PRETRAIN', datasetId: 'fashion' } };
const ft = (datasetId: string) => ({ run: { kind: 'FINETUNE', datasetId } });

test('criticality evaluates on the final model’s fine-tune set, not the pretraining set of its initial weights', () => {
  assert.deepEqual(chooseEvalDataset('MODULE_CRITICALITY', [pre, ft('mnist')], undefined), {
    datasetId: 'mnist',
  });
});

test('fine-tuned inputs win over a pretraining input; disagreeing ones are a conflict; params win over all', () => {
  assert.deepEqual(chooseEvalDataset('CKA', [pre, ft('mnist'), ft('mnist')], undefined), {
    datasetId: 'mnist',
  });
  assert.deepEqual(chooseEvalDataset('CKA', [ft('mnist'), ft('quickdraw')], undefined), {
    conflict: ['mnist', 'quickdraw'],
  });
  assert.deepEqual(chooseEvalDataset('CKA', [ft('mnist'), ft('quickdraw')], 7), { datasetId: '7' });
  assert.deepEqual(chooseEvalDataset('BARRIER', [pre, pre], undefined), { datasetId: 'fashion' });
  assert.deepEqual(chooseEvalDataset('BARRIER', [{ run: null }, { run: null }], undefined), {
    missing: true,
  });
});
