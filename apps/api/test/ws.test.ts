import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { connect, createEventBus, type EventBus, type Sql, type TestDatabase } from '@basin/db';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { type App, createApp } from '../src/app';
import { gql, startWorld, type TeamWorld } from './fixtures';

let db: TestDatabase;
let app: App;
let a: TeamWorld;
let b: TeamWorld;
let runnerSql: Sql;
let runnerBus: EventBus;

before(async () => {
  ({ db, app, a, b } = await startWorld());
  // a second pool and bus stand in for a runner process publishing events
  runnerSql = await connect(db.url, { max: 2 });
  runnerBus = createEventBus(runnerSql);
});
after(async () => {
  await runnerBus.close();
  await runnerSql.end({ timeout: 5 });
  await app.stop();
  await db.close();
});

const wsUrl = () => app.url.replace(/^http/, 'ws');
const client = (token?: string): Client =>
  createClient({
    url: wsUrl(),
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
  });

type Result = {
  // biome-ignore lint/suspicious/noExplicitAny: GraphQL response data in tests
  data?: Record<string, any> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
};

/** Subscribes and collects results until `n` arrived or the subscription ends; `ready` resolves once it is live. */
function collect(c: Client, query: string, variables: Record<string, unknown>, n: number) {
  const results: Result[] = [];
  let failure: unknown = null;
  const done = new Promise<void>((resolve) => {
    // biome-ignore lint/suspicious/noExplicitAny: GraphQL response data in tests
    const dispose = c.subscribe<Record<string, any>>(
      { query, variables },
      {
        next: (r) => {
          results.push(r as Result);
          if (results.length >= n) {
            dispose();
            resolve();
          }
        },
        error: (e) => {
          failure = e;
          resolve();
        },
        complete: () => resolve(),
      },
    );
  });
  return { results, done, failure: () => failure };
}

/** Waits until the API process has attached `n` live subscribers to a run or study. */
async function subscribers(n: number, target: { runId: string } | { studyId: string }): Promise<void> {
  const t0 = Date.now();
  while (app.live.listeners(target) < n) {
    if (Date.now() - t0 > 5000)
      throw new Error(`only ${app.live.listeners(target)} of ${n} subscribers attached`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test("runProgress receives a runner's events for that run only, with fields by type", async () => {
  const c = client(a.token);
  const sub = collect(
    c,
    `subscription($id: ID!) { runProgress(runId: $id) { type runId studyId step epoch metrics { key value }
      status backend checkpointId checkpoint { epoch } run { id status } } }`,
    { id: a.ptRunId },
    3,
  );
  await subscribers(1, { runId: a.ptRunId });
  await runnerBus.publish({
    type: 'run.status',
    runId: a.ptRunId,
    studyId: a.studyId,
    status: 'RUNNING',
    backend: 'wasm',
  });
  await runnerBus.publish({
    type: 'run.progress',
    runId: a.ritRunId,
    studyId: a.studyId,
    step: 1,
    epoch: 0,
    metrics: {},
  });
  await runnerBus.publish({
    type: 'run.progress',
    runId: a.ptRunId,
    studyId: a.studyId,
    step: 10,
    epoch: 0.5,
    metrics: { 'train/loss': 0.25 },
  });
  await runnerBus.publish({
    type: 'checkpoint.saved',
    runId: a.ptRunId,
    studyId: a.studyId,
    checkpointId: a.ptCheckpointId,
    step: 50,
    epoch: 1,
  });
  await sub.done;
  await c.dispose();
  assert.equal(sub.failure(), null);
  const events = sub.results.map((r) => r.data!.runProgress);
  assert.deepEqual(
    events.map((e) => e.type),
    ['RUN_STATUS', 'RUN_PROGRESS', 'CHECKPOINT_SAVED'],
  );
  assert.equal(events[0].status, 'RUNNING');
  assert.equal(events[0].backend, 'wasm');
  assert.deepEqual(events[1].metrics, [{ key: 'train/loss', value: 0.25 }]);
  assert.equal(events[1].step, 10);
  assert.deepEqual(events[2].checkpoint, { epoch: 1 });
  assert.equal(events[2].run.id, a.ptRunId);
});

test('subscribers with different selections on one run each get their own shape (executions are shared per query)', async () => {
  const c = client(a.token);
  const q1 = 'subscription($id: ID!) { runProgress(runId: $id) { step } }';
  const q2 = 'subscription($id: ID!) { runProgress(runId: $id) { type run { name } } }';
  const s1 = collect(c, q1, { id: a.ritRunId }, 1);
  const s1b = collect(c, q1, { id: a.ritRunId }, 1);
  const s2 = collect(c, q2, { id: a.ritRunId }, 1);
  await subscribers(3, { runId: a.ritRunId });
  await runnerBus.publish({
    type: 'run.progress',
    runId: a.ritRunId,
    studyId: a.studyId,
    step: 7,
    epoch: 0,
    metrics: {},
  });
  await Promise.all([s1.done, s1b.done, s2.done]);
  await c.dispose();
  assert.deepEqual(s1.results[0]!.data, { runProgress: { step: 7 } });
  assert.deepEqual(s1b.results[0]!.data, { runProgress: { step: 7 } });
  assert.deepEqual(s2.results[0]!.data, { runProgress: { type: 'RUN_PROGRESS', run: { name: 'rit' } } });
});

test('studyEvents relays run and analysis events of one study; mutations announce queued work', async () => {
  const c = client(a.token);
  const sub = collect(
    c,
    'subscription($id: ID!) { studyEvents(studyId: $id) { type runId analysisId status progress message } }',
    { id: a.studyId },
    3,
  );
  await subscribers(1, { studyId: a.studyId });
  await runnerBus.publish({
    type: 'analysis.progress',
    analysisId: a.ckaAnalysisId,
    studyId: b.studyId,
    progress: 0.1,
  });
  await runnerBus.publish({
    type: 'analysis.progress',
    analysisId: a.ckaAnalysisId,
    studyId: a.studyId,
    progress: 0.5,
    message: 'layer 3 of 6',
  });
  await runnerBus.publish({
    type: 'analysis.status',
    analysisId: a.ckaAnalysisId,
    studyId: a.studyId,
    status: 'SUCCEEDED',
  });
  const started = await gql(
    app.url,
    'mutation($in: StartPretrainInput!) { startPretrain(input: $in) { id } }',
    { in: { studyId: a.studyId, datasetId: a.datasetId, modelId: a.modelId } },
    a.token,
  );
  await sub.done;
  await c.dispose();
  const events = sub.results.map((r) => r.data!.studyEvents);
  assert.deepEqual(events[0], {
    type: 'ANALYSIS_PROGRESS',
    runId: null,
    analysisId: a.ckaAnalysisId,
    status: null,
    progress: 0.5,
    message: 'layer 3 of 6',
  });
  assert.equal(events[1].status, 'SUCCEEDED');
  assert.deepEqual(
    { type: events[2].type, runId: events[2].runId, status: events[2].status },
    { type: 'RUN_STATUS', runId: started.data!.startPretrain.id, status: 'QUEUED' },
  );
});

test("a team cannot subscribe to another team's run or study (NOT_FOUND); no token is UNAUTHENTICATED", async () => {
  const c = client(b.token);
  const run = collect(c, 'subscription($id: ID!) { runProgress(runId: $id) { type } }', { id: a.ptRunId }, 1);
  await run.done;
  const study = collect(
    c,
    'subscription($id: ID!) { studyEvents(studyId: $id) { type } }',
    { id: a.studyId },
    1,
  );
  await study.done;
  await c.dispose();
  assert.equal(run.results[0]?.errors?.[0]?.extensions?.code, 'NOT_FOUND');
  assert.equal(study.results[0]?.errors?.[0]?.extensions?.code, 'NOT_FOUND');

  const anon = client();
  const denied = collect(
    anon,
    'subscription($id: ID!) { runProgress(runId: $id) { type } }',
    { id: a.ptRunId },
    1,
  );
  await denied.done;
  await anon.dispose();
  const err = denied.failure() as { extensions?: { code?: string } }[] | null;
  assert.ok(Array.isArray(err), `expected GraphQL errors, got ${JSON.stringify(denied.failure())}`);
  assert.equal(err[0]?.extensions?.code, 'UNAUTHENTICATED');
});

test('subscriptions are checked against the same limits and validation', async () => {
  const c = client(a.token);
  const bad = collect(c, 'subscription { runProgress(runId: "1") { nope } }', {}, 1);
  await bad.done;
  const badId = collect(c, 'subscription { runProgress(runId: "x") { type } }', {}, 1);
  await badId.done;
  const deep = collect(
    c,
    `subscription { runProgress(runId: "1") { run { ${'initCheckpoint { run { '.repeat(6)}id${' } }'.repeat(6)} } } }`,
    {},
    1,
  );
  await deep.done;
  await c.dispose();
  const deepErrs = deep.failure() as { message: string; extensions?: { code?: string } }[];
  assert.equal(deepErrs[0]?.extensions?.code, 'BAD_USER_INPUT');
  assert.match(deepErrs[0]!.message, /depth/);
  const errs = bad.failure() as { extensions?: { code?: string } }[];
  assert.equal(errs[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
  assert.equal(badId.results[0]?.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
});

test('with introspection off, the schema cannot be read over the WebSocket either', async () => {
  const closed = createApp({ sql: db.sql, auth: { mode: 'token' }, port: 0, introspection: false });
  await closed.start();
  try {
    const query = '{ __schema { types { name } } }';
    const http = await gql(closed.url, query, {}, a.token);
    assert.equal(http.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
    const c = createClient({
      url: closed.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${a.token}` },
      retryAttempts: 0,
      lazy: true,
    });
    const sub = collect(c, query, {}, 1);
    await sub.done;
    await c.dispose();
    const errs = sub.failure() as { message: string; extensions?: { code?: string } }[];
    assert.equal(errs?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED', JSON.stringify(sub.results));
    assert.match(errs[0]!.message, /introspection/i);
    // the open app (introspection on outside production) answers the same query
    const open = collect(client(a.token), query, {}, 1);
    await open.done;
    assert.ok(open.results[0]?.data?.__schema.types.length > 10);
  } finally {
    await closed.stop();
  }
});

test("a foreign page's requests are refused (HTTP and WebSocket); the dashboard's origin and scripts are served", async () => {
  const query = '{ studies { id } }';
  const post = (origin?: string) =>
    fetch(app.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${a.token}`,
        ...(origin ? { origin } : {}),
      },
      body: JSON.stringify({ query }),
    });
  const evil = await post('http://evil.example');
  assert.equal(evil.status, 403);
  const body = (await evil.json()) as { errors: { message: string; extensions: { code: string } }[] };
  assert.equal(body.errors[0]!.extensions.code, 'FORBIDDEN');
  assert.match(
    body.errors[0]!.message,
    /http:\/\/evil\.example may not call this API; add the origin to BASIN_ALLOWED_ORIGINS/,
  );
  const preflight = await fetch(app.url, {
    method: 'OPTIONS',
    headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' },
  });
  assert.equal(preflight.headers.get('access-control-allow-origin'), null, 'no CORS grant to a foreign page');
  const dashboard = await post('http://localhost:3000');
  assert.equal(dashboard.status, 200);
  assert.equal(dashboard.headers.get('access-control-allow-origin'), 'http://localhost:3000');
  assert.equal((await post()).status, 200, 'no Origin: a script, the CLI, the dashboard server');

  const handshake = (origin: string) =>
    new Promise<number | 'open'>((resolve) => {
      const ws = new WebSocket(wsUrl(), 'graphql-transport-ws', { origin });
      ws.on('open', () => {
        ws.close();
        resolve('open');
      });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => undefined);
    });
  assert.equal(await handshake('http://evil.example'), 403);
  assert.equal(await handshake('http://127.0.0.1:3000'), 'open');
});
