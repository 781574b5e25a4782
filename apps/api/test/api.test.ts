import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createRuns, ingestMetrics, type TestDatabase } from '@basin/db';
import postgres from 'postgres';
import type { App } from '../src/app';
import { createApp } from '../src/app';
import {
  BLOBS,
  DATA_ROOT,
  type GqlResponse,
  gql,
  HASH,
  seedTeam,
  startWorld,
  type TeamWorld,
} from './fixtures';

let db: TestDatabase;
let app: App;
let a: TeamWorld;
let b: TeamWorld;

before(async () => {
  ({ db, app, a, b } = await startWorld());
});
after(async () => {
  await app.stop();
  await db.close();
});

const as =
  (w: TeamWorld) =>
  (query: string, variables: Record<string, unknown> = {}) =>
    gql(app.url, query, variables, w.token);
const code = (r: GqlResponse) => r.errors?.[0]?.extensions?.code;
const noStack = (r: GqlResponse) => assert.ok(!JSON.stringify(r).includes('stacktrace'), 'no stack trace');
const count = async (table: string) =>
  Number((await db.sql.unsafe(`select count(*) as n from ${table}`))[0]!.n);

describe('HTTP basics and auth', () => {
  test('GET /healthz checks the database', async () => {
    const res = await fetch(app.url.replace('/graphql', '/healthz'));
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok', database: 'ok' });
  });

  test('GET /healthz is 503 when the database is unreachable', async () => {
    const pool = postgres(db.url, { max: 1, prepare: false, onnotice: () => {} });
    const down = createApp({ sql: pool as never, auth: { mode: 'token' }, port: 0, host: '127.0.0.1' });
    await down.start();
    try {
      await pool.end({ timeout: 1 });
      const res = await fetch(down.url.replace('/graphql', '/healthz'));
      assert.equal(res.status, 503);
      assert.deepEqual(await res.json(), { status: 'error', database: 'unreachable' });
    } finally {
      await down.stop();
    }
  });

  test('a missing, malformed or unknown token is UNAUTHENTICATED (401), never a 500', async () => {
    for (const auth of [undefined, 'nonsense', 'basin_wrong']) {
      const res = await fetch(app.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(auth ? { authorization: auth === 'nonsense' ? auth : `Bearer ${auth}` } : {}),
        },
        body: JSON.stringify({ query: '{ studies { id } }' }),
      });
      const body = (await res.json()) as GqlResponse;
      assert.equal(res.status, 401, JSON.stringify(body));
      assert.equal(code(body), 'UNAUTHENTICATED');
      noStack(body);
    }
  });

  test('a body that is not JSON is BAD_USER_INPUT (400)', async () => {
    const res = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{x',
    });
    assert.equal(res.status, 400);
    const body = (await res.json()) as GqlResponse;
    assert.equal(code(body), 'BAD_USER_INPUT');
  });

  test('malformed queries and unknown fields carry graphql codes', async () => {
    const parseErr = await as(a)('{ studies { id ');
    assert.equal(code(parseErr), 'GRAPHQL_PARSE_FAILED');
    const invalid = await as(a)('{ studies { nope } }');
    assert.equal(code(invalid), 'GRAPHQL_VALIDATION_FAILED');
    noStack(invalid);
  });
});

describe('team scoping', () => {
  test("another team's ids are NOT_FOUND, and its runs never appear in lists", async () => {
    for (const [q, id] of [
      ['query($id: ID!) { run(id: $id) { id } }', a.ptRunId],
      ['query($id: ID!) { study(id: $id) { id } }', a.studyId],
      ['query($id: ID!) { checkpoint(id: $id) { id } }', a.ptCheckpointId],
      ['query($id: ID!) { analysis(id: $id) { id } }', a.ckaAnalysisId],
    ] as const) {
      const r = await as(b)(q, { id });
      assert.equal(code(r), 'NOT_FOUND', q);
      assert.match(r.errors![0]!.message, /not found/);
    }
    const mine = await as(b)('{ runs(first: 100) { edges { node { id } } totalCount } }');
    const ids = mine.data!.runs.edges.map((e: { node: { id: string } }) => e.node.id);
    assert.ok(!ids.includes(a.ptRunId) && ids.includes(b.ptRunId));
    const cmp = await as(b)('query($ids: [ID!]!) { compareRuns(runIds: $ids, key: "train/loss") { key } }', {
      ids: [b.ptRunId, a.ptRunId],
    });
    assert.equal(code(cmp), 'NOT_FOUND');
  });

  test("B cannot start work from A's checkpoint; nothing is written", async () => {
    const runsBefore = await count('runs');
    const r = await as(b)(`mutation($in: StartFineTuneInput!) { startFineTune(input: $in) { id } }`, {
      in: { datasetId: b.datasetId, init: 'PRETRAINED', initCheckpointId: a.ptCheckpointId },
    });
    assert.equal(code(r), 'NOT_FOUND');
    assert.equal(await count('runs'), runsBefore);
  });
});

describe('queries', () => {
  test('studies and a study with its runs, run count and analyses', async () => {
    const r = await as(a)(
      `query($id: ID!) { studies { id name } study(id: $id) { name runCount analyses { id kind status }
        runs(first: 10, filter: { kind: FINETUNE }) { totalCount edges { node { name } } } } }`,
      { id: a.studyId },
    );
    assert.equal(r.errors, undefined);
    assert.deepEqual(
      r.data!.studies.map((s: { id: string }) => s.id),
      [a.studyId],
    );
    assert.equal(r.data!.study.runCount, 3);
    assert.equal(r.data!.study.runs.totalCount, 2);
    assert.deepEqual(r.data!.study.analyses, [{ id: a.ckaAnalysisId, kind: 'CKA', status: 'SUCCEEDED' }]);
  });

  test('runs: Relay pages, filters, page-size limit, bad cursors', async () => {
    const page1 = await as(a)(
      '{ runs(first: 2, order: OLDEST_FIRST) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }',
    );
    assert.deepEqual(
      page1.data!.runs.edges.map((e: { node: { id: string } }) => e.node.id),
      [a.pretrainRunId, a.ptRunId],
    );
    assert.equal(page1.data!.runs.pageInfo.hasNextPage, true);
    const page2 = await as(a)(
      'query($c: String) { runs(first: 2, after: $c, order: OLDEST_FIRST) { edges { node { id } } pageInfo { hasNextPage } } }',
      {
        c: page1.data!.runs.pageInfo.endCursor,
      },
    );
    assert.deepEqual(
      page2.data!.runs.edges.map((e: { node: { id: string } }) => e.node.id),
      [a.ritRunId],
    );
    assert.equal(page2.data!.runs.pageInfo.hasNextPage, false);

    const filtered = await as(a)(
      '{ runs(filter: { init: PRETRAINED, blockSize: 4, statuses: [QUEUED], seed: 1 }) { edges { node { id blockLabel } } } }',
    );
    assert.deepEqual(filtered.data!.runs.edges, [{ node: { id: a.ptRunId, blockLabel: '4' } }]);
    const unshuffled = await as(a)('{ runs(filter: { unshuffled: true }) { edges { node { id } } } }');
    assert.deepEqual(unshuffled.data!.runs.edges, [{ node: { id: a.pretrainRunId } }]);

    const big = await as(a)('{ runs(first: 500) { edges { node { id } } } }');
    assert.equal(code(big), 'BAD_USER_INPUT');
    assert.match(big.errors![0]!.message, /first: expected a page size from 1 to 100, got 500/);
    const cursor = await as(a)('{ runs(after: "garbage") { edges { node { id } } } }');
    assert.equal(code(cursor), 'BAD_USER_INPUT');
    const badId = await as(a)('{ run(id: "12abc") { id } }');
    assert.equal(code(badId), 'BAD_USER_INPUT');
  });

  test('checkpoint lineage both ways', async () => {
    const last = a.pretrainCheckpointIds.at(-1)!;
    const down = await as(a)(
      `query($id: ID!) { checkpoint(id: $id) { epoch parent { id } run { id kind checkpoints { epoch } }
        children { id run { id } } runsStartedFrom { id init } model { name } } }`,
      { id: last },
    );
    assert.equal(down.errors, undefined);
    const c = down.data!.checkpoint;
    assert.equal(c.parent, null);
    assert.equal(c.run.id, a.pretrainRunId);
    assert.deepEqual(
      c.run.checkpoints.map((x: { epoch: number }) => x.epoch),
      [1, 2, 3],
    );
    assert.deepEqual(c.children, [{ id: a.ptCheckpointId, run: { id: a.ptRunId } }]);
    assert.deepEqual(c.runsStartedFrom, [{ id: a.ptRunId, init: 'PRETRAINED' }]);
    const up = await as(a)(
      `query($id: ID!) { checkpoint(id: $id) { parent { id } ancestors { id } analyses { id kind }
        run { initCheckpoint { id run { kind } } } } }`,
      { id: a.ptCheckpointId },
    );
    assert.deepEqual(up.data!.checkpoint.parent, { id: last });
    assert.deepEqual(up.data!.checkpoint.ancestors, [{ id: last }]);
    assert.deepEqual(up.data!.checkpoint.analyses, [{ id: a.ckaAnalysisId, kind: 'CKA' }]);
    assert.equal(up.data!.checkpoint.run.initCheckpoint.run.kind, 'PRETRAIN');
  });

  test('run metrics: min/max/last buckets keep a one-step spike; raw points in a step range', async () => {
    const r = await as(a)(
      `query($id: ID!) { run(id: $id) { metricKeys { key maxStep }
        metrics(keys: ["train/loss"], buckets: 10) { key bucketWidth buckets { stepMin stepMax min max last count } }
        all: metrics(buckets: 2) { key }
        rawMetric(key: "train/loss", from: 499, to: 501) { step value } } }`,
      { id: a.ptRunId },
    );
    assert.equal(r.errors, undefined);
    const run = r.data!.run;
    assert.deepEqual(run.metricKeys, [
      { key: 'test/acc', maxStep: 900 },
      { key: 'train/loss', maxStep: 999 },
    ]);
    // steps 0…999 in at most 10 aligned buckets: 8 of 128 steps (the spike at 500 is in 384…511)
    const buckets = run.metrics[0].buckets;
    assert.equal(run.metrics[0].bucketWidth, 128);
    assert.equal(buckets.length, 8);
    assert.deepEqual([buckets[3].stepMin, buckets[3].stepMax], [384, 511]);
    assert.equal(buckets[3].max, 99, 'the spike at step 500 survives downsampling');
    assert.equal(buckets[3].count, 128);
    assert.deepEqual(
      run.all.map((s: { key: string }) => s.key),
      ['test/acc', 'train/loss'],
    );
    assert.deepEqual(
      run.rawMetric.map((p: { step: number }) => p.step),
      [499, 500, 501],
    );
    assert.equal(run.rawMetric[1].value, 99);
    const bad = await as(a)('query($id: ID!) { run(id: $id) { metrics(buckets: 0) { key } } }', {
      id: a.ptRunId,
    });
    assert.equal(code(bad), 'BAD_USER_INPUT');
  });

  test('a diverged series (NaN, ±Infinity) is data: it comes back as strings instead of failing the query', async () => {
    await ingestMetrics(db.sql, a.ritRunId, [
      { key: 'train/diverged', step: 0, value: 1.5 },
      { key: 'train/diverged', step: 1, value: Number.POSITIVE_INFINITY },
      { key: 'train/diverged', step: 2, value: Number.NaN },
      { key: 'train/diverged', step: 40, value: Number.NEGATIVE_INFINITY },
    ]);
    const r = await as(a)(
      `query($id: ID!) { run(id: $id) {
        metrics(keys: ["train/diverged"], buckets: 100) {
          columns { step min max last packed { step min } } buckets { min max last } }
        coarse: metrics(keys: ["train/diverged"], buckets: 1) { columns { step min max last count } }
        rawMetric(key: "train/diverged") { step value } } }`,
      { id: a.ritRunId },
    );
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const run = r.data!.run;
    const { packed, ...columns } = run.metrics[0].columns;
    assert.deepEqual(columns, {
      step: [0, 1, 2, 40],
      min: [1.5, 'Infinity', 'NaN', '-Infinity'],
      max: [1.5, 'Infinity', 'NaN', '-Infinity'],
      last: [1.5, 'Infinity', 'NaN', '-Infinity'],
    });
    // the packed form the dashboard reads: the same values as float64, NaN and infinities as IEEE-754 has them
    const unpack = (b64: string) => [...new Float64Array(new Uint8Array(Buffer.from(b64, 'base64')).buffer)];
    assert.deepEqual(unpack(packed.step), [0, 1, 2, 40]);
    assert.deepEqual(unpack(packed.min), [
      1.5,
      Number.POSITIVE_INFINITY,
      Number.NaN,
      Number.NEGATIVE_INFINITY,
    ]);
    assert.deepEqual(run.metrics[0].buckets[2], { min: 'NaN', max: 'NaN', last: 'NaN' });
    // one bucket of 64 steps: PostgreSQL's order puts NaN above +Infinity
    assert.deepEqual(run.coarse[0].columns, {
      step: [40],
      min: ['-Infinity'],
      max: ['NaN'],
      last: ['-Infinity'],
      count: [4],
    });
    assert.deepEqual(
      run.rawMetric.map((p: { value: unknown }) => p.value),
      [1.5, 'Infinity', 'NaN', '-Infinity'],
    );
  });

  test('zoom: a from/to window comes back at full resolution, its edges cut exactly', async () => {
    const r = await as(a)(
      `query($ids: [ID!]!) {
        zoomed: compareRuns(runIds: $ids, key: "train/loss", buckets: 1000, from: 450, to: 549) {
          from to bucketWidth series { columns { step max count } } }
        cut: compareRuns(runIds: $ids, key: "train/loss", buckets: 3, from: 100, to: 899) {
          from to bucketWidth series { bucketIndexes buckets { stepMin stepMax max count } } } }`,
      { ids: [a.ptRunId] },
    );
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const z = r.data!.zoomed;
    assert.deepEqual([z.from, z.to, z.bucketWidth], [450, 549, 1]);
    assert.deepEqual(
      z.series[0].columns.step,
      Array.from({ length: 100 }, (_, i) => 450 + i),
    );
    assert.equal(z.series[0].columns.max[50], 99, 'the spike at step 500, as logged');
    // 100…899 in at most 3 aligned buckets: width 512 → [100, 511] and [512, 899], both cut by the window
    const c = r.data!.cut;
    assert.equal(c.bucketWidth, 512);
    assert.deepEqual(c.series[0].bucketIndexes, [0, 1]);
    assert.deepEqual(
      c.series[0].buckets.map((b: { stepMin: number; stepMax: number; count: number }) => [
        b.stepMin,
        b.stepMax,
        b.count,
      ]),
      [
        [100, 511, 412],
        [512, 899, 388],
      ],
    );
    assert.equal(c.series[0].buckets[0].max, 99);
  });

  test('compareRuns aligns runs in shared buckets and groups them into bands', async () => {
    const r = await as(a)(
      `query($ids: [ID!]!) { compareRuns(runIds: $ids, key: "train/loss", buckets: 4, groupBy: [INIT]) {
        key buckets bucketWidth from to series { run { id } bucketIndexes buckets { last max } }
        groups { key values { field value } runs { id } band { bucket mean std n } } } }`,
      { ids: [a.ptRunId, a.ritRunId] },
    );
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const c = r.data!.compareRuns;
    assert.equal(c.from, 0);
    assert.equal(c.to, 999);
    assert.deepEqual(
      c.series.map((s: { bucketIndexes: number[] }) => s.bucketIndexes),
      [
        [0, 1, 2, 3],
        [0, 1, 2, 3],
      ],
    );
    assert.equal(c.bucketWidth, 256, 'steps 0…999 in 4 aligned buckets of 256');
    assert.equal(c.series[0].buckets[1].max, 99, 'the spike at step 500 is in 256…511');
    assert.deepEqual(c.groups.map((g: { key: string }) => g.key).sort(), ['INIT=PRETRAINED', 'INIT=RANDOM']);
    const pt = c.groups.find((g: { key: string }) => g.key === 'INIT=PRETRAINED');
    assert.equal(pt.band.length, 4);
    assert.equal(pt.band[0].n, 1);
    assert.equal(pt.band[0].std, 0);
    const bySeeds = await as(a)(
      `query($ids: [ID!]!) { compareRuns(runIds: $ids, key: "train/loss", buckets: 4, groupBy: [KIND]) { groups { band { mean std n } } } }`,
      { ids: [a.ptRunId, a.ritRunId] },
    );
    const band0 = bySeeds.data!.compareRuns.groups[0].band[0];
    assert.equal(band0.n, 2);
    // bucket 0 ends at step 255: last values 2 − 0.255 (P-T) and 2.5 − 0.255 (RI-T)
    assert.ok(Math.abs(band0.mean - (1.745 + 2.245) / 2) < 1e-9, String(band0.mean));
    assert.ok(Math.abs(band0.std - Math.SQRT1_2 * 0.5) < 1e-9, String(band0.std));
    const tooMany = await as(a)(
      'query($ids: [ID!]!) { compareRuns(runIds: $ids, key: "train/loss", buckets: 10000) { key } }',
      { ids: Array.from({ length: 21 }, (_, i) => String(i + 1)) },
    );
    assert.equal(code(tooMany), 'BAD_USER_INPUT');
    assert.match(tooMany.errors![0]!.message, /runs × buckets/);
    const none = await as(a)(
      'query($ids: [ID!]!) { compareRuns(runIds: $ids, key: "no/such") { from series { buckets { last } } } }',
      { ids: [a.ptRunId] },
    );
    assert.deepEqual(none.data!.compareRuns, { from: null, series: [{ buckets: [] }] });
  });

  test('compareRuns spans studies: runs of two studies grouped by STUDY', async () => {
    const other = await as(a)('mutation { createStudy(input: { name: "second study" }) { id } }');
    const otherId = other.data!.createStudy.id;
    const [moved] = await createRuns(db.sql, a.teamId, [
      {
        studyId: otherId,
        kind: 'FINETUNE',
        init: 'RANDOM',
        datasetId: a.datasetId,
        modelId: a.modelId,
        seed: 9,
      },
    ]);
    await ingestMetrics(
      db.sql,
      moved!.id,
      Array.from({ length: 1000 }, (_, step) => ({ key: 'train/loss', step, value: 1 })),
    );
    const r = await as(a)(
      `query($ids: [ID!]!) { compareRuns(runIds: $ids, key: "train/loss", buckets: 2, groupBy: [STUDY]) {
        groups { values { value } runs { id study { name } } band { mean n } } } }`,
      { ids: [a.ptRunId, a.ritRunId, moved!.id] },
    );
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const groups = r.data!.compareRuns.groups;
    assert.deepEqual(
      groups.map((g: { values: { value: string }[] }) => g.values[0]!.value),
      [a.studyId, otherId],
    );
    assert.equal(groups[1].runs[0].study.name, 'second study');
    assert.deepEqual(groups[1].band, [
      { mean: 1, n: 1 },
      { mean: 1, n: 1 },
    ]);
  });

  test('analysis results come back as the union member of their kind; a broken result is masked', async () => {
    const r = await as(a)(
      `query($id: ID!) { analysis(id: $id) { kind status inputs { role checkpoint { id } }
        result { __typename ... on CkaResult { debiased pairs { pairType modulesA values a { label } }
          dataset { id name } sanity { code message checkpointId } } } } }`,
      { id: a.ckaAnalysisId },
    );
    assert.equal(r.errors, undefined);
    assert.equal(r.data!.analysis.result.__typename, 'CkaResult');
    // a result stored before `dataset` and `sanity` existed: no dataset, nothing flagged
    assert.equal(r.data!.analysis.result.dataset, null);
    assert.deepEqual(r.data!.analysis.result.sanity, []);
    assert.deepEqual(r.data!.analysis.result.pairs[0].values, [
      [0.9, 0.2],
      [0.3, 0.5],
    ]);
    assert.deepEqual(
      r.data!.analysis.inputs.map((i: { role: string }) => i.role),
      ['a', 'b'],
    );

    const [stored] = await db.sql<{ result: Record<string, unknown> }[]>`
      select result from analyses where id = ${a.ckaAnalysisId}`;
    const flag = { code: 'NEAR_CHANCE', message: 'P-T scores 9.0% accuracy', checkpointId: a.ptCheckpointId };
    await db.sql`update analyses set result = ${db.sql.json({
      ...stored!.result,
      dataset: { id: a.datasetId, name: 'mnist' },
      sanity: [flag],
    } as never)} where id = ${a.ckaAnalysisId}`;
    const flagged = await as(a)(
      `query($id: ID!) { analysis(id: $id) { result { ... on CkaResult {
        dataset { id name } sanity { code message checkpointId } } } } }`,
      { id: a.ckaAnalysisId },
    );
    assert.equal(flagged.errors, undefined, JSON.stringify(flagged.errors));
    assert.deepEqual(flagged.data!.analysis.result.dataset, { id: a.datasetId, name: 'mnist' });
    assert.deepEqual(flagged.data!.analysis.result.sanity, [flag]);

    await db.sql`update analyses set result = ${db.sql.json({ secret: 'db detail' } as never)} where id = ${a.ckaAnalysisId}`;
    const broken = await as(a)(
      'query($id: ID!) { analysis(id: $id) { result { ... on CkaResult { pairs { pairType } } } } }',
      { id: a.ckaAnalysisId },
    );
    assert.equal(code(broken), 'INTERNAL_SERVER_ERROR');
    assert.match(broken.errors![0]!.message, /^Internal server error \(id \w+\)$/);
    noStack(broken);
  });

  test('datasets and models', async () => {
    const r = await as(a)(
      '{ datasets { name kind imageShape classes } models { name modules checkpoints { id } } }',
    );
    assert.equal(r.data!.datasets[0].name, 'mnist');
    assert.deepEqual(r.data!.models[0].modules, ['conv1', 'layer1.0', 'layer2.0', 'fc']);
    assert.equal(r.data!.models[0].checkpoints.length, 5);
  });
});

describe('mutations', () => {
  const jobs = async () =>
    (
      await db.sql<{ task_identifier: string; payload: Record<string, string> }[]>`
      select t.identifier as task_identifier, j.payload from graphile_worker._private_jobs j
      join graphile_worker._private_tasks t on t.id = j.task_id order by j.id`
    ).map((j) => `${j.task_identifier}:${JSON.stringify(j.payload)}`);

  test('createStudy; a duplicate name is BAD_USER_INPUT and writes nothing', async () => {
    const r = await as(a)(
      'mutation { createStudy(input: { name: "ablation", description: "d" }) { id name } }',
    );
    assert.equal(r.data!.createStudy.name, 'ablation');
    const n = await count('studies');
    const dup = await as(a)('mutation { createStudy(input: { name: "ablation" }) { id } }');
    assert.equal(code(dup), 'BAD_USER_INPUT');
    assert.match(dup.errors![0]!.message, /already exists/);
    assert.equal(await count('studies'), n);
    const empty = await as(a)('mutation { createStudy(input: { name: "  " }) { id } }');
    assert.equal(code(empty), 'BAD_USER_INPUT');
  });

  test('registerDataset reads folders only inside BASIN_DATA_ROOTS; anything else is refused, nothing written', async () => {
    const register = (root: string, spec?: Record<string, unknown>) =>
      as(a)(
        `mutation($root: String, $spec: JSONObject) { registerDataset(input: { name: ${JSON.stringify(`dn ${root}`)},
          kind: DOMAINNET, domain: "clipart", root: $root, spec: $spec, imageShape: [32, 32, 3], classes: ["a"],
          trainSize: 1, testSize: 1 }) { id root } }`,
        { root, spec: spec ?? null },
      );
    const inside = await register(join(DATA_ROOT, 'domainnet'));
    assert.equal(inside.errors, undefined, JSON.stringify(inside.errors));
    assert.equal(inside.data!.registerDataset.root, join(DATA_ROOT, 'domainnet'));
    const before = await count('datasets');
    const refused: [string, Record<string, unknown> | undefined, string, RegExp][] = [
      ['/etc', undefined, 'input.root', /"\/etc" is outside the allowed roots/],
      [`${DATA_ROOT}/domainnet/../../etc`, undefined, 'input.root', /contains '\.\.'/],
      ['domainnet', undefined, 'input.root', /expected an absolute folder/],
      [
        join(DATA_ROOT, 'escape'),
        undefined,
        'input.root',
        /through a symbolic link\), outside the allowed roots/,
      ],
      [join(DATA_ROOT, 'domainnet'), { root: '/var' }, 'input.spec.root', /"\/var" is outside/],
    ];
    for (const [root, spec, field, why] of refused) {
      const r = await register(root, spec);
      assert.equal(code(r), 'BAD_USER_INPUT', `${root} ${JSON.stringify(spec)}`);
      assert.equal(r.errors![0]!.extensions?.field, field);
      assert.deepEqual(r.errors![0]!.extensions?.allowedRoots, [DATA_ROOT]);
      assert.match(r.errors![0]!.message, new RegExp(`^${field.replace('.', '\\.')}: `));
      assert.match(r.errors![0]!.message, why);
      assert.match(r.errors![0]!.message, /must be inside BASIN_DATA_ROOTS/);
    }
    assert.equal(await count('datasets'), before, 'nothing was written');
  });

  test('registerDataset and importModel (with weights as a run-less checkpoint)', async () => {
    const d = await as(a)(
      `mutation { registerDataset(input: { name: "sketch", kind: SYNTHETIC_DOMAIN, domain: "sketch",
        imageShape: [32, 32, 3], classes: ["a", "b"], trainSize: 100, testSize: 10 }) { id task } }`,
    );
    assert.equal(d.data!.registerDataset.task, 'MULTICLASS');
    const bad = await as(a)(
      `mutation { registerDataset(input: { name: "x", kind: MNIST, imageShape: [28, 28], classes: ["a"], trainSize: 1, testSize: 1 }) { id } }`,
    );
    assert.equal(code(bad), 'BAD_USER_INPUT');
    assert.match(bad.errors![0]!.message, /input.imageShape/);
    const weights = await BLOBS.put(new Uint8Array(42).fill(7));
    const importAs = (team: TeamWorld, name: string, h: string, size = 42) =>
      as(team)(
        `mutation($h: String!, $n: String!, $s: Float!) { importModel(input: { name: $n, family: "resnet", depth: 8,
          width: 16, inputShape: [32, 32, 3], numClasses: 10, modules: ["conv1", "fc"], weights: { blobHash: $h, blobSize: $s } }) {
          id checkpoints { blobHash run { id } parent { id } } } }`,
        { h, n: name, s: size },
      );
    const m = await importAs(a, 'imported', weights.hash);
    assert.equal(m.errors, undefined, JSON.stringify(m.errors));
    assert.deepEqual(m.data!.importModel.checkpoints, [{ blobHash: weights.hash, run: null, parent: null }]);
    // the store is shared: another team's weights, or weights not in it, are NOT_FOUND; nothing is written
    const models = await count('models');
    const stolen = await importAs(b, 'stolen', weights.hash);
    assert.equal(code(stolen), 'NOT_FOUND');
    assert.equal(code(await importAs(a, 'absent', HASH(98))), 'NOT_FOUND');
    const lied = await importAs(a, 'wrong size', (await BLOBS.put(new Uint8Array(5))).hash, 42);
    assert.equal(code(lied), 'BAD_USER_INPUT');
    assert.match(lied.errors![0]!.message, /input\.weights\.blobSize.*5 bytes/);
    assert.equal(await count('models'), models);
    assert.equal(
      (await importAs(a, 'imported again', weights.hash)).errors,
      undefined,
      'its own weights, again',
    );
  });

  const flagsOf = async (task: string, payload: Record<string, string>) => {
    const [j] = await db.sql<{ flags: Record<string, true> | null }[]>`
      select j.flags from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
      where t.identifier = ${task} and j.payload::jsonb = ${db.sql.json(payload as never)}::jsonb`;
    return Object.keys(j?.flags ?? {}).sort();
  };

  test('startPretrain / startFineTune insert a QUEUED run and enqueue its job together', async () => {
    const before = await jobs();
    const p = await as(a)(
      `mutation($in: StartPretrainInput!) { startPretrain(input: $in) { id status kind hyperparameters dataset { id } } }`,
      {
        in: {
          studyId: a.studyId,
          datasetId: a.datasetId,
          modelId: a.modelId,
          seed: 3,
          hyperparameters: {
            epochs: 2,
            lrMilestones: [1],
            lrGamma: 0.1,
            maxBatchesPerEpoch: 5,
            extra: { note: 'x' },
          },
        },
      },
    );
    assert.equal(p.errors, undefined, JSON.stringify(p.errors));
    const run = p.data!.startPretrain;
    assert.equal(run.status, 'QUEUED');
    assert.equal(run.hyperparameters.epochs, 2);
    assert.deepEqual(run.hyperparameters, {
      note: 'x',
      epochs: 2,
      batchSize: 64,
      learningRate: 0.01,
      momentum: 0.9,
      weightDecay: 5e-4,
      optimizer: 'sgd',
      checkpointEvery: 1,
      lrMilestones: [1],
      lrGamma: 0.1,
      maxBatchesPerEpoch: 5,
    });
    const f = await as(a)(
      `mutation($in: StartFineTuneInput!) { startFineTune(input: $in) { id init initCheckpoint { id } model { id } } }`,
      {
        in: {
          datasetId: a.datasetId,
          init: 'PRETRAINED',
          initCheckpointId: a.pretrainCheckpointIds[0],
          blockSize: 7,
        },
      },
    );
    assert.equal(f.data!.startFineTune.model.id, a.modelId);
    assert.deepEqual((await jobs()).slice(before.length), [
      `pretrain:{"runId":"${run.id}"}`,
      `finetune:{"runId":"${f.data!.startFineTune.id}"}`,
    ]);
    // runners that cannot open the dataset never claim the job
    assert.deepEqual(await flagsOf('pretrain', { runId: run.id }), [`dataset:${a.datasetId}`]);
  });

  test('bad fine-tune inputs name the field; nothing is written', async () => {
    const runs = await count('runs');
    const jobsBefore = (await jobs()).length;
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ datasetId: a.datasetId, init: 'PRETRAINED' }, /input.initCheckpointId/],
      [
        { datasetId: a.datasetId, init: 'RANDOM', initCheckpointId: a.ptCheckpointId },
        /input.initCheckpointId/,
      ],
      [{ datasetId: a.datasetId, init: 'RANDOM' }, /input.modelId/],
      [
        { datasetId: a.datasetId, init: 'RANDOM', modelId: a.modelId, blockSize: 5 },
        /input.blockSize.*28×28/,
      ],
      [
        { datasetId: a.datasetId, init: 'RANDOM', modelId: a.modelId, hyperparameters: { learningRate: -1 } },
        /learningRate/,
      ],
      [{ datasetId: a.datasetId, init: 'RANDOM', modelId: a.modelId, seed: -4 }, /input.seed/],
      [
        {
          datasetId: a.datasetId,
          init: 'RANDOM',
          modelId: a.modelId,
          hyperparameters: { optimizer: 'adam' },
        },
        /optimizer/,
      ],
      [
        {
          datasetId: a.datasetId,
          init: 'RANDOM',
          modelId: a.modelId,
          hyperparameters: { epochs: 5, lrMilestones: [9] },
        },
        /lrMilestones\[0\]: expected an integer from 1 to 5, got 9/,
      ],
    ];
    for (const [input, message] of cases) {
      const r = await as(a)('mutation($in: StartFineTuneInput!) { startFineTune(input: $in) { id } }', {
        in: input,
      });
      assert.equal(code(r), 'BAD_USER_INPUT', JSON.stringify(input));
      assert.match(r.errors![0]!.message, message);
    }
    assert.equal(await count('runs'), runs);
    assert.equal((await jobs()).length, jobsBefore);
  });

  test('startBlockShuffleSweep fans out P-T and RI-T runs per block size and seed', async () => {
    const r = await as(a)(
      `mutation($in: StartBlockShuffleSweepInput!) { startBlockShuffleSweep(input: $in) {
        id kind status params runs { init blockSize seed initCheckpoint { id } } inputs { role checkpoint { id } } } }`,
      {
        in: {
          studyId: a.studyId,
          datasetId: a.datasetId,
          pretrainCheckpointId: a.pretrainCheckpointIds[2],
          blockSizes: [0, 14],
          seeds: [1, 2],
        },
      },
    );
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const s = r.data!.startBlockShuffleSweep;
    assert.equal(s.kind, 'BLOCK_SHUFFLE');
    assert.equal(s.runs.length, 3 * 2 * 2);
    assert.deepEqual(s.params.blockSizes, [null, 0, 14]);
    assert.equal(s.runs.filter((x: { init: string }) => x.init === 'PRETRAINED').length, 6);
    assert.deepEqual((await jobs()).at(-1), `block_shuffle_sweep:{"analysisId":"${s.id}"}`);
    const bad = await as(a)(
      'mutation($in: StartBlockShuffleSweepInput!) { startBlockShuffleSweep(input: $in) { id } }',
      { in: { datasetId: a.datasetId, pretrainCheckpointId: a.ptCheckpointId, blockSizes: [3] } },
    );
    assert.equal(code(bad), 'BAD_USER_INPUT');
  });

  test("a sweep counts the study's equivalent fine-tunes instead of training them again (reuseRuns)", async () => {
    const hyperparameters = { epochs: 2, learningRate: 0.02 };
    const ft = await as(a)(`mutation($in: StartFineTuneInput!) { startFineTune(input: $in) { id } }`, {
      in: {
        studyId: a.studyId,
        datasetId: a.datasetId,
        init: 'PRETRAINED',
        initCheckpointId: a.pretrainCheckpointIds[1],
        seed: 7,
        hyperparameters,
      },
    });
    assert.equal(ft.errors, undefined, JSON.stringify(ft.errors));
    const mainId = ft.data!.startFineTune.id;
    const sweep = (reuseRuns?: boolean) =>
      as(a)(
        `mutation($in: StartBlockShuffleSweepInput!) { startBlockShuffleSweep(input: $in) {
          id runs { id init blockSize seed sweepAnalysis { id } } } }`,
        {
          in: {
            studyId: a.studyId,
            datasetId: a.datasetId,
            pretrainCheckpointId: a.pretrainCheckpointIds[1],
            blockSizes: [14],
            seeds: [7],
            hyperparameters,
            ...(reuseRuns === undefined ? {} : { reuseRuns }),
          },
        },
      );
    const jobsBefore = (await jobs()).length;
    const r = await sweep();
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const s = r.data!.startBlockShuffleSweep;
    type SweepRun = {
      id: string;
      init: string;
      blockSize: number | null;
      sweepAnalysis: { id: string } | null;
    };
    const runs = s.runs as SweepRun[];
    assert.equal(runs.length, 4);
    const none = runs.find((x) => x.init === 'PRETRAINED' && x.blockSize === null)!;
    assert.equal(none.id, mainId, "the study's unshuffled P-T fine-tune is the sweep's none row");
    assert.equal(none.sweepAnalysis, null, 'and stays a run of the study, not of the sweep');
    assert.ok(runs.filter((x) => x !== none).every((x) => x.sweepAnalysis?.id === s.id));
    assert.equal(
      (await jobs()).length,
      jobsBefore + 1,
      'only the sweep job; its runs are queued when it starts',
    );
    const members = await as(a)(
      `query($f: RunFilterInput) { runs(filter: $f, first: 10) { totalCount edges { node { id } } } }`,
      { f: { sweepAnalysisId: s.id } },
    );
    assert.equal(members.data!.runs.totalCount, 4, 'the run filter lists reused runs too');

    // a second sweep over the same points counts the first one's runs; reuseRuns: false trains afresh
    const again = (await sweep()).data!.startBlockShuffleSweep;
    assert.deepEqual((again.runs as SweepRun[]).map((x) => x.id).sort(), runs.map((x) => x.id).sort());
    const fresh = (await sweep(false)).data!.startBlockShuffleSweep;
    assert.equal((fresh.runs as SweepRun[]).filter((x) => runs.some((y) => y.id === x.id)).length, 0);

    // cancelling the last open run of a sweep asks for its summary (it reports the cancelled runs)
    for (const x of fresh.runs as SweepRun[]) {
      const c = await as(a)('mutation($id: ID!) { cancelRun(id: $id) { status } }', { id: x.id });
      assert.equal(c.data!.cancelRun.status, 'CANCELLED');
    }
    assert.ok((await jobs()).includes(`block_shuffle_sweep:{"analysisId":"${fresh.id}"}`));
  });

  test('startCheckpointSweep fine-tunes from each checkpoint of a pretraining run', async () => {
    const r = await as(a)(
      `mutation($in: StartCheckpointSweepInput!) { startCheckpointSweep(input: $in) { id kind runs { init initCheckpoint { epoch } } } }`,
      { in: { pretrainRunId: a.pretrainRunId, datasetId: a.datasetId, seeds: [0, 1] } },
    );
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    assert.equal(r.data!.startCheckpointSweep.runs.length, 3 * 2 + 2);
    assert.deepEqual(
      (await jobs()).at(-1),
      `checkpoint_sweep:{"analysisId":"${r.data!.startCheckpointSweep.id}"}`,
    );
    const foreign = await as(a)(
      'mutation($in: StartCheckpointSweepInput!) { startCheckpointSweep(input: $in) { id } }',
      { in: { pretrainRunId: a.pretrainRunId, datasetId: a.datasetId, checkpointIds: [a.ptCheckpointId] } },
    );
    assert.equal(code(foreign), 'BAD_USER_INPUT');
  });

  test('runAnalysis checks inputs and params per kind, and enqueues an analysis job', async () => {
    const r = await as(a)(
      `mutation($in: RunAnalysisInput!) { runAnalysis(input: $in) { id kind status params inputs { role } } }`,
      {
        in: {
          kind: 'CKA',
          studyId: a.studyId,
          inputs: [{ checkpointId: a.ptCheckpointId }, { checkpointId: a.ritCheckpointId }],
          params: { debiased: true },
        },
      },
    );
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const an = r.data!.runAnalysis;
    assert.deepEqual(an.params, { debiased: true, examples: 2000, split: 'test', pairs: [[0, 1]] });
    assert.deepEqual((await jobs()).at(-1), `analysis:{"analysisId":"${an.id}"}`);
    assert.deepEqual(await flagsOf('analysis', { analysisId: an.id }), [`dataset:${a.datasetId}`]);
    const foreignData = await as(a)('mutation($in: RunAnalysisInput!) { runAnalysis(input: $in) { id } }', {
      in: {
        kind: 'MISTAKES',
        inputs: [{ checkpointId: a.ptCheckpointId }, { checkpointId: a.ritCheckpointId }],
        params: { datasetId: b.datasetId },
      },
    });
    assert.equal(code(foreignData), 'NOT_FOUND');
    const bad = await as(a)('mutation($in: RunAnalysisInput!) { runAnalysis(input: $in) { id } }', {
      in: { kind: 'MODULE_CRITICALITY', inputs: [{ checkpointId: a.ptCheckpointId }] },
    });
    assert.equal(code(bad), 'BAD_USER_INPUT');
    const badParam = await as(a)('mutation($in: RunAnalysisInput!) { runAnalysis(input: $in) { id } }', {
      in: {
        kind: 'BARRIER',
        inputs: [{ checkpointId: a.ptCheckpointId }, { checkpointId: a.ritCheckpointId }],
        params: { points: 1 },
      },
    });
    assert.match(
      badParam.errors![0]!.message,
      /input.params.points: expected an integer from 3 to 101, got 1/,
    );
  });

  test('cancelRun cancels a queued run at once and removes its job; a finished run is BAD_USER_INPUT', async () => {
    const p = await as(a)(`mutation($in: StartPretrainInput!) { startPretrain(input: $in) { id } }`, {
      in: { datasetId: a.datasetId, modelId: a.modelId },
    });
    const id = p.data!.startPretrain.id;
    assert.ok((await jobs()).includes(`pretrain:{"runId":"${id}"}`));
    const c = await as(a)(
      'mutation($id: ID!) { cancelRun(id: $id) { status cancelRequestedAt finishedAt } }',
      { id },
    );
    assert.equal(c.data!.cancelRun.status, 'CANCELLED');
    assert.ok(c.data!.cancelRun.cancelRequestedAt);
    assert.ok(!(await jobs()).includes(`pretrain:{"runId":"${id}"}`), 'queued job removed');
    const again = await as(a)('mutation($id: ID!) { cancelRun(id: $id) { status } }', { id });
    assert.equal(code(again), 'BAD_USER_INPUT');
    await db.sql`update runs set status = 'RUNNING' where id = ${a.ritRunId}`;
    const running = await as(a)('mutation($id: ID!) { cancelRun(id: $id) { status cancelRequestedAt } }', {
      id: a.ritRunId,
    });
    assert.equal(
      running.data!.cancelRun.status,
      'RUNNING',
      'a running run stops when its runner sees the request',
    );
    assert.ok(running.data!.cancelRun.cancelRequestedAt);
  });

  test('a read-only token may query but not mutate (FORBIDDEN, 403)', async () => {
    const q = await gql(
      app.url,
      '{ studies { id } viewer { teamName scope authDisabled } }',
      {},
      a.readToken,
    );
    assert.equal(q.errors, undefined);
    assert.deepEqual(q.data!.viewer, { teamName: 'team-a', scope: 'read', authDisabled: false });
    const m = await gql(app.url, 'mutation { createStudy(input: { name: "ro" }) { id } }', {}, a.readToken);
    assert.equal(m.status, 403);
    assert.equal(code(m), 'FORBIDDEN');
  });
});

describe('limits', () => {
  test('over-deep and over-complex queries are refused before they run', async () => {
    const deep = await as(a)(`{ checkpoint(id: "1") { ${'parent { '.repeat(12)}id${' }'.repeat(12)} } }`);
    assert.equal(code(deep), 'BAD_USER_INPUT');
    assert.match(deep.errors![0]!.message, /depth/);
    const complex = await as(a)(
      '{ runs(first: 100) { edges { node { checkpoints { children { runsStartedFrom { checkpoints { id step } } } } } } } }',
    );
    assert.equal(code(complex), 'BAD_USER_INPUT');
    assert.match(complex.errors![0]!.message, /complexity/);
    assert.equal(complex.status, 400);
  });
});

describe('in-process (executeOperation)', () => {
  test('queries and mutations run in-process with the same auth', async () => {
    const created = await app.execute(
      'mutation { createStudy(input: { name: "in-process" }) { id name } }',
      {},
      `Bearer ${b.token}`,
    );
    assert.equal((created.data!.createStudy as { name: string }).name, 'in-process');
    const list = await app.execute('{ studies { name } }', {}, `Bearer ${b.token}`);
    assert.deepEqual((list.data!.studies as { name: string }[]).map((s) => s.name).sort(), [
      'Fashion-MNIST → MNIST',
      'in-process',
    ]);
    const notMine = await app.execute(
      'query($id: ID!) { run(id: $id) { id } }',
      { id: a.ptRunId },
      `Bearer ${b.token}`,
    );
    assert.equal(notMine.errors?.[0]?.extensions?.code, 'NOT_FOUND');
    await assert.rejects(() => app.execute('{ studies { id } }'), /missing API token/);
  });
});

describe('single-user mode', () => {
  test('BASIN_AUTH=off runs open as one team, without tokens', async () => {
    const open = createApp({
      sql: db.sql,
      auth: { mode: 'off', teamId: a.teamId, teamName: 'team-a' },
      port: 0,
      host: '127.0.0.1',
    });
    await open.start();
    try {
      const r = await gql(open.url, 'query($id: ID!) { run(id: $id) { id } studies { id } }', {
        id: a.ptRunId,
      });
      assert.equal(r.errors, undefined);
      assert.equal(r.data!.run.id, a.ptRunId);
      const other = await gql(open.url, 'query($id: ID!) { run(id: $id) { id } }', { id: b.ptRunId });
      assert.equal(code(other), 'NOT_FOUND');
    } finally {
      await open.stop();
    }
  });
});

describe('DataLoader', () => {
  test('a page of 50 runs with checkpoints, datasets and models costs a fixed number of queries', async () => {
    const c = await seedTeam(db.sql, 'team-c');
    const extra = await createRuns(
      db.sql,
      c.teamId,
      Array.from({ length: 50 }, (_, i) => ({
        kind: 'FINETUNE' as const,
        init: 'PRETRAINED' as const,
        initCheckpointId: c.pretrainCheckpointIds[i % 3]!,
        datasetId: c.datasetId,
        modelId: c.modelId,
        seed: i,
      })),
    );
    await db.sql`
      insert into checkpoints (team_id, model_id, run_id, step, epoch, blob_hash, blob_size)
      select ${c.teamId}, ${c.modelId}, r.id, s * 10, s, lpad(to_hex(r.id * 10 + s), 64, '0'), 1
      from unnest(${db.sql.array(extra.map((r) => r.id))}::bigint[]) r(id), generate_series(1, 2) s`;
    let queries = 0;
    const seen: string[] = [];
    const counted = postgres(db.url, {
      max: 2,
      prepare: db.mode === 'server',
      onnotice: () => {},
      debug: (_conn, query) => {
        queries++;
        seen.push(query.replace(/\s+/g, ' ').slice(0, 90));
      },
    });
    const app2 = createApp({ sql: counted as never, auth: { mode: 'token' }, port: 0, host: '127.0.0.1' });
    await app2.start();
    try {
      const page = (n: number) =>
        gql(
          app2.url,
          `{ runs(first: ${n}) { edges { node { id dataset { name classes } model { name modules }
            initCheckpoint { epoch run { id } } checkpoints { id step } } } } }`,
          {},
          c.token,
        );
      await page(50); // warm: connections and postgres.js's one-off type lookups
      const costs: number[] = [];
      for (const n of [5, 50]) {
        queries = 0;
        seen.length = 0;
        const r = await page(n);
        assert.equal(r.errors, undefined, JSON.stringify(r.errors));
        assert.equal(r.data!.runs.edges.length, n);
        assert.equal(r.data!.runs.edges[0].node.checkpoints.length, 2);
        costs.push(queries);
        // token, runs page, datasets, models, init checkpoints, checkpoints by run, runs of init checkpoints
        assert.ok(
          queries <= 7,
          `expected at most 7 queries for ${n} runs, got ${queries}:\n${seen.join('\n')}`,
        );
      }
      assert.equal(costs[0], costs[1], 'the cost does not grow with the page');
    } finally {
      await app2.stop();
      await counted.end({ timeout: 5 });
    }
  });
});
