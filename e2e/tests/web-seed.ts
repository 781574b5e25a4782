import {
  createAnalysis,
  createCheckpoint,
  createRuns,
  ensureTeam,
  ingestMetrics,
  type MetricPoint,
  type Sql,
} from '@basin/db';

/** Minimal GraphQL-over-HTTP client (POST, as Apollo's CSRF guard wants); throws on GraphQL errors. */
export function graphqlClient(url: string) {
  return async <T = Record<string, { id: string }>>(
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<T> => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
    if (body.errors?.length) throw new Error(`GraphQL: ${body.errors.map((e) => e.message).join('; ')}`);
    return body.data as T;
  };
}

/** Runs a mutation and returns the id of what it made (the first field's `id`). */
async function made(
  gql: ReturnType<typeof graphqlClient>,
  query: string,
  variables: Record<string, unknown>,
): Promise<string> {
  const data = await gql<Record<string, { id: string }>>(query, variables);
  const first = Object.values(data)[0];
  if (!first) throw new Error(`no result from ${query}`);
  return first.id;
}

export const MODULES = ['conv1', 'layer1.0', 'layer2.0', 'layer3.0', 'fc'];

/** The seeded study's `config.setup` (parts separated by "; ", as `basin study` writes it). */
export const STUDY_SETUP =
  'pretrain 3 epochs on 1000 examples at lr 0.01; P-T and RI-T fine-tune alike: 1000 examples, batch 64, lr 0.01 for both inits; optimisation speed = mean training accuracy over the first 1 epoch, the same budget for both; 2 seeds per init';

export interface SeededStudy {
  studyId: string;
  studyName: string;
  teamId: string;
  pretrainRunId: string;
  pretrainCheckpoints: string[];
  ptRuns: string[];
  ritRuns: string[];
  /** A P-T fine-tune left RUNNING: the test feeds it progress events. */
  liveRunId: string;
  liveSteps: number;
  finalCheckpoints: Record<string, string>;
  analyses: Record<string, string>;
  mnistId: string;
  modelId: string;
}

const stats = (values: number[]) => {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std =
    values.length > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1)) : 0;
  return { mean, std, ciLow: mean - 2 * std, ciHigh: mean + 2 * std, n: values.length, values };
};

/** A training curve: loss falling, accuracy rising, one-step loss spike at `spikeAt` (it must survive downsampling). */
export function curve(steps: number, final: number, seed: number, from = 1, spikeAt?: number): MetricPoint[] {
  const pts: MetricPoint[] = [];
  for (let s = from; s <= steps; s++) {
    const t = s / steps;
    const noise = Math.sin(s * 1.7 + seed) * 0.02;
    pts.push({ key: 'train/loss', step: s, value: s === spikeAt ? 6 : 2.3 * Math.exp(-3 * t) + 0.1 + noise });
    pts.push({ key: 'train/acc', step: s, value: Math.min(1, final * (1 - Math.exp(-4 * t)) + noise) });
    if (s % 20 === 0) pts.push({ key: 'test/acc', step: s, value: final * (1 - Math.exp(-4 * t)) });
  }
  return pts;
}

/**
 * A small study as a person would build it, through the API where the API can (study, datasets, model, pretrain,
 * fine-tunes, analyses). What only a runner writes (status, metrics, checkpoints, analysis results) is written
 * here with @basin/db's helpers: this e2e starts Basin with `--runners 0`, because training on two shared cores
 * would make a browser test slow and its numbers random, and the runner's own tests cover that it writes these.
 */
export async function seedStudy(gql: ReturnType<typeof graphqlClient>, sql: Sql): Promise<SeededStudy> {
  const team = await ensureTeam(sql, 'default');
  const studyName = 'Fashion-MNIST → MNIST (e2e)';
  const studyId = await made(gql, `mutation($i: CreateStudyInput!) { createStudy(input: $i) { id } }`, {
    i: {
      name: studyName,
      description: 'Does pretraining on Fashion-MNIST help MNIST, and why?',
      // as `basin study` stores it: the setup in words, shown beside the findings
      config: { setup: STUDY_SETUP },
    },
  });
  const dataset = async (name: string, kind: string) =>
    made(gql, `mutation($i: RegisterDatasetInput!) { registerDataset(input: $i) { id } }`, {
      i: {
        name,
        kind,
        imageShape: [28, 28, 1],
        classes: [...'0123456789'],
        trainSize: 1000,
        testSize: 200,
      },
    });
  const fashionId = await dataset('Fashion-MNIST (small)', 'FASHION_MNIST');
  const mnistId = await dataset('MNIST (small)', 'MNIST');
  const modelId = await made(gql, `mutation($i: ImportModelInput!) { importModel(input: $i) { id } }`, {
    i: {
      name: 'resnet-8',
      family: 'resnet',
      depth: 8,
      width: 16,
      inputShape: [28, 28, 1],
      modules: MODULES,
      numClasses: 10,
    },
  });
  const hp = { epochs: 3, batchSize: 64, learningRate: 0.01 };

  const pretrainRunId = await made(
    gql,
    `mutation($i: StartPretrainInput!) { startPretrain(input: $i) { id } }`,
    {
      i: { studyId, datasetId: fashionId, modelId, seed: 0, name: 'pretrain fashion', hyperparameters: hp },
    },
  );
  const finish = async (runId: string, summary: Record<string, unknown>) => {
    await sql`update runs set status = 'SUCCEEDED', backend = 'wasm', summary = ${sql.json(summary as never)},
      started_at = created_at, finished_at = now() where id = ${runId}`;
  };
  await ingestMetrics(sql, pretrainRunId, curve(150, 0.88, 0));
  const pretrainCheckpoints: string[] = [];
  for (const epoch of [1, 2, 3]) {
    const c = await createCheckpoint(sql, team.id, {
      modelId,
      runId: pretrainRunId,
      step: epoch * 50,
      epoch,
      blobHash: `${'a'.repeat(62)}0${epoch}`,
      blobSize: 180_000,
      metrics: { 'test/acc': 0.8 + epoch * 0.02 },
    });
    pretrainCheckpoints.push(c.id);
  }
  await finish(pretrainRunId, { testAcc: 0.86, finalCheckpointId: pretrainCheckpoints[2] });
  const init = pretrainCheckpoints[2]!;

  const fineTune = async (kind: 'PRETRAINED' | 'RANDOM', seed: number) =>
    made(gql, `mutation($i: StartFineTuneInput!) { startFineTune(input: $i) { id } }`, {
      i: {
        studyId,
        datasetId: mnistId,
        init: kind,
        ...(kind === 'PRETRAINED' ? { initCheckpointId: init } : { modelId }),
        seed,
        name: `${kind === 'PRETRAINED' ? 'P-T' : 'RI-T'} seed ${seed}`,
        hyperparameters: hp,
      },
    });
  const ptRuns = [await fineTune('PRETRAINED', 0), await fineTune('PRETRAINED', 1)];
  const ritRuns = [await fineTune('RANDOM', 0), await fineTune('RANDOM', 1)];
  const finalCheckpoints: Record<string, string> = {};
  const acc: Record<string, number> = {
    [ptRuns[0]!]: 0.97,
    [ptRuns[1]!]: 0.965,
    [ritRuns[0]!]: 0.91,
    [ritRuns[1]!]: 0.9,
  };
  // optimisation speed: mean training accuracy over the first epoch, as the runner summarises it
  const speed: Record<string, number> = {
    [ptRuns[0]!]: 0.93,
    [ptRuns[1]!]: 0.925,
    [ritRuns[0]!]: 0.85,
    [ritRuns[1]!]: 0.84,
  };
  for (const [i, runId] of [...ptRuns, ...ritRuns].entries()) {
    await ingestMetrics(sql, runId, curve(200, acc[runId]!, i, 1, i === 2 ? 77 : undefined));
    const c = await createCheckpoint(sql, team.id, {
      modelId,
      runId,
      parentCheckpointId: ptRuns.includes(runId) ? init : null,
      step: 200,
      epoch: 3,
      blobHash: `${'b'.repeat(62)}${String(i).padStart(2, '0')}`,
      blobSize: 180_000,
      metrics: { 'test/acc': acc[runId]! },
    });
    finalCheckpoints[runId] = c.id;
    await finish(runId, {
      testAcc: acc[runId],
      speed: speed[runId],
      speedEpochs: 1,
      converged: true,
      epochs: 3,
      finalCheckpointId: c.id,
    });
  }

  const liveRunId = await fineTune('PRETRAINED', 2);
  const liveSteps = 30;
  await sql`update runs set status = 'RUNNING', backend = 'wasm', started_at = now() where id = ${liveRunId}`;
  await ingestMetrics(sql, liveRunId, curve(liveSteps, 0.96, 5));

  // analyses: queued through the API (inputs, lineage), results written as a runner would
  const [pt0, pt1] = ptRuns.map((r) => finalCheckpoints[r]!);
  const [rit0, rit1] = ritRuns.map((r) => finalCheckpoints[r]!);
  const ref = (checkpointId: string, runId: string | null, label: string) => ({ checkpointId, runId, label });
  const A = ref(pt0!, ptRuns[0]!, 'P-T seed 0');
  const B = ref(pt1!, ptRuns[1]!, 'P-T seed 1');
  const C = ref(rit0!, ritRuns[0]!, 'RI-T seed 0');
  const D = ref(rit1!, ritRuns[1]!, 'RI-T seed 1');
  const pairs = [
    [A, B, 'PT_PT'],
    [C, D, 'RIT_RIT'],
    [A, C, 'PT_RIT'],
  ] as const;
  const analyses: Record<string, string> = {};
  const mnist = { id: mnistId, name: 'MNIST (small)' };
  const run = async (
    kind: string,
    inputs: string[],
    params: Record<string, unknown>,
    result: Record<string, unknown>,
  ) => {
    const id = await made(gql, `mutation($i: RunAnalysisInput!) { runAnalysis(input: $i) { id } }`, {
      i: {
        kind,
        studyId,
        name: `${kind.toLowerCase().replace('_', ' ')} of the fine-tunes`,
        inputs: inputs.map((checkpointId) => ({ checkpointId })),
        params,
      },
    });
    await complete(id, { kind, sanity: [], ...result });
    analyses[kind] = id;
  };
  const complete = async (id: string, result: Record<string, unknown>) => {
    await sql`update analyses set status = 'SUCCEEDED', progress = 1, result = ${sql.json(result as never)},
      started_at = now() - interval '1 minute', finished_at = now() where id = ${id}`;
  };
  const pairInputs = {
    pairs: [
      [0, 1],
      [2, 3],
      [0, 2],
    ],
  };
  const ckaMatrix = (diag: number) =>
    MODULES.map((_, i) =>
      MODULES.map((_, j) =>
        Number((i === j ? diag - i * 0.05 : diag * 0.6 - Math.abs(i - j) * 0.08).toFixed(3)),
      ),
    );
  await run(
    'CKA',
    [pt0!, pt1!, rit0!, rit1!],
    { ...pairInputs, examples: 500 },
    {
      debiased: false,
      examples: 500,
      split: 'test',
      dataset: mnist,
      pairs: pairs.map(([a, b, pairType], k) => ({
        a,
        b,
        pairType,
        modulesA: MODULES,
        modulesB: MODULES,
        values: ckaMatrix([0.96, 0.55, 0.45][k]!),
      })),
    },
  );
  await run(
    'MISTAKES',
    [pt0!, pt1!, rit0!, rit1!],
    { ...pairInputs, examples: 200 },
    {
      examples: 200,
      split: 'test',
      dataset: mnist,
      pairs: pairs.map(([a, b, pairType], k) => ({
        a,
        b,
        pairType,
        common: [5, 9, 6][k],
        onlyA: [1, 9, 0][k],
        onlyB: [2, 10, 12][k],
        accuracyA: 0.97,
        accuracyB: 0.905,
        agreement: [0.98, 0.9, 0.92][k],
        wrongAgreement: [0.8, 0.5, 0.6][k],
      })),
    },
  );
  await run('PARAM_DISTANCE', [pt0!, pt1!, rit0!, rit1!], pairInputs, {
    pairs: pairs.map(([a, b, pairType], k) => ({
      a,
      b,
      pairType,
      total: [4.2, 61.5, 70.3][k],
      modules: MODULES.slice(0, 4).map((module, i) => ({
        module,
        distance: [1, 14, 16][k]! * (i + 1) * 0.5,
        numel: 4096 * (i + 1),
      })),
      excluded: [{ module: 'fc', reason: 'shapes differ', shapeA: [64, 10], shapeB: [64, 5] }].slice(
        0,
        k === 2 ? 1 : 0,
      ),
    })),
  });
  const lambdas = Array.from({ length: 21 }, (_, i) => i / 20);
  await run(
    'BARRIER',
    [pt0!, pt1!, rit0!, rit1!],
    {
      pairs: [
        [0, 1],
        [2, 3],
      ],
      points: 21,
    },
    {
      split: 'test',
      dataset: mnist,
      pairs: pairs.slice(0, 2).map(([a, b, pairType], k) => {
        const h = [0.01, 1.4][k]!;
        const loss = lambdas.map((l) => 0.1 + h * 4 * l * (1 - l));
        const error = lambdas.map((l) => 0.03 + (h / 3) * 4 * l * (1 - l));
        return { a, b, pairType, lambdas, loss, error, lossBarrier: h, errorBarrier: h / 3 };
      }),
    },
  );
  const alphas = [0.01, 0.2, 0.4, 0.6, 0.8, 1];
  const sigmas = [0.01, 0.1, 0.5, 1];
  await run(
    'MODULE_CRITICALITY',
    [init, pt0!],
    { examples: 200, alphas, sigmas, noiseSamples: 4 },
    {
      initial: ref(init, pretrainRunId, 'pretrained'),
      final: A,
      epsilon: 0.01,
      noiseSamples: 4,
      finalLoss: 0.1,
      finalAccuracy: 0.97,
      split: 'train',
      dataset: mnist,
      alphas,
      sigmas,
      modules: MODULES.map((module, m) => ({
        module,
        criticality: m === 4 ? null : [0.02, 0.1, 0.9, 2.4][m],
        bestAlpha: m === 4 ? null : 0.2,
        bestSigma: m === 4 ? null : 0.1,
        distance: 1 + m,
        meanLoss: alphas.map((a) => sigmas.map((s) => 0.1 + (m / 4) * (1 - a) * 2 + s * 0.2 * m)),
        rewindLoss: 0.1 + m * 0.5,
        rewindAccuracy: 0.97 - m * 0.15,
      })),
    },
  );
  const sweep = async (
    kind: 'BLOCK_SHUFFLE' | 'CHECKPOINT_SWEEP',
    name: string,
    result: Record<string, unknown>,
  ) => {
    const a = await createAnalysis(sql, team.id, { kind, studyId, name, params: {} });
    await complete(a.id, { kind, sanity: [], ...result });
    analyses[kind] = a.id;
  };
  const row = (blockSize: number | null, label: string, pt: number[], rit: number[]) => ({
    blockSize,
    label,
    pretrainedAccuracy: stats(pt),
    randomAccuracy: stats(rit),
    pretrainedSpeed: stats(pt.map((v) => v - 0.05)),
    randomSpeed: stats(rit.map((v) => v - 0.1)),
    relativeDrop: stats(pt.map((v, i) => (100 * (v - rit[i]!)) / v)),
    pretrainedRunIds: [],
    randomRunIds: [],
    note: null,
  });
  await sweep('BLOCK_SHUFFLE', 'block shuffle on MNIST', {
    datasetId: mnistId,
    pretrainCheckpointId: init,
    seeds: [0, 1],
    rows: [
      row(null, 'none', [0.97, 0.965], [0.91, 0.9]),
      row(14, '14', [0.95, 0.94], [0.9, 0.89]),
      row(7, '7', [0.9, 0.91], [0.88, 0.87]),
      row(4, '4', [0.85, 0.84], [0.84, 0.83]),
      row(0, '*', [0.6, 0.62], [0.6, 0.61]),
    ],
  });
  await sweep('CHECKPOINT_SWEEP', 'which pretraining checkpoint', {
    pretrainRunId,
    datasetId: mnistId,
    seeds: [0, 1],
    points: pretrainCheckpoints.map((checkpointId, i) => ({
      checkpointId,
      epoch: i + 1,
      step: (i + 1) * 50,
      accuracy: stats(
        [
          [0.94, 0.95],
          [0.962, 0.966],
          [0.97, 0.965],
        ][i]!,
      ),
      speed: stats([0.8, 0.82]),
      runIds: [],
    })),
    randomInit: { accuracy: stats([0.91, 0.9]), speed: stats([0.7, 0.72]), runIds: ritRuns },
  });

  return {
    studyId,
    studyName,
    teamId: team.id,
    pretrainRunId,
    pretrainCheckpoints,
    ptRuns,
    ritRuns,
    liveRunId,
    liveSteps,
    finalCheckpoints,
    analyses,
    mnistId,
    modelId,
  };
}

/**
 * A second study with `count` RI-T fine-tunes of `steps` steps each (train/loss with a spike per run), for the
 * "20 runs × 1,000 points" check; runs made through @basin/db directly, since only their curves matter.
 */
export async function seedScaleStudy(
  sql: Sql,
  teamId: string,
  modelId: string,
  datasetId: string,
  count = 20,
  steps = 1000,
) {
  const [study] = await sql<{ id: string }[]>`
    insert into studies (team_id, name, description) values (${teamId}, 'Scale (e2e)', '20 runs × 1,000 steps') returning id`;
  // lineage of more than 100 nodes: a pretrain run with 5 checkpoints, fine-tunes from them (P-T) or from
  // nothing (RI-T), 4 checkpoints each
  const [pretrain] = await createRuns(sql, teamId, [
    { studyId: study!.id, name: 'scale pretrain', kind: 'PRETRAIN', init: 'RANDOM', datasetId, modelId },
  ]);
  const hash = (n: number) => n.toString(16).padStart(64, 'c');
  let blobs = 1000;
  const pre: string[] = [];
  for (let e = 1; e <= 5; e++) {
    const c = await createCheckpoint(sql, teamId, {
      modelId,
      runId: pretrain!.id,
      step: e * 10,
      epoch: e,
      blobHash: hash(blobs++),
      blobSize: 1000,
    });
    pre.push(c.id);
  }
  const runs = await createRuns(
    sql,
    teamId,
    Array.from({ length: count }, (_, i) => ({
      studyId: study!.id,
      name: `scale run ${i + 1}`,
      kind: 'FINETUNE' as const,
      init: i % 2 ? ('RANDOM' as const) : ('PRETRAINED' as const),
      initCheckpointId: i % 2 ? null : pre[(i / 2) % 5]!,
      datasetId,
      modelId,
      seed: i,
    })),
  );
  for (const r of runs)
    for (let e = 1; e <= 4; e++)
      await createCheckpoint(sql, teamId, {
        modelId,
        runId: r.id,
        parentCheckpointId: r.initCheckpointId,
        step: e * 250,
        epoch: e,
        blobHash: hash(blobs++),
        blobSize: 1000,
      });
  for (const [i, r] of runs.entries()) {
    const pts: MetricPoint[] = [];
    for (let s = 1; s <= steps; s++)
      pts.push({
        key: 'train/loss',
        step: s,
        value:
          s === 100 + i * 40
            ? 5
            : 2 * Math.exp((-3 * s) / steps) + 0.05 * Math.sin(s / 7 + i) + 0.1 + i * 0.01,
      });
    await ingestMetrics(sql, r.id, pts);
  }
  return { studyId: study!.id, runIds: runs.map((r) => r.id) };
}
