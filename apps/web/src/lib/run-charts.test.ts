import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chartGroups, runChartData } from './run-charts';

test('keys group by what they measure, losses first', () => {
  assert.deepEqual(chartGroups(['train/acc', 'test/acc', 'train/loss', 'lr']), [
    { name: 'loss', keys: ['train/loss'] },
    { name: 'acc', keys: ['test/acc', 'train/acc'] },
    { name: 'lr', keys: ['lr'] },
  ]);
});

test('live points extend the fetched buckets; min/max follow them', () => {
  const series = [
    {
      key: 'train/loss',
      bucketWidth: 16,
      columns: {
        packed: Object.fromEntries(
          Object.entries({ step: [0, 10], last: [2, 1], min: [1.5, 0.9], max: [2.5, 9] }).map(([k, v]) => [
            k,
            Buffer.from(Float64Array.from(v).buffer).toString('base64'),
          ]),
        ) as Record<'step' | 'last' | 'min' | 'max', string>,
      },
    },
  ];
  const { x, ys } = runChartData(
    series,
    {
      'train/loss': [
        { step: 10, value: 7 },
        { step: 20, value: 0.8 },
      ],
    },
    ['train/loss'],
  );
  assert.deepEqual(x, [0, 10, 20]);
  assert.deepEqual(ys, [
    [2, 1, 0.8],
    [1.5, 0.9, 0.8],
    [2.5, 9, 0.8],
  ]);
});
