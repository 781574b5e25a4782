import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createCheckpoint, createTestDatabase, type Sql, type TestDatabase } from '@basin/db';
import {
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
} from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { type App, createApp } from '../src/app';
import { basinSchema } from '../src/schema';
import { BLOBS, DATA_ROOT, type GqlResponse, gql, seedTeam, type TeamWorld } from './fixtures';

// The adversarial suite: team B, with its own valid token, calls every operation that takes an id on team A's ids.
// Each answer must equal, byte for byte once the id itself is blanked out, the answer for an id that was never
// issued: B learns nothing, not even that A's id exists. A second part sends malformed and oversized requests and
// checks each gets a coded error while the server keeps serving others.

/** Ids are issued from here on (every table), so an id in a message cannot be mistaken for another number. */
const FIRST_ID = 7_000_001;
/** An id no table ever issued. */
const NEVER = '6999999';

let db: TestDatabase;
let app: App;
let a: TeamWorld;
let b: TeamWorld;
/** A blob of A's (an A checkpoint's weights, in the store) and a hash that is in no store. */
let aBlob: { hash: string; size: number };
const NO_BLOB = 'f'.repeat(64);

before(async () => {
  db = await createTestDatabase({ jobQueue: true });
  await restartIdentities(db.sql, FIRST_ID);
  a = await seedTeam(db.sql, 'team-a');
  b = await seedTeam(db.sql, 'team-b');
  aBlob = await BLOBS.put(new TextEncoder().encode(`weights of team A ${Date.now()}`));
  await createCheckpoint(db.sql, a.teamId, {
    modelId: a.modelId,
    runId: a.ptRunId,
    step: 60,
    epoch: 2,
    blobHash: aBlob.hash,
    blobSize: aBlob.size,
  });
  app = createApp({
    sql: db.sql,
    auth: { mode: 'token' },
    port: 0,
    host: '127.0.0.1',
    dataRoots: [DATA_ROOT],
    blobs: BLOBS,
    rateLimit: null,
  });
  await app.start();
});
after(async () => {
  await app?.stop();
  await db?.close();
});

async function restartIdentities(sql: Sql, from: number) {
  const cols = await sql<{ table_name: string; column_name: string }[]>`
    select table_name, column_name from information_schema.columns
    where table_schema = 'public' and is_identity = 'YES'`;
  for (const c of cols) {
    await sql.unsafe(`alter table "${c.table_name}" alter column "${c.column_name}" restart with ${from}`);
  }
}

/** One probe: an operation that takes an id, the path of each id argument it covers, and how to fill them. */
interface Probe {
  name: string;
  /** `Query.run.id`, `Mutation.startFineTune.input.datasetId`: what {@link idArguments} finds in the schema. */
  covers: string[];
  query: string;
  /** Variables with the probed id in place; every other id is B's own, so only the probed one is foreign. */
  variables: (id: string) => Record<string, unknown>;
  /** Subscriptions go over graphql-ws. */
  ws?: boolean;
  /**
   * How an id never issued is answered: NOT_FOUND (default), an empty listing, or BAD_USER_INPUT where the field
   * is refused whatever it holds (runAnalysis' `inputs.runId`: analyses take checkpoints).
   */
  expect?: 'NOT_FOUND' | 'EMPTY' | 'BAD_USER_INPUT';
}

const hp = { epochs: 1, batchSize: 8, trainExamples: 64 };

/** Every id-taking operation of the schema, each probed with each of A's ids it could be given. */
function probes(): { probe: Probe; victimIds: string[] }[] {
  const ckpts = () => [a.ptCheckpointId, a.ritCheckpointId, ...a.pretrainCheckpointIds];
  const runs = () => [a.ptRunId, a.ritRunId, a.pretrainRunId];
  const list: { probe: Probe; victimIds: string[] }[] = [];
  const add = (probe: Probe, victimIds: string[]) => list.push({ probe, victimIds });
  // queries by id
  for (const [field, ids, sel] of [
    ['run', runs(), 'id name status'],
    ['checkpoint', ckpts(), 'id epoch'],
    ['analysis', [a.ckaAnalysisId], 'id status'],
    ['dataset', [a.datasetId], 'id name'],
    ['model', [a.modelId], 'id name'],
    ['study', [a.studyId], 'id name'],
  ] as const) {
    add(
      {
        name: `query ${field}(id)`,
        covers: [`Query.${field}.id`],
        query: `query($id: ID!) { ${field}(id: $id) { ${sel} } }`,
        variables: (id) => ({ id }),
      },
      [...ids],
    );
  }
  add(
    {
      name: 'compareRuns with a mixed list (B’s run and the probed one)',
      covers: ['Query.compareRuns.runIds'],
      query:
        'query($ids: [ID!]!) { compareRuns(runIds: $ids, key: "train/loss", buckets: 10) { key series { run { id } } } }',
      variables: (id) => ({ ids: [b.ptRunId, id] }),
    },
    runs(),
  );
  for (const [key, ids] of [
    ['studyId', [a.studyId]],
    ['datasetId', [a.datasetId]],
    ['modelId', [a.modelId]],
    ['initCheckpointId', ckpts()],
    ['sweepAnalysisId', [a.ckaAnalysisId]],
  ] as const) {
    add(
      {
        name: `runs(filter: {${key}})`,
        expect: 'EMPTY',
        covers: [`Query.runs.filter.${key}`],
        query:
          'query($f: RunFilterInput) { runs(first: 50, filter: $f) { totalCount edges { node { id } } } }',
        variables: (id) => ({ f: { [key]: id } }),
      },
      [...ids],
    );
  }
  // mutations: each id field in turn is A's (or never issued), the rest B's own and valid
  add(
    {
      name: 'cancelRun(id)',
      covers: ['Mutation.cancelRun.id'],
      query: 'mutation($id: ID!) { cancelRun(id: $id) { id status } }',
      variables: (id) => ({ id }),
    },
    runs(),
  );
  const analysis = (over: { studyId?: string; a?: object; b?: object }) => ({
    in: {
      kind: 'CKA',
      studyId: over.studyId ?? b.studyId,
      inputs: [over.a ?? { checkpointId: b.ptCheckpointId }, over.b ?? { checkpointId: b.ritCheckpointId }],
    },
  });
  const runAnalysis = 'mutation($in: RunAnalysisInput!) { runAnalysis(input: $in) { id } }';
  add(
    {
      name: 'runAnalysis(studyId)',
      covers: ['Mutation.runAnalysis.input.studyId'],
      query: runAnalysis,
      variables: (id) => analysis({ studyId: id }),
    },
    [a.studyId],
  );
  add(
    {
      name: 'runAnalysis(inputs.checkpointId)',
      covers: ['Mutation.runAnalysis.input.inputs.checkpointId'],
      query: runAnalysis,
      variables: (id) => analysis({ a: { checkpointId: id } }),
    },
    ckpts(),
  );
  add(
    {
      name: 'runAnalysis(inputs.runId)',
      expect: 'BAD_USER_INPUT',
      covers: ['Mutation.runAnalysis.input.inputs.runId'],
      query: runAnalysis,
      variables: (id) => analysis({ b: { runId: id } }),
    },
    runs(),
  );
  const blockSweep = (over: Record<string, string>) => ({
    in: {
      datasetId: b.datasetId,
      pretrainCheckpointId: b.pretrainCheckpointIds.at(-1),
      studyId: b.studyId,
      blockSizes: [4],
      seeds: [0],
      hyperparameters: hp,
      ...over,
    },
  });
  for (const [key, ids] of [
    ['datasetId', [a.datasetId]],
    ['pretrainCheckpointId', ckpts()],
    ['studyId', [a.studyId]],
  ] as const) {
    add(
      {
        name: `startBlockShuffleSweep(${key})`,
        covers: [`Mutation.startBlockShuffleSweep.input.${key}`],
        query: 'mutation($in: StartBlockShuffleSweepInput!) { startBlockShuffleSweep(input: $in) { id } }',
        variables: (id) => blockSweep({ [key]: id }),
      },
      [...ids],
    );
  }
  const ckptSweep = (over: Record<string, unknown>) => ({
    in: {
      datasetId: b.datasetId,
      pretrainRunId: b.pretrainRunId,
      studyId: b.studyId,
      seeds: [0],
      hyperparameters: hp,
      ...over,
    },
  });
  for (const [key, ids, wrap] of [
    ['datasetId', [a.datasetId], false],
    ['pretrainRunId', [a.pretrainRunId], false],
    ['studyId', [a.studyId], false],
    ['checkpointIds', ckpts(), true],
  ] as const) {
    add(
      {
        name: `startCheckpointSweep(${key})`,
        covers: [`Mutation.startCheckpointSweep.input.${key}`],
        query: 'mutation($in: StartCheckpointSweepInput!) { startCheckpointSweep(input: $in) { id } }',
        variables: (id) => ckptSweep({ [key]: wrap ? [b.pretrainCheckpointIds[0], id] : id }),
      },
      [...ids],
    );
  }
  for (const [key, ids] of [
    ['datasetId', [a.datasetId]],
    ['initCheckpointId', ckpts()],
    ['modelId', [a.modelId]],
    ['studyId', [a.studyId]],
  ] as const) {
    add(
      {
        name: `startFineTune(${key})`,
        covers: [`Mutation.startFineTune.input.${key}`],
        query: 'mutation($in: StartFineTuneInput!) { startFineTune(input: $in) { id } }',
        variables: (id) => ({
          in: {
            datasetId: b.datasetId,
            init: 'PRETRAINED',
            initCheckpointId: b.pretrainCheckpointIds.at(-1),
            studyId: b.studyId,
            hyperparameters: hp,
            [key]: id,
          },
        }),
      },
      [...ids],
    );
  }
  for (const [key, ids] of [
    ['datasetId', [a.datasetId]],
    ['modelId', [a.modelId]],
    ['studyId', [a.studyId]],
  ] as const) {
    add(
      {
        name: `startPretrain(${key})`,
        covers: [`Mutation.startPretrain.input.${key}`],
        query: 'mutation($in: StartPretrainInput!) { startPretrain(input: $in) { id } }',
        variables: (id) => ({
          in: {
            datasetId: b.datasetId,
            modelId: b.modelId,
            studyId: b.studyId,
            hyperparameters: hp,
            [key]: id,
          },
        }),
      },
      [...ids],
    );
  }
  // subscriptions
  for (const [field, arg, ids] of [
    ['runProgress', 'runId', runs()],
    ['studyEvents', 'studyId', [a.studyId]],
  ] as const) {
    add(
      {
        name: `subscription ${field}(${arg})`,
        covers: [`Subscription.${field}.${arg}`],
        query: `subscription($id: ID!) { ${field}(${arg}: $id) { type } }`,
        variables: (id) => ({ id }),
        ws: true,
      },
      [...ids],
    );
  }
  return list;
}

/** Every argument (or input field, at any depth) of a root field whose type is ID: what the probes must cover. */
function idArguments(schema: GraphQLSchema): string[] {
  const out: string[] = [];
  const walk = (path: string, type: GraphQLInputType, seen: Set<GraphQLNamedType>) => {
    let t: GraphQLInputType = type;
    while (isNonNullType(t) || isListType(t)) t = t.ofType as GraphQLInputType;
    if (isScalarType(t) && t.name === 'ID') out.push(path);
    const named = getNamedType(t);
    if (isInputObjectType(named) && !seen.has(named)) {
      for (const f of Object.values(named.getFields()))
        walk(`${path}.${f.name}`, f.type, new Set([...seen, named]));
    }
  };
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    for (const field of Object.values(root?.getFields() ?? {})) {
      for (const arg of field.args) walk(`${root!.name}.${field.name}.${arg.name}`, arg.type, new Set());
    }
  }
  return out.sort();
}

/** The answer over HTTP, or over graphql-ws (the first result, or the error the subscription ended with). */
async function ask(probe: Probe, id: string, token: string): Promise<unknown> {
  if (!probe.ws) {
    const r = await gql(app.url, probe.query, probe.variables(id), token);
    return { status: r.status, data: r.data ?? null, errors: r.errors ?? null };
  }
  const c: Client = createClient({
    url: app.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: true,
  });
  try {
    return await new Promise((resolve) => {
      c.subscribe(
        { query: probe.query, variables: probe.variables(id) },
        {
          next: (r) => resolve({ next: r }),
          error: (e) => resolve({ error: e }),
          complete: () => resolve({ complete: true }),
        },
      );
    });
  } finally {
    await c.dispose();
  }
}

/** The answer with the probed id written as `<id>` (as a whole token: ids here are 7 digits). */
const blank = (answer: unknown, id: string) =>
  JSON.stringify(answer).replace(new RegExp(`(?<![0-9])${id}(?![0-9])`, 'g'), '<id>');

/** Row counts of everything a mutation could write, and the job queue. */
async function snapshot(sql: Sql): Promise<Record<string, number>> {
  const tables = await sql<{ table_name: string }[]>`
    select table_name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`;
  const out: Record<string, number> = {};
  for (const { table_name } of tables) {
    const [r] = await sql.unsafe<{ n: number }[]>(`select count(*)::int as n from "${table_name}"`);
    out[table_name] = r!.n;
  }
  const [jobs] = await sql<{ n: number }[]>`select count(*)::int as n from graphile_worker._private_jobs`;
  out['graphile_worker.jobs'] = jobs!.n;
  return out;
}

describe('team B on team A’s ids', () => {
  test('every id-taking query, mutation and subscription has a probe', async () => {
    const wanted = idArguments(await basinSchema());
    const covered = new Set(probes().flatMap((p) => p.probe.covers));
    const missing = wanted.filter((p) => !covered.has(p));
    assert.deepEqual(
      missing,
      [],
      `operations taking an id without an adversarial probe: ${missing.join(', ')}`,
    );
    assert.ok(wanted.length >= 30, `found only ${wanted.length} id arguments`);
  });

  test('each answer equals the answer for an id never issued, and nothing is written', async () => {
    const before = await snapshot(db.sql);
    let calls = 0;
    for (const { probe, victimIds } of probes()) {
      const baseline = blank(await ask(probe, NEVER, b.token), NEVER);
      calls++;
      const expect = probe.expect ?? 'NOT_FOUND';
      assert.match(
        baseline,
        expect === 'EMPTY' ? /"totalCount":0/ : new RegExp(`"code":"${expect}"`),
        `${probe.name}: an unknown id should be answered ${expect}: ${baseline}`,
      );
      for (const id of victimIds) {
        const answer = blank(await ask(probe, id, b.token), id);
        calls++;
        assert.equal(answer, baseline, `${probe.name} with team A's id ${id} tells B something`);
      }
    }
    // importModel's weights are named by a hash rather than an id: A's blob is as unknown to B as a missing one
    const importModel = (hash: string) =>
      gql(
        app.url,
        'mutation($in: ImportModelInput!) { importModel(input: $in) { id } }',
        {
          in: {
            name: 'stolen',
            family: 'resnet',
            depth: 8,
            width: 16,
            inputShape: [28, 28, 1],
            numClasses: 10,
            modules: ['conv1'],
            weights: { blobHash: hash, blobSize: aBlob.size },
          },
        },
        b.token,
      );
    const stolen = blank(await importModel(aBlob.hash), aBlob.hash);
    const absent = blank(await importModel(NO_BLOB), NO_BLOB);
    calls += 2;
    assert.equal(stolen, absent);
    assert.match(absent, /"code":"NOT_FOUND"/);
    assert.deepEqual(await snapshot(db.sql), before, 'a refused probe wrote nothing');
    assert.ok(calls > 60, `${calls} calls`);
    console.log(
      `cross-team probes: ${probes().length + 1} operations × their ids, ${calls} calls, all answered as for an id never issued`,
    );
  });

  test('A still sees its own rows (the probes refuse B, not everyone)', async () => {
    const r = await gql(app.url, 'query($id: ID!) { run(id: $id) { id } }', { id: a.ptRunId }, a.token);
    assert.equal(r.data?.run.id, a.ptRunId);
  });
});

/** A query team A runs after each bad request: the server must still answer it. */
async function stillServing() {
  const r = await gql(app.url, '{ viewer { teamName } }', {}, a.token);
  assert.equal(r.data?.viewer.teamName, 'team-a', `server stopped serving: ${JSON.stringify(r)}`);
}

async function post(body: string | Buffer, headers: Record<string, string> = {}) {
  const res = await fetch(app.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${b.token}`, ...headers },
    body,
  });
  const text = await res.text();
  let json: GqlResponse | null = null;
  try {
    json = JSON.parse(text) as GqlResponse;
  } catch {}
  return { status: res.status, json, text };
}

const codeOf = (r: { json: GqlResponse | null }) => r.json?.errors?.[0]?.extensions?.code;

describe('malformed and oversized requests', () => {
  const kinds: Record<string, number> = {};
  const tried = (kind: string) => {
    kinds[kind] = (kinds[kind] ?? 0) + 1;
  };
  after(() => console.log(`adversarial request probes by kind: ${JSON.stringify(kinds)}`));

  test('HTTP: each gets a coded JSON error, and the server keeps serving', async () => {
    const cases: {
      kind: string;
      body: string | Buffer;
      headers?: Record<string, string>;
      status: number;
      code: string;
    }[] = [
      { kind: 'non-JSON body', body: 'query { viewer { teamName } }', status: 400, code: 'BAD_USER_INPUT' },
      {
        kind: 'non-JSON body',
        body: Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80]),
        status: 400,
        code: 'BAD_USER_INPUT',
      },
      {
        kind: 'non-JSON body',
        body: '{"query": "{ viewer { teamName } }"',
        status: 400,
        code: 'BAD_USER_INPUT',
      },
      {
        kind: 'huge body',
        body: JSON.stringify({ query: `{ viewer { teamName } }${' '.repeat(2_000_000)}` }),
        status: 413,
        code: 'BAD_USER_INPUT',
      },
      {
        kind: 'huge query string',
        body: JSON.stringify({ query: `{ ${'viewer { teamName } '.repeat(45_000)}}` }),
        status: 400,
        code: 'GRAPHQL_VALIDATION_FAILED',
      },
      {
        kind: 'aliases x 10,000',
        body: JSON.stringify({
          query: `{ ${Array.from({ length: 10_000 }, (_, i) => `a${i}: viewer { teamName }`).join(' ')} }`,
        }),
        status: 400,
        code: 'BAD_USER_INPUT',
      },
      {
        kind: 'deep nesting',
        body: JSON.stringify({
          query: `{ studies { ${'runs { edges { node { study { '.repeat(40)}id${' } } } }'.repeat(40)} } }`,
        }),
        status: 400,
        code: 'BAD_USER_INPUT',
      },
      {
        kind: 'deep fragments',
        body: JSON.stringify({ query: deepFragments(12, 10) }),
        status: 400,
        code: 'BAD_USER_INPUT',
      },
      {
        kind: 'batched operations',
        body: JSON.stringify(Array.from({ length: 100 }, () => ({ query: '{ viewer { teamName } }' }))),
        status: 400,
        code: 'BAD_REQUEST',
      },
      { kind: 'wrong shapes', body: JSON.stringify({ query: 42 }), status: 400, code: 'BAD_REQUEST' },
      {
        kind: 'wrong shapes',
        body: JSON.stringify({ query: '{ viewer { teamName } }', variables: 'x' }),
        status: 400,
        code: 'BAD_REQUEST',
      },
      { kind: 'wrong shapes', body: 'null', status: 400, code: 'BAD_USER_INPUT' },
      {
        kind: 'unparsable query',
        body: JSON.stringify({ query: '{ viewer { '.repeat(1000) }),
        status: 400,
        code: 'GRAPHQL_PARSE_FAILED',
      },
      {
        kind: 'unparsable query',
        body: JSON.stringify({ query: '\u0000\u0001' }),
        status: 400,
        code: 'GRAPHQL_PARSE_FAILED',
      },
    ];
    for (const c of cases) {
      const r = await post(c.body, c.headers);
      tried(c.kind);
      assert.ok(r.json, `${c.kind}: the answer is JSON, got ${r.text.slice(0, 200)}`);
      assert.equal(r.status, c.status, `${c.kind}: ${r.text.slice(0, 300)}`);
      assert.equal(codeOf(r), c.code, `${c.kind}: ${r.text.slice(0, 300)}`);
      assert.doesNotMatch(r.text, /at .*\.(ts|js):\d+/, `${c.kind}: no stack trace`);
      await stillServing();
    }
  });

  test('WebSocket: binary frames, bad JSON and unknown messages close that socket with a code; others are served', async () => {
    const cases: { kind: string; send: (ws: WebSocket) => void; init?: boolean }[] = [
      {
        kind: 'binary WebSocket frame',
        send: (ws) => ws.send(Buffer.from([0, 1, 2, 255]), { binary: true }),
      },
      {
        kind: 'binary WebSocket frame',
        init: true,
        send: (ws) => ws.send(Buffer.from('{"type":"ping"}'), { binary: true }),
      },
      { kind: 'bad WebSocket JSON', send: (ws) => ws.send('{"type": "connection_init"') },
      { kind: 'bad WebSocket JSON', send: (ws) => ws.send('[]') },
      { kind: 'unknown WebSocket message', send: (ws) => ws.send(JSON.stringify({ type: 'explode' })) },
      {
        kind: 'subscribe before init',
        send: (ws) =>
          ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { x }' } })),
      },
      {
        kind: 'huge WebSocket frame',
        init: true,
        send: (ws) =>
          ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: ' '.repeat(2_000_000) } })),
      },
    ];
    for (const c of cases) {
      const closed = await rawSocket(c.init ?? false, c.send);
      tried(c.kind);
      assert.ok(closed.code >= 1000 && closed.code !== 1006, `${c.kind}: closed with code ${closed.code}`);
      assert.ok(
        closed.code === 1009 || (closed.code >= 4400 && closed.code < 4500),
        `${c.kind}: code ${closed.code} ${closed.reason}`,
      );
      await stillServing();
    }
  });
});

/** `levels` fragments each spreading the next `fan` times: exponential if expanded, refused before it is. */
function deepFragments(levels: number, fan: number): string {
  const parts = ['query { ...F0 }'];
  for (let i = 0; i < levels; i++) {
    const spreads = Array.from({ length: fan }, () => `...F${i + 1}`).join(' ');
    parts.push(`fragment F${i} on Query { viewer { teamName } ${spreads} }`);
  }
  parts.push(`fragment F${levels} on Query { viewer { teamName } }`);
  return parts.join('\n');
}

/** A raw graphql-transport-ws socket: optionally initialised, then `send`; resolves with how the server closed it. */
function rawSocket(init: boolean, send: (ws: WebSocket) => void): Promise<{ code: number; reason: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(app.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('the server never closed the socket'));
    }, 10_000);
    ws.on('open', () => {
      if (!init) return send(ws);
      ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${b.token}` } }));
    });
    ws.on('message', (m) => {
      if (init && JSON.parse(String(m)).type === 'connection_ack') send(ws);
    });
    ws.on('close', (code, reason) => {
      clearTimeout(timer);
      resolve({ code, reason: String(reason) });
    });
    ws.on('error', () => {});
  });
}
