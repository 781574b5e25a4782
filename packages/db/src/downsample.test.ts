import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Sql } from './connect';
import {
  bucketLevel,
  bucketsOf,
  coverRange,
  downsampleMetric,
  downsampleMetrics,
  type MetricBucket,
  readFloat8Array,
  topLevel,
} from './downsample';
import { ingestMetrics, type MetricPoint, SUMMARY_BASE_LEVEL, truncateMetricsAfter } from './metrics';
import { createTestDatabase, seedRuns, type TestDatabase } from './testing';

let db: TestDatabase;
let runs: string[];
before(async () => {
  db = await createTestDatabase();
  runs = await seedRuns(db.sql, 12);
});
after(() => db.close());

const series = (key: string, n: number, f: (s: number) => number): MetricPoint[] =>
  Array.from({ length: n }, (_, step) => ({ key, step, value: f(step) }));

/** A small seeded generator (mulberry32), so a failing case can be replayed. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The reference: the same aligned buckets aggregated straight from the raw points, in PostgreSQL (what
 * downsampling cost before the summaries, per point).
 */
async function rawAggregate(
  sql: Sql,
  runIds: string[],
  key: string,
  lo: number,
  hi: number,
  width: number,
): Promise<Map<string, MetricBucket[]>> {
  const level = Math.log2(width);
  const rows = await sql<
    { run_id: string; s0: string; s1: string; vmin: number; vmax: number; n: string; last: number }[]
  >`
    select run_id, min(step) as s0, max(step) as s1, min(value) as vmin, max(value) as vmax, count(*) as n,
           (array_agg(value order by step desc))[1] as last
    from (select run_id, step, value, step >> ${level} as bucket from metric_points
          where run_id = any(${sql.array(runIds)}::bigint[])
            and key_id = (select id from metric_keys where name = ${key}) and step between ${lo} and ${hi}) p
    group by run_id, bucket
    order by run_id, bucket`;
  const out = new Map<string, MetricBucket[]>(runIds.map((r) => [r, []]));
  for (const r of rows)
    out.get(r.run_id)!.push({
      step: Number(r.s1),
      stepMin: Number(r.s0),
      stepMax: Number(r.s1),
      min: r.vmin,
      max: r.vmax,
      last: r.last,
      count: Number(r.n),
    });
  return out;
}

/**
 * Rows of metric_summaries that differ from an aggregate of their block's points, plus blocks that should exist
 * (levels 4…top of each series, every block holding a point) and do not, or exist and should not.
 */
async function summaryMismatches(sql: Sql, run: string): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    with expected as (
      select p.run_id, p.key_id, l.level, p.step >> l.level as block, min(p.step) as s0, max(p.step) as s1,
             min(p.value) as vmin, max(p.value) as vmax, count(*) as n,
             (array_agg(p.value order by p.step desc))[1] as last
      from metric_points p
      join run_metric_keys r on r.run_id = p.run_id and r.key_id = p.key_id
      join generate_series(4, 62, 2) as l(level) on l.level = 4 or (r.max_step >> (l.level - 2)) > 0
      where p.run_id = ${run}::bigint
      group by 1, 2, 3, 4
    ), actual as (select * from metric_summaries where run_id = ${run}::bigint)
    select count(*)::int as n
    from expected e full join actual a
      on a.run_id = e.run_id and a.key_id = e.key_id and a.level = e.level and a.block = e.block
    where e.run_id is null or a.run_id is null
       or (e.s0, e.s1, e.vmin, e.vmax, e.n, e.last) is distinct from (a.s0, a.s1, a.vmin, a.vmax, a.n, a.last)`;
  return row!.n;
}

/** Bucket-by-bucket equality, NaN equal to NaN (as in PostgreSQL). */
function assertSameBuckets(actual: MetricBucket[], expected: MetricBucket[], label: string) {
  assert.equal(actual.length, expected.length, `${label}: bucket count`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    for (const f of ['step', 'stepMin', 'stepMax', 'count', 'min', 'max', 'last'] as const) {
      if (Number.isNaN(e[f]) && Number.isNaN(a[f])) continue;
      assert.equal(a[f], e[f], `${label}: bucket ${i} (${e.stepMin}…${e.stepMax}) ${f}`);
    }
  }
}

describe('bucket levels and covers (pure)', () => {
  test('the level is the smallest power of two giving at most the asked buckets', () => {
    assert.equal(bucketLevel(0, 9, 1000), 0);
    assert.equal(bucketLevel(0, 99_999, 1000), 7); // 782 buckets of 128
    assert.equal(bucketLevel(0, 999_999, 1000), 10); // 977 buckets of 1024
    assert.equal(bucketLevel(5, 5, 1), 0);
    assert.equal(bucketLevel(0, 2 ** 40, 1), 41);
    // an unaligned window may need one more bucket than its width suggests
    assert.equal(bucketLevel(127, 256, 2), 8);
    for (const [lo, hi, b] of [
      [3, 1000, 7],
      [12_345, 987_654, 333],
      [0, 1, 1],
    ] as const) {
      const l = bucketLevel(lo, hi, b);
      const count = (lv: number) => Math.floor(hi / 2 ** lv) - Math.floor(lo / 2 ** lv) + 1;
      assert.ok(count(l) <= b && (l === 0 || count(l - 1) > b), `${lo}…${hi} in ${b}`);
    }
  });

  test('top level: the first stored (even) level whose block 0 holds the last step', () => {
    assert.equal(topLevel(0), 4);
    assert.equal(topLevel(15), 4);
    assert.equal(topLevel(16), 6);
    assert.equal(topLevel(63), 6);
    assert.equal(topLevel(64), 8);
    assert.equal(topLevel(99_999), 18);
    assert.equal(topLevel(2 ** 50), 52);
  });

  test('coverRange covers exactly, with aligned blocks and short raw ends', () => {
    const r = rng(7);
    for (let i = 0; i < 2000; i++) {
      const level = Math.floor(r() * 14);
      const a = Math.floor(r() * 100_000);
      const b = a + Math.floor(r() * 2 ** level);
      const pieces = coverRange(a, b, level);
      let x = a;
      for (const p of pieces) {
        const [from, to] =
          'block' in p ? [p.block * 2 ** p.level, (p.block + 1) * 2 ** p.level - 1] : [p.from, p.to];
        assert.equal(from, x, 'contiguous');
        if ('block' in p)
          assert.ok(
            p.level >= SUMMARY_BASE_LEVEL && p.level <= level && p.level % 2 === 0,
            `level ${p.level}`,
          );
        else assert.ok(to - from + 1 < 2 * 2 ** SUMMARY_BASE_LEVEL, `raw ${from}…${to}`);
        x = to + 1;
      }
      assert.equal(x, b + 1, 'ends at b');
      const stored = level < SUMMARY_BASE_LEVEL ? 0 : Math.floor((level - SUMMARY_BASE_LEVEL) / 2) + 1;
      assert.ok(pieces.filter((p) => 'block' in p).length <= 6 * stored);
    }
  });
});

test('readFloat8Array reads array_send of float8[] exactly, non-finite values and all', async () => {
  const xs = [
    1.5,
    Number.NaN,
    Number.NEGATIVE_INFINITY,
    Number.POSITIVE_INFINITY,
    1e308,
    5e-324,
    -2.25,
    123456789.123,
  ];
  const [row] = await db.sql<{ a: Buffer; e: Buffer | null }[]>`
    select array_send(${db.sql.array(xs.map(String))}::float8[]) as a, array_send('{}'::float8[]) as e`;
  assert.deepEqual([...readFloat8Array(row!.a)], xs);
  assert.equal(readFloat8Array(row!.e).length, 0);
  assert.equal(readFloat8Array(null).length, 0);
});

describe('downsampling keeps spikes', () => {
  test('a one-step spike survives 100,000 points → at most 1,000 buckets', async () => {
    const run = runs[0]!;
    const n = 100_000;
    const spikeAt = 61_237;
    const dipAt = 7_001;
    await ingestMetrics(
      db.sql,
      run,
      series('train/loss', n, (s) => (s === spikeAt ? 1e6 : s === dipAt ? -1e6 : Math.sin(s / 1000))),
    );
    const out = await downsampleMetrics(db.sql, [run], 'train/loss');
    const buckets = bucketsOf(out.runs.get(run)!);
    assert.equal(out.width, 128, '100,000 steps in 1,000 buckets: 128 steps each');
    assert.equal(buckets.length, 782);
    assert.equal(
      buckets.reduce((a, b) => a + b.count, 0),
      n,
      'every point falls in one bucket',
    );
    const spike = buckets.find((b) => b.stepMin <= spikeAt && spikeAt <= b.stepMax)!;
    assert.equal(spike.max, 1e6, 'the spike is the max of its bucket');
    const dip = buckets.find((b) => b.stepMin <= dipAt && dipAt <= b.stepMax)!;
    assert.equal(dip.min, -1e6, 'the dip is the min of its bucket');
    const lastBucket = buckets.at(-1)!;
    assert.equal(lastBucket.step, n - 1);
    assert.equal(lastBucket.last, Math.sin((n - 1) / 1000), 'last is the value at the bucket’s last step');
    for (let i = 0; i < buckets.length; i++) {
      assert.equal(buckets[i]!.stepMin, i * 128, 'aligned buckets');
      if (i > 0) assert.ok(buckets[i]!.stepMin > buckets[i - 1]!.stepMax, 'buckets in order');
    }
    assert.equal(await summaryMismatches(db.sql, run), 0);
  });

  test('fewer points than buckets come back one per bucket, exactly', async () => {
    const run = runs[1]!;
    await ingestMetrics(
      db.sql,
      run,
      series('train/loss', 500, (s) => 1 / (s + 1)),
    );
    const b = await downsampleMetric(db.sql, run, 'train/loss', { buckets: 1000, from: 0, to: 9 });
    assert.equal(b.length, 10);
    assert.deepEqual(
      b.map((x) => [x.step, x.min, x.max, x.last, x.count]),
      Array.from({ length: 10 }, (_, s) => [s, 1 / (s + 1), 1 / (s + 1), 1 / (s + 1), 1]),
    );
  });

  test('several runs share the same bucket edges', async () => {
    const [a, b] = [runs[1]!, runs[0]!];
    const out = await downsampleMetrics(db.sql, [a, b, '424242'], 'train/loss', { buckets: 50 });
    // common extent 0…99,999 → 49 buckets of 2,048 steps; run a (500 points) fills only the first
    assert.equal(out.width, 2048);
    assert.equal(bucketsOf(out.runs.get(a)!).length, 1);
    assert.equal(bucketsOf(out.runs.get(a)!)[0]!.count, 500);
    assert.equal(bucketsOf(out.runs.get(b)!).length, 49);
    assert.equal(bucketsOf(out.runs.get(b)!)[0]!.stepMax, 2047);
    assert.deepEqual(bucketsOf(out.runs.get('424242')!), [], 'an unknown run has no buckets');
  });

  test('a window re-queried at full resolution (zoom) and one cutting buckets at both edges', async () => {
    const run = runs[0]!;
    const zoom = await downsampleMetric(db.sql, run, 'train/loss', {
      from: 61_000,
      to: 61_499,
      buckets: 1000,
    });
    assert.equal(zoom.length, 500, 'every point of the window, one per bucket');
    assert.equal(zoom.find((b) => b.step === 61_237)!.max, 1e6);
    const cut = await downsampleMetrics(db.sql, [run], 'train/loss', {
      from: 1_000,
      to: 98_765,
      buckets: 100,
    });
    const ref = await rawAggregate(db.sql, [run], 'train/loss', 1_000, 98_765, cut.width);
    assertSameBuckets(bucketsOf(cut.runs.get(run)!), ref.get(run)!, 'cut window');
    assert.equal(bucketsOf(cut.runs.get(run)!)[0]!.stepMin, 1_000, 'the first bucket starts at from');
    assert.equal(bucketsOf(cut.runs.get(run)!).at(-1)!.stepMax, 98_765, 'the last bucket ends at to');
  });

  test('bad bucket counts and ranges are refused', async () => {
    await assert.rejects(
      downsampleMetric(db.sql, runs[0]!, 'train/loss', { buckets: 0 }),
      /buckets must be an integer from 1 to 100,000, got 0/,
    );
    await assert.rejects(
      downsampleMetric(db.sql, runs[0]!, 'train/loss', { from: 10, to: 5 }),
      /from \(10\) is after to \(5\)/,
    );
    await assert.rejects(
      downsampleMetric(db.sql, runs[0]!, 'train/loss', { from: -1 }),
      /from must be a non-negative integer step, got -1/,
    );
  });
});

describe('summaries stay equal to the points', () => {
  test('out of order, duplicates, overwrites, NaN and ±Infinity, late steps and truncation', async () => {
    const run = runs[2]!;
    const r = rng(42);
    const value = () => {
      const u = r();
      return u < 0.02
        ? Number.NaN
        : u < 0.03
          ? Number.POSITIVE_INFINITY
          : u < 0.04
            ? Number.NEGATIVE_INFINITY
            : r() * 10 - 5;
    };
    const steps = Array.from({ length: 3000 }, () => Math.floor(r() * 5000));
    // shuffled batches of mixed keys, with repeats inside and across batches
    for (let i = 0; i < steps.length; i += 250) {
      const batch = steps.slice(i, i + 250).flatMap((s) => [
        { key: 'a', step: s, value: value() },
        { key: 'b', step: s * 3 + 1, value: value() },
      ]);
      await ingestMetrics(db.sql, run, batch);
      assert.equal(await summaryMismatches(db.sql, run), 0, `after batch ${i / 250}`);
    }
    // the same steps again with new values (a resumed attempt), then one far step: new top levels
    await ingestMetrics(
      db.sql,
      run,
      steps.slice(0, 400).map((s) => ({ key: 'a', step: s, value: value() })),
    );
    await ingestMetrics(db.sql, run, [{ key: 'a', step: 1_000_003, value: -7 }]);
    assert.equal(await summaryMismatches(db.sql, run), 0, 'after re-sends and a far step');
    // a resumed run drops what followed its checkpoint
    await truncateMetricsAfter(db.sql, run, 2_345);
    assert.equal(await summaryMismatches(db.sql, run), 0, 'after truncation');
    // and grows again: the levels that truncation removed come back right
    await ingestMetrics(
      db.sql,
      run,
      [3, 2_400, 70_000].map((s) => ({ key: 'a', step: s, value: value() })),
    );
    assert.equal(await summaryMismatches(db.sql, run), 0, 'after growing again');
    await truncateMetricsAfter(db.sql, run, 0);
    assert.equal(await summaryMismatches(db.sql, run), 0, 'after truncating nearly everything');
  });

  test('a run logging onward in small batches, through many new top levels', async () => {
    const run = runs[10]!;
    // 'dense' gains a step at a time; 'sparse' doubles its step each batch, reaching a new top level every other
    for (let i = 0; i < 40; i++) {
      const dense = Array.from({ length: 7 }, (_, j) => ({
        key: 'dense',
        step: i * 7 + j,
        value: Math.cos(i + j),
      }));
      await ingestMetrics(db.sql, run, [
        ...dense,
        { key: 'sparse', step: 2 ** i + 3, value: i % 5 === 0 ? Number.NaN : i },
      ]);
      if (i % 8 === 7 || i > 30) assert.equal(await summaryMismatches(db.sql, run), 0, `after batch ${i}`);
    }
  });

  test('a re-send that changes nothing writes no summary', async () => {
    const run = runs[3]!;
    const pts = series('same', 1000, (s) => s);
    await ingestMetrics(db.sql, run, pts);
    const [before] = await db.sql<{ x: string }[]>`
      select max(xmin::text::bigint)::text as x from metric_summaries where run_id = ${run}`;
    await ingestMetrics(db.sql, run, pts);
    const [afterSend] = await db.sql<{ x: string }[]>`
      select max(xmin::text::bigint)::text as x from metric_summaries where run_id = ${run}`;
    assert.equal(afterSend!.x, before!.x);
  });
});

describe('downsampling equals the raw aggregate (property)', () => {
  test('random series, windows and bucket counts, several runs at once', async () => {
    const r = rng(20261207);
    const mine = runs.slice(4, 10);
    const key = 'prop/loss';
    // runs of different lengths, densities and offsets; one has no points of this key
    for (let i = 0; i < mine.length - 1; i++) {
      const n = [1, 37, 700, 4000, 9000][i % 5]!;
      const spread = [1, 1, 3, 17, 250][i]!;
      const offset = Math.floor(r() * 1000);
      const pts: MetricPoint[] = [];
      for (let j = 0; j < n; j++) {
        const u = r();
        pts.push({
          key,
          step: offset + Math.floor(j * spread + r() * spread),
          value: u < 0.01 ? Number.NaN : u < 0.015 ? Number.POSITIVE_INFINITY : Math.sin(j) * (1 + r()),
        });
      }
      // ingested in shuffled batches
      for (let j = pts.length - 1; j > 0; j--) {
        const k = Math.floor(r() * (j + 1));
        [pts[j], pts[k]] = [pts[k]!, pts[j]!];
      }
      for (let j = 0; j < pts.length; j += 1500)
        await ingestMetrics(db.sql, mine[i]!, pts.slice(j, j + 1500));
    }
    const [ext] = await db.sql<{ lo: string; hi: string }[]>`
      select min(min_step) as lo, max(max_step) as hi from run_metric_keys
      where run_id = any(${db.sql.array(mine)}::bigint[])`;
    const lo = Number(ext!.lo);
    const hi = Number(ext!.hi);
    for (let q = 0; q < 60; q++) {
      const buckets = [1, 2, 3, 7, 10, 64, 100, 333, 1000, 5000][Math.floor(r() * 10)]!;
      const kind = r();
      const from = kind < 0.3 ? undefined : lo + Math.floor(r() * (hi - lo));
      const to = kind < 0.5 ? undefined : Math.max(from ?? lo, lo + Math.floor(r() * (hi - lo + 500)));
      const subset = mine.filter(() => r() < 0.7);
      const opts = { buckets, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
      const got = await downsampleMetrics(db.sql, subset, key, opts);
      if (got.from === null) {
        assert.ok(
          subset.length === 0 || subset.every((s) => s === mine.at(-1)),
          'empty only without the key',
        );
        continue;
      }
      const count = Math.floor(got.to! / got.width) - Math.floor(got.from / got.width) + 1;
      assert.ok(count <= buckets, `at most ${buckets} buckets`);
      const ref = await rawAggregate(db.sql, subset, key, got.from, got.to!, got.width);
      for (const run of subset)
        assertSameBuckets(
          bucketsOf(got.runs.get(run)!),
          ref.get(run)!,
          `query ${q} ${JSON.stringify(opts)} run ${run}`,
        );
    }
    for (const run of mine) assert.equal(await summaryMismatches(db.sql, run), 0);
  });
});
