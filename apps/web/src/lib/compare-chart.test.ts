import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CompareData, compareChart } from './compare-chart';

/** Columns packed as the API packs them (`MetricColumns.packed`: base64 of little-endian float64). */
const packed = <K extends string>(c: Record<K, number[]>) => ({
  packed: Object.fromEntries(
    Object.entries<number[]>(c).map(([k, v]) => [
      k,
      Buffer.from(Float64Array.from(v).buffer).toString('base64'),
    ]),
  ) as Record<K, string>,
});

const run = (id: string, name: string) => ({
  id,
  name,
  init: 'PRETRAINED' as const,
  blockLabel: 'none',
  seed: 0,
  study: null,
});
const cmp: CompareData['compareRuns'] = {
  key: 'train/loss',
  from: null,
  to: null,
  buckets: 2,
  bucketWidth: 16,
  series: [
    {
      run: run('1', 'a'),
      bucketIndexes: [0, 1],
      columns: packed({ step: [9, 19], last: [2, 1], min: [1.5, 0.5], max: [2.5, 9] }),
    },
    {
      run: run('2', 'b'),
      bucketIndexes: [1],
      columns: packed({ step: [19], last: [3], min: [3], max: [3] }),
    },
  ],
  groups: [
    {
      key: 'INIT=PRETRAINED',
      runs: [{ id: '1' }, { id: '2' }],
      band: [
        { bucket: 0, step: 9, mean: 2, std: 0, min: 2, max: 2, n: 1 },
        { bucket: 1, step: 19, mean: 2, std: 1, min: 1, max: 3, n: 2 },
      ],
    },
  ],
};

test('nothing to draw: no data or no series', () => {
  assert.equal(compareChart(undefined, { group: [], spikes: true }), null);
  assert.equal(compareChart({ ...cmp, series: [] }, { group: [], spikes: true }), null);
});

test('per run: the last value per bucket, aligned on steps, with min–max bands when spikes are on', () => {
  const c = compareChart(cmp, { group: [], spikes: true })!;
  assert.deepEqual(c.x, [9, 19]);
  assert.deepEqual(
    c.series.map((s) => s.label),
    ['a', 'a min', 'a max', 'b', 'b min', 'b max'],
  );
  assert.deepEqual(c.ys[0], [2, 1]);
  assert.deepEqual(c.ys[2], [2.5, 9], 'the spike to 9 is drawn');
  assert.deepEqual(c.ys[3], [null, 3], 'b has no first bucket');
  assert.deepEqual(c.bands, [
    { upper: 2, lower: 1, color: c.series[0]!.color },
    { upper: 5, lower: 4, color: c.series[3]!.color },
  ]);
  assert.equal(
    c.csv().split('\r\n')[0],
    'step,a last,a min,a max,b last,b min,b max',
    'CSV rows end in CRLF',
  );
  const off = compareChart(cmp, { group: [], spikes: false })!;
  assert.deepEqual(
    off.series.map((s) => s.label),
    ['a', 'b'],
  );
  assert.deepEqual(off.bands, []);
});

test('grouped: each group as mean with a ±std band', () => {
  const c = compareChart(cmp, { group: ['INIT'], spikes: true })!;
  assert.equal(c.series.length, 3);
  assert.match(c.series[0]!.label, /\(n=2\) mean$/);
  assert.deepEqual(c.ys, [
    [2, 2],
    [2, 1],
    [2, 3],
  ]);
  assert.deepEqual(c.bands, [{ upper: 2, lower: 1, color: c.series[0]!.color }]);
});

test('a diverged run (NaN, ±Infinity) draws gaps, not a broken scale', () => {
  const diverged: CompareData['compareRuns'] = {
    ...cmp,
    series: [
      {
        run: run('3', 'c'),
        bucketIndexes: [0, 1],
        columns: packed({
          step: [9, 19],
          last: [0.5, Number.NaN],
          min: [0.25, Number.NEGATIVE_INFINITY],
          max: [1, Number.POSITIVE_INFINITY],
        }),
      },
    ],
    groups: [],
  };
  const c = compareChart(diverged, { group: [], spikes: true })!;
  const ys = c.ys.map((y) => [...y]);
  assert.ok(
    ys.flat().every((v) => v === null || Number.isFinite(v)),
    'every drawn value is finite or a gap',
  );
  assert.ok(
    ys.some((y) => y[0] === 0.5 && y[1] === null),
    'the line breaks where the run diverged',
  );
});
