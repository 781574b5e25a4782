import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BlobStore,
  createAnalysis,
  createApiToken,
  createCheckpoint,
  createModel,
  createRuns,
  createStudy,
  createTestDatabase,
  ensureTeam,
  ingestMetrics,
  registerDataset,
  type Sql,
  type TestDatabase,
} from '@basin/db';
import { type App, createApp } from '../src/app';

/**
 * The test API's only dataset root (BASIN_DATA_ROOTS): holds `domainnet/` and `escape`, a symbolic link out of
 * the root (to the system's temp folder).
 */
export const DATA_ROOT = mkdtempSync(join(tmpdir(), 'basin-data-root-'));
mkdirSync(join(DATA_ROOT, 'domainnet'));
symlinkSync(tmpdir(), join(DATA_ROOT, 'escape'));

/** The test API's blob store (what imported weights must be in). */
export const BLOBS = new BlobStore(mkdtempSync(join(tmpdir(), 'basin-api-blobs-')));

/** The rows a test world holds for one team. */
export interface TeamWorld {
  teamId: string;
  token: string;
  readToken: string;
  studyId: string;
  datasetId: string;
  modelId: string;
  pretrainRunId: string;
  /** Checkpoints of the pretrain run, epochs 1..3. */
  pretrainCheckpointIds: string[];
  /** P-T fine-tune from the last pretrain checkpoint, and its checkpoint. */
  ptRunId: string;
  ptCheckpointId: string;
  ritRunId: string;
  ritCheckpointId: string;
  ckaAnalysisId: string;
}

export const HASH = (n: number) => n.toString(16).padStart(64, '0');

/** Inserts one team's study, dataset, model, runs with lineage, metrics and a finished CKA analysis. */
export async function seedTeam(sql: Sql, name: string): Promise<TeamWorld> {
  const team = await ensureTeam(sql, name);
  const { token } = await createApiToken(sql, { teamId: team.id, name: 'test' });
  const { token: readToken } = await createApiToken(sql, { teamId: team.id, name: 'ro', scope: 'read' });
  const study = await createStudy(sql, team.id, { name: 'Fashion-MNIST → MNIST' });
  const dataset = await registerDataset(sql, team.id, {
    name: 'mnist',
    kind: 'MNIST',
    imageShape: [28, 28, 1],
    classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    trainSize: 60000,
    testSize: 10000,
  });
  const model = await createModel(sql, team.id, {
    name: 'resnet-8',
    family: 'resnet',
    depth: 8,
    width: 16,
    inputShape: [28, 28, 1],
    numClasses: 10,
    modules: ['conv1', 'layer1.0', 'layer2.0', 'fc'],
  });
  const base = { studyId: study.id, datasetId: dataset.id, modelId: model.id };
  const [pre] = await createRuns(sql, team.id, [
    { ...base, kind: 'PRETRAIN', init: 'RANDOM', name: 'pretrain' },
  ]);
  const pretrainCheckpointIds: string[] = [];
  for (let e = 1; e <= 3; e++) {
    const c = await createCheckpoint(sql, team.id, {
      modelId: model.id,
      runId: pre!.id,
      step: e * 100,
      epoch: e,
      blobHash: HASH(e),
      blobSize: 1000,
      metrics: { 'test/acc': 0.8 + e / 100 },
    });
    pretrainCheckpointIds.push(c.id);
  }
  const last = pretrainCheckpointIds.at(-1)!;
  const [pt, rit] = await createRuns(sql, team.id, [
    {
      ...base,
      kind: 'FINETUNE',
      init: 'PRETRAINED',
      initCheckpointId: last,
      seed: 1,
      blockSize: 4,
      name: 'pt',
    },
    { ...base, kind: 'FINETUNE', init: 'RANDOM', seed: 1, blockSize: 4, name: 'rit' },
  ]);
  const ptCk = await createCheckpoint(sql, team.id, {
    modelId: model.id,
    runId: pt!.id,
    step: 50,
    epoch: 1,
    blobHash: HASH(10),
    blobSize: 1000,
  });
  const ritCk = await createCheckpoint(sql, team.id, {
    modelId: model.id,
    runId: rit!.id,
    step: 50,
    epoch: 1,
    blobHash: HASH(11),
    blobSize: 1000,
  });
  // metrics: a loss curve with one spike at step 500
  for (const [run, offset] of [
    [pt!.id, 0],
    [rit!.id, 0.5],
  ] as const) {
    const points = [];
    for (let s = 0; s < 1000; s++) {
      points.push({ key: 'train/loss', step: s, value: s === 500 ? 99 : 2 - s / 1000 + offset });
      if (s % 100 === 0) points.push({ key: 'test/acc', step: s, value: s / 1000 });
    }
    await ingestMetrics(sql, run, points);
  }
  const cka = await createAnalysis(sql, team.id, {
    kind: 'CKA',
    studyId: study.id,
    inputs: [
      { checkpointId: ptCk.id, role: 'a' },
      { checkpointId: ritCk.id, role: 'b' },
    ],
  });
  const ref = (c: string, r: string, label: string) => ({ checkpointId: c, runId: r, label });
  await sql`update analyses set status = 'SUCCEEDED', progress = 1, result = ${sql.json({
    kind: 'CKA',
    debiased: false,
    examples: 100,
    split: 'test',
    pairs: [
      {
        a: ref(ptCk.id, pt!.id, 'P-T'),
        b: ref(ritCk.id, rit!.id, 'RI-T'),
        pairType: 'PT_RIT',
        modulesA: ['conv1', 'fc'],
        modulesB: ['conv1', 'fc'],
        values: [
          [0.9, 0.2],
          [0.3, 0.5],
        ],
      },
    ],
  } as never)} where id = ${cka.id}`;
  return {
    teamId: team.id,
    token,
    readToken,
    studyId: study.id,
    datasetId: dataset.id,
    modelId: model.id,
    pretrainRunId: pre!.id,
    pretrainCheckpointIds,
    ptRunId: pt!.id,
    ptCheckpointId: ptCk.id,
    ritRunId: rit!.id,
    ritCheckpointId: ritCk.id,
    ckaAnalysisId: cka.id,
  };
}

/** A GraphQL response as a client sees it. */
// biome-ignore lint/suspicious/noExplicitAny: GraphQL response data in tests
export interface GqlResponse<T = Record<string, any>> {
  status: number;
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; [k: string]: unknown }; path?: unknown[] }[];
}

/** POSTs an operation to the API over real HTTP. */
// biome-ignore lint/suspicious/noExplicitAny: GraphQL response data in tests
export async function gql<T = Record<string, any>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<GqlResponse<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as Omit<GqlResponse<T>, 'status'>;
  return { status: res.status, ...body };
}

/** A test database with the job queue, two teams, and an API on a free port requiring tokens. */
export async function startWorld(): Promise<{ db: TestDatabase; app: App; a: TeamWorld; b: TeamWorld }> {
  const db = await createTestDatabase({ jobQueue: true });
  const a = await seedTeam(db.sql, 'team-a');
  const b = await seedTeam(db.sql, 'team-b');
  const app = createApp({
    sql: db.sql,
    auth: { mode: 'token' },
    port: 0,
    host: '127.0.0.1',
    dataRoots: [DATA_ROOT],
    blobs: BLOBS,
    // the suites send hundreds of requests a minute with one token; tokens.test.ts tests the limit on its own API
    rateLimit: null,
  });
  await app.start();
  return { db, app, a, b };
}
