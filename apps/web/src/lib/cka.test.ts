import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagonalCka } from './cka';

const ref = (label: string) => ({ checkpointId: '1', runId: null, label });

test('CKA of a pair: the mean over modules both models share, matched by name', () => {
  const pair = {
    a: ref('a'),
    b: ref('b'),
    pairType: 'PT_PT' as const,
    modulesA: ['conv1', 'fc', 'extra'],
    modulesB: ['fc', 'conv1'],
    values: [
      [0.2, 0.9],
      [0.7, 0.1],
      [0.5, 0.5],
    ],
  };
  assert.equal(diagonalCka(pair), (0.9 + 0.7) / 2);
  assert.equal(diagonalCka({ ...pair, modulesB: ['other'] }), null);
});
