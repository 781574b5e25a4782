import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  ingestMetrics,
  MetricInputError,
  RunNotHeldError,
  rawMetric,
  runMetricKeys,
  truncateMetricsAfter,
} from './metrics';
import { createTestDatabase, seedRuns, type TestDatabase } from './testing';

let db: TestDatabase;
let runs: string[];
before(async () => {
  db = await createTestDatabase();
  runs = await seedRuns(db.sql, 4);
});
after(() => db.close());

const series = (key: string, n: number, f: (s: number) => number) =>
  Array.from({ length: n }, (_, step) => ({ key, step, value: f(step) }));

describe('ingestMetrics', () => {
  test('stores points and is idempotent on (run, key, step)', async () => {
    const run = runs[0]!;
    const pts = series('train/loss', 500, (s) => 1 / (s + 1));
    assert.equal(await ingestMetrics(db.sql, run, pts), 500);
    assert.equal(await ingestMetrics(db.sql, run, pts), 0, 'same points again change nothing');
    const [{ n }] =
      (await db.sql`select count(*)::int as n from metric_points where run_id = ${run}`) as unknown as [
        { n: number },
      ];
    assert.equal(n, 500);
    // a resumed attempt re-logs step 10 with a new value: the newest wins, still one row
    assert.equal(await ingestMetrics(db.sql, run, [{ key: 'train/loss', step: 10, value: 42 }]), 1);
    const raw = await rawMetric(db.sql, run, 'train/loss', { from: 9, to: 11 });
    assert.deepEqual(raw, [
      { step: 9, value: 0.1 },
      { step: 10, value: 42 },
      { step: 11, value: 1 / 12 },
    ]);
    assert.deepEqual(await runMetricKeys(db.sql, run), [{ key: 'train/loss', minStep: 0, maxStep: 499 }]);
  });

  test('a repeated point inside one batch keeps the last value', async () => {
    const run = runs[1]!;
    await ingestMetrics(db.sql, run, [
      { key: 'k', step: 1, value: 1 },
      { key: 'k', step: 1, value: 2 },
    ]);
    assert.deepEqual(await rawMetric(db.sql, run, 'k'), [{ step: 1, value: 2 }]);
  });

  test('NaN and infinities are data, stored as such', async () => {
    const run = runs[1]!;
    await ingestMetrics(db.sql, run, [
      { key: 'div', step: 0, value: Number.NaN },
      { key: 'div', step: 1, value: Number.POSITIVE_INFINITY },
      { key: 'div', step: 2, value: Number.NEGATIVE_INFINITY },
    ]);
    const raw = await rawMetric(db.sql, run, 'div');
    assert.ok(Number.isNaN(raw[0]!.value));
    assert.equal(raw[1]!.value, Number.POSITIVE_INFINITY);
    assert.equal(raw[2]!.value, Number.NEGATIVE_INFINITY);
  });

  test('bad points are refused with the offending point named, and nothing is written', async () => {
    const run = runs[2]!;
    const bad = [
      { key: 'ok', step: 0, value: 1 },
      { key: 'ok', step: -1, value: 1 },
    ];
    await assert.rejects(ingestMetrics(db.sql, run, bad), (e: unknown) => {
      assert.ok(e instanceof MetricInputError);
      assert.match(e.message, /metric point 1 \(ok\): step must be a non-negative integer, got -1/);
      return true;
    });
    await assert.rejects(
      ingestMetrics(db.sql, run, [{ key: '', step: 0, value: 1 }]),
      /key must be a non-empty string/,
    );
    await assert.rejects(
      ingestMetrics(db.sql, run, [{ key: 'x', step: 1.5, value: 1 }]),
      /step must be a non-negative integer, got 1.5/,
    );
    assert.deepEqual(await rawMetric(db.sql, run, 'ok'), []);
    await assert.rejects(
      ingestMetrics(db.sql, '999999', [{ key: 'x', step: 0, value: 1 }]),
      /run 999999 does not exist/,
    );
  });

  test('a batch larger than one statement is all-or-nothing', async () => {
    const run = runs[2]!;
    const pts = series('big', 45_000, (s) => s);
    assert.equal(await ingestMetrics(db.sql, run, pts), 45_000);
    const raw = await rawMetric(db.sql, run, 'big', { from: 44_998 });
    assert.deepEqual(raw, [
      { step: 44_998, value: 44_998 },
      { step: 44_999, value: 44_999 },
    ]);
  });
});

test('truncateMetricsAfter drops a lost attempt and fixes the extent', async () => {
  const run = runs[1]!;
  await ingestMetrics(
    db.sql,
    run,
    series('t', 100, (s) => s),
  );
  assert.equal(await truncateMetricsAfter(db.sql, run, 49), 50 + 0);
  const keys = await runMetricKeys(db.sql, run);
  assert.deepEqual(
    keys.find((k) => k.key === 't'),
    { key: 't', minStep: 0, maxStep: 49 },
  );
  assert.equal((await rawMetric(db.sql, run, 't')).length, 50);
});

describe('fenced metric writes (heldBy)', () => {
  test('a writer that no longer holds the run writes nothing and is told so', async () => {
    const [run] = await seedRuns(db.sql, 1, 'fence-team');
    await db.sql`update runs set status = 'RUNNING', worker_id = 'runner-a' where id = ${run!}`;
    const pts = series('fenced', 10, (s) => s);
    assert.equal(await ingestMetrics(db.sql, run!, pts, { heldBy: 'runner-a' }), 10, 'the holder writes');
    // another runner took the run over (the first one was paused past its lease)
    await db.sql`update runs set worker_id = 'runner-b', attempt = attempt + 1 where id = ${run!}`;
    await assert.rejects(
      ingestMetrics(
        db.sql,
        run!,
        series('fenced', 20, () => -1),
        { heldBy: 'runner-a' },
      ),
      (e: unknown) => {
        assert.ok(e instanceof RunNotHeldError);
        assert.match(e.message, new RegExp(`run ${run} is not RUNNING under runner-a`));
        return true;
      },
    );
    const raw = await rawMetric(db.sql, run!, 'fenced');
    assert.deepEqual(
      raw.map((p) => p.value),
      Array.from({ length: 10 }, (_, s) => s),
      'the old owner overwrote nothing and added nothing',
    );
    // a run that ended is not written either, even by its last holder
    await db.sql`update runs set status = 'SUCCEEDED' where id = ${run!}`;
    await assert.rejects(ingestMetrics(db.sql, run!, pts, { heldBy: 'runner-b' }), RunNotHeldError);
  });
});
