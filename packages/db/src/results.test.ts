import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type AnalysisResult, SANITY_CODES, type SanityFlag, withResultDefaults } from './index';

test('the sanity codes are declared once, in order', () => {
  assert.deepEqual([...SANITY_CODES], ['NEAR_CHANCE', 'ENDPOINT_MISMATCH', 'SINGLE_SEED']);
});

test('rows stored before sanity/dataset/note existed read as [] / null; stored values are kept', () => {
  const old = {
    kind: 'CKA',
    debiased: false,
    examples: 10,
    split: 'test',
    pairs: [],
  } as unknown as AnalysisResult;
  assert.deepEqual(withResultDefaults(old), { ...old, dataset: null, sanity: [] });
  const flag: SanityFlag = { code: 'NEAR_CHANCE', message: 'm', checkpointId: '4' };
  const now = { ...old, dataset: { id: '2', name: 'mnist' }, sanity: [flag] } as AnalysisResult;
  assert.deepEqual(withResultDefaults(now), now);
  const distance = { kind: 'PARAM_DISTANCE', pairs: [] } as unknown as AnalysisResult;
  assert.deepEqual(withResultDefaults(distance), { kind: 'PARAM_DISTANCE', pairs: [], sanity: [] });
  const sweep = {
    kind: 'BLOCK_SHUFFLE',
    datasetId: '2',
    pretrainCheckpointId: '3',
    seeds: [1],
    rows: [{ blockSize: 1, label: '1' }],
  } as unknown as AnalysisResult;
  const filled = withResultDefaults(sweep) as Extract<AnalysisResult, { kind: 'BLOCK_SHUFFLE' }>;
  assert.equal(filled.rows[0]!.note, null);
  assert.deepEqual(filled.sanity, []);
  assert.equal(withResultDefaults(null), null);
});
