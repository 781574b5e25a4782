import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  alignBuckets,
  appendLive,
  bandOnBuckets,
  bucketOrder,
  joinOnX,
  meanStd,
  unpackColumn,
  unpackColumns,
} from './series';

test('joinOnX puts every series on the sorted union of x, with null gaps', () => {
  assert.deepEqual(
    joinOnX([
      { x: [0, 10, 20], y: [1, 2, 3] },
      { x: [5, 20], y: [7, 8] },
    ]),
    [
      [0, 5, 10, 20],
      [1, null, 2, 3],
      [null, 7, null, 8],
    ],
  );
});

test('alignBuckets keeps a run that skipped buckets aligned, and keeps min/max so spikes show', () => {
  const a = {
    bucketIndexes: [0, 1, 2],
    columns: { step: [9, 19, 29], last: [1, 2, 3], min: [0.5, 2, 3], max: [1, 50, 3] },
  };
  const b = { bucketIndexes: [0, 2], columns: { step: [8, 27], last: [4, 6], min: [4, 6], max: [4, 6] } };
  const out = alignBuckets([a, b]);
  assert.deepEqual(out.x, [9, 19, 29]);
  assert.deepEqual(out.last, [
    [1, 2, 3],
    [4, null, 6],
  ]);
  assert.deepEqual(out.max[0], [1, 50, 3], 'the one-step spike to 50 survives');
  assert.deepEqual(out.min[1], [4, null, 6]);
  assert.deepEqual(bucketOrder([a, b]), [0, 1, 2]);
});

test('bandOnBuckets places mean ± std on the bucket order and leaves missing buckets empty', () => {
  const band = bandOnBuckets(
    [
      { bucket: 0, step: 9, mean: 0.5, std: 0.1 },
      { bucket: 2, step: 29, mean: 0.8, std: 0 },
    ],
    [0, 1, 2],
  );
  assert.deepEqual(band.mean, [0.5, null, 0.8]);
  assert.deepEqual(band.lo, [0.4, null, 0.8]);
  assert.deepEqual(band.hi, [0.6, null, 0.8]);
});

test('meanStd is the sample standard deviation, computed independently: [2,4,4,4,5,5,7,9] → mean 5, s = √(32/7)', () => {
  const r = meanStd([2, 4, 4, 4, 5, 5, 7, 9, null, Number.NaN]);
  assert.equal(r?.mean, 5);
  assert.ok(Math.abs((r?.std ?? 0) - Math.sqrt(32 / 7)) < 1e-12);
  assert.deepEqual(meanStd([3]), { mean: 3, std: 0 });
  assert.equal(meanStd([]), null);
});

test('appendLive adds only points after the fetched series, in step order', () => {
  const out = appendLive({ x: [1, 2], y: [0.1, 0.2] }, [
    { step: 4, value: 0.4 },
    { step: 2, value: 9 },
    { step: 3, value: 0.3 },
  ]);
  assert.deepEqual(out, { x: [1, 2, 3, 4], y: [0.1, 0.2, 0.3, 0.4] });
});

test('unpackColumn reads the API’s packed float64 exactly, NaN and infinities included', () => {
  const xs = [
    0,
    1.5,
    -2.25,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    1e308,
    5e-324,
    2 ** 53,
  ];
  const b64 = Buffer.from(Float64Array.from(xs).buffer).toString('base64');
  assert.deepEqual(unpackColumn(b64), xs);
  assert.deepEqual(unpackColumn(''), []);
});

test('unpackColumns leaves out the __typename urql adds to a selection', () => {
  const b64 = Buffer.from(Float64Array.from([1, 2]).buffer).toString('base64');
  const packed = { step: b64, __typename: 'PackedColumns' } as { step: string };
  assert.deepEqual(unpackColumns(packed), { step: [1, 2] });
});
