import { setTimeout as delay } from 'node:timers/promises';
import type { ResultOf, VariablesOf } from '@basin/schema';
import type { GraphQLClient } from './client';
import {
  CREATE_STUDY,
  DATASETS,
  FINDINGS_QUERY,
  IMPORT_MODEL,
  MODELS,
  REGISTER_DATASET,
  RUN_ANALYSIS,
  START_BLOCK_SHUFFLE,
  START_CHECKPOINT_SWEEP,
  START_FINETUNE,
  START_PRETRAIN,
  STUDIES,
  STUDY_STATE,
} from './documents';
import type { DatasetPlan, StudyPlan } from './plan';
import { ProgressBoard } from './progress';

type Findings = NonNullable<ResultOf<typeof FINDINGS_QUERY>['study']>;
/** A finding as the API returns it (Study.findings). */
export type FindingRow = Findings['findings'][number];
/** One of the paper's tables as the API returns it (Study.findingsTables). */
export type TableRow = Findings['findingsTables'][number];

type StudyState = NonNullable<ResultOf<typeof STUDY_STATE>['study']>;
type RunRow = StudyState['runs']['edges'][number]['node'];
type AnalysisRow = StudyState['analyses'][number];
type Status = RunRow['status'];

const live = (s: Status) => s === 'QUEUED' || s === 'RUNNING' || s === 'SUCCEEDED';
const ended = (s: Status) => s === 'SUCCEEDED' || s === 'FAILED' || s === 'CANCELLED';

export interface OrchestrateOptions {
  client: GraphQLClient;
  plan: StudyPlan;
  out: NodeJS.WritableStream & { isTTY?: boolean };
  signal: AbortSignal;
  /** Poll interval in ms. Default 1000. */
  pollMs?: number;
}

export interface StudyOutcome {
  studyId: string;
  findings: FindingRow[];
  tables: TableRow[];
  failures: string[];
  seconds: number;
}

/**
 * Runs the default study through the public GraphQL API, exactly as a user's script would: registers datasets
 * and the model, queues the pretraining, then every fine-tune, sweep and analysis, and follows them to the end.
 * @remarks Every object has a deterministic name, and each step first looks for its object by name: after Ctrl-C and
 * a restart the study carries on where it was (runners resume their runs from checkpoints); failed or cancelled
 * work is queued again.
 */
export async function runStudy(o: OrchestrateOptions): Promise<StudyOutcome> {
  const t0 = Date.now();
  const ctx = await openStudy(o);
  const source = await pretrainSource(ctx);
  const queued = await queueTraining(ctx, source);
  const failures = await followToEnd(ctx, source, queued);
  const { study } = await ctx.client.request(FINDINGS_QUERY, { id: ctx.studyId });
  if (!study) throw new Error(`study ${ctx.studyId} is gone`);
  return {
    studyId: ctx.studyId,
    findings: study.findings,
    tables: study.findingsTables,
    failures,
    seconds: (Date.now() - t0) / 1000,
  };
}

/** What every step of a study works with: the API, the plan, the objects it made, the progress board. */
interface StudyContext {
  client: GraphQLClient;
  plan: StudyPlan;
  studyId: string;
  modelId: string;
  datasetId(key: string): string;
  board: ProgressBoard;
  pollMs: number;
  sleep(ms: number): Promise<void>;
  /** Throws when the study was interrupted (Ctrl-C). */
  stopped(): void;
  /** The study's runs and analyses now, by name (the newest object of each name). */
  state(): Promise<{ runByName: Map<string, RunRow>; analysisByName: Map<string, AnalysisRow> }>;
  /** Hyperparameters of the pretraining run and of every fine-tune (P-T and RI-T alike). */
  hp(h: StudyPlan['pretrain'], extra?: Record<string, unknown>): Record<string, unknown>;
  ftHp(testExamples: number): Record<string, unknown>;
}

/** The pretraining run and its final checkpoint, which every P-T fine-tune starts from. */
interface Source {
  pretrain: RunRow;
  finalCkpt: { id: string };
}

/** The names of what {@link queueTraining} queued. */
interface Queued {
  ftNames: string[];
  bsName: string;
  csName: string;
}

/** Finds or creates the study, its datasets and its model; sets up the board and the helpers. */
async function openStudy(o: OrchestrateOptions): Promise<StudyContext> {
  const { client, plan, signal } = o;
  const board = new ProgressBoard(o.out, [
    { name: 'pretrain', done: 0, total: plan.pretrain.epochs },
    { name: 'fine-tune P-T / RI-T', done: 0, total: plan.targets.length * plan.seeds.length * 2 },
    { name: 'block-shuffle sweep', done: 0, total: 1 },
    { name: 'checkpoint sweep', done: 0, total: 1 },
    { name: 'analyses', done: 0, total: 1 },
  ]);
  // node's abortable timer drops its abort listener when it fires (one listener per poll piled up before)
  const sleep = (ms: number) => delay(ms, undefined, { signal }).catch(() => undefined);
  const stopped = () => {
    if (signal.aborted) throw new Error('study interrupted; it resumes on the next start');
  };

  const studyId = await ensureStudy(client, plan);
  const datasetIds = new Map<string, string>();
  for (const d of [plan.source, ...plan.targets]) datasetIds.set(d.key, await ensureDataset(client, d));
  const datasetId = (key: string) => {
    const id = datasetIds.get(key);
    if (!id) throw new Error(`dataset ${key} is not in the study plan`);
    return id;
  };
  const modelId = await ensureModel(client, plan, plan.source);

  const state = async () => {
    const runs: RunRow[] = [];
    let after: string | null = null;
    let analyses: AnalysisRow[] = [];
    for (;;) {
      const page: ResultOf<typeof STUDY_STATE> = await client.request(STUDY_STATE, { id: studyId, after });
      if (!page.study) throw new Error(`study ${studyId} is gone`);
      runs.push(...page.study.runs.edges.map((e) => e.node));
      analyses = page.study.analyses;
      if (!page.study.runs.pageInfo.hasNextPage) break;
      after = page.study.runs.pageInfo.endCursor;
    }
    // newest object of each name wins (a failed one may have been queued again)
    const runByName = new Map<string, RunRow>();
    for (const r of runs) runByName.set(r.name, r);
    const analysisByName = new Map<string, AnalysisRow>();
    for (const a of [...analyses].reverse()) analysisByName.set(a.name, a);
    return { runByName, analysisByName };
  };

  const hp = (h: StudyPlan['pretrain'], extra: Record<string, unknown> = {}) => ({
    epochs: h.epochs,
    batchSize: h.batchSize,
    learningRate: h.learningRate,
    trainExamples: h.trainExamples,
    checkpointEvery: 1,
    extra: { testExamples: plan.source.testSize, ...extra },
  });
  // P-T and RI-T alike: until the training loss plateaus (one annealing epoch at lr/10), the same cap
  const f = plan.finetune;
  const ftHp = (testExamples: number) => ({
    ...hp(f, { testExamples }),
    checkpointEvery: 0,
    untilPlateau: true,
    plateauTolerance: f.plateauTolerance,
    plateauWindow: f.plateauWindow,
    minEpochs: f.minEpochs,
    annealEpochs: 1,
    speedEpochs: f.speedEpochs,
    maxGradNorm: f.maxGradNorm,
  });

  return {
    client,
    plan,
    studyId,
    modelId,
    datasetId,
    board,
    pollMs: o.pollMs ?? 1000,
    sleep,
    stopped,
    state,
    hp,
    ftHp,
  };
}

/** Queues the pretraining (unless it is live already) and follows it to its final checkpoint. */
async function pretrainSource(ctx: StudyContext): Promise<Source> {
  const { client, plan, board, studyId, modelId, datasetId, hp } = ctx;
  const ptName = `pretrain/${plan.source.key}`;
  let s = await ctx.state();
  let pretrain = s.runByName.get(ptName);
  if (!pretrain || !live(pretrain.status)) {
    await client.request(START_PRETRAIN, {
      i: {
        studyId,
        datasetId: datasetId(plan.source.key),
        modelId,
        name: ptName,
        seed: 0,
        hyperparameters: hp(plan.pretrain),
      },
    });
  }
  board.stage('pretrain').startedAt = Date.now();
  for (;;) {
    ctx.stopped();
    s = await ctx.state();
    pretrain = s.runByName.get(ptName)!;
    const st = board.stage('pretrain');
    st.done = Math.min(plan.pretrain.epochs, pretrain.checkpoints.filter((c) => c.epoch > 0).length);
    st.note = pretrain.status.toLowerCase();
    board.render();
    if (pretrain.status === 'SUCCEEDED') break;
    if (ended(pretrain.status))
      throw new Error(
        `pretraining ${ptName} ${pretrain.status.toLowerCase()}: ${pretrain.error ?? 'no error recorded'}`,
      );
    await ctx.sleep(ctx.pollMs);
  }
  board.stage('pretrain').finishedAt = Date.now();
  const finalCkpt = [...pretrain.checkpoints].sort((a, b) => a.step - b.step).at(-1);
  if (!finalCkpt) throw new Error(`pretraining ${ptName} finished without a checkpoint`);

  return { pretrain, finalCkpt };
}

/** Queues every fine-tune and both sweeps that are not live yet (the runners take them in this order). */
async function queueTraining(ctx: StudyContext, { pretrain, finalCkpt }: Source): Promise<Queued> {
  const { client, plan, board, studyId, modelId, datasetId, ftHp } = ctx;
  const s = await ctx.state();
  const ftNames: string[] = [];
  for (const t of plan.targets) {
    for (const seed of plan.seeds) {
      for (const init of ['PRETRAINED', 'RANDOM'] as const) {
        const name = `finetune/${t.key}/${init === 'PRETRAINED' ? 'PT' : 'RIT'}/s${seed}`;
        ftNames.push(name);
        const r = s.runByName.get(name);
        if (r && live(r.status)) continue;
        await client.request(START_FINETUNE, {
          i: {
            studyId,
            datasetId: datasetId(t.key),
            init,
            initCheckpointId: init === 'PRETRAINED' ? finalCkpt.id : null,
            modelId,
            name,
            seed,
            hyperparameters: ftHp(t.testSize),
          },
        });
      }
    }
  }
  const near = plan.targets[0]!;
  const bsName = `block-shuffle/${near.key}`;
  if (!live(s.analysisByName.get(bsName)?.status ?? 'FAILED')) {
    await client.request(START_BLOCK_SHUFFLE, {
      i: {
        studyId,
        name: bsName,
        datasetId: datasetId(near.key),
        pretrainCheckpointId: finalCkpt.id,
        blockSizes: plan.blockSizes,
        includeUnshuffled: true,
        seeds: plan.blockSeeds,
        hyperparameters: ftHp(near.testSize),
      },
    });
  }
  const csName = `checkpoint-sweep/${near.key}`;
  if (!live(s.analysisByName.get(csName)?.status ?? 'FAILED')) {
    await client.request(START_CHECKPOINT_SWEEP, {
      i: {
        studyId,
        name: csName,
        datasetId: datasetId(near.key),
        pretrainRunId: pretrain.id,
        // epoch 0 is the random init, not a checkpoint of the pretrained model: RI-T is measured on its own
        checkpointIds: pretrain.checkpoints.filter((c) => c.epoch > 0).map((c) => c.id),
        includeRandomInit: false,
        seeds: plan.sweepSeeds,
        hyperparameters: ftHp(near.testSize),
      },
    });
  }
  for (const n of ['fine-tune P-T / RI-T', 'block-shuffle sweep', 'checkpoint sweep'])
    board.stage(n).startedAt = Date.now();

  return { ftNames, bsName, csName };
}

/**
 * Follows the fine-tunes and sweeps; once every fine-tune has ended, queues the pairwise analyses per target and
 * follows them too. Returns what did not succeed.
 */
async function followToEnd(ctx: StudyContext, { finalCkpt }: Source, q: Queued): Promise<string[]> {
  const { client, plan, board, studyId } = ctx;
  const { ftNames, bsName, csName } = q;
  let analysesQueued = false;
  const analysisNames: string[] = [];
  const failures: string[] = [];
  for (;;) {
    ctx.stopped();
    const s = await ctx.state();
    const fts = ftNames.map((n) => s.runByName.get(n)).filter((r): r is RunRow => r !== undefined);
    const ftStage = board.stage('fine-tune P-T / RI-T');
    ftStage.done = fts.filter((r) => ended(r.status)).length;
    ftStage.note = `${fts.filter((r) => r.status === 'RUNNING').length} running`;
    if (ftStage.done === ftStage.total && !ftStage.finishedAt) ftStage.finishedAt = Date.now();
    for (const [stage, name] of [
      ['block-shuffle sweep', bsName],
      ['checkpoint sweep', csName],
    ] as const) {
      const a = s.analysisByName.get(name);
      const st = board.stage(stage);
      st.done = a ? (ended(a.status) ? 1 : a.progress) : 0;
      st.note = a?.status.toLowerCase() ?? '';
      if (a && ended(a.status) && !st.finishedAt) st.finishedAt = Date.now();
    }
    if (!analysesQueued && ftStage.done === ftStage.total) {
      for (const t of plan.targets)
        analysisNames.push(
          ...(await queueAnalyses(client, plan, studyId, t, finalCkpt, s.runByName, s.analysisByName)),
        );
      analysesQueued = true;
      const st = board.stage('analyses');
      st.total = analysisNames.length;
      st.startedAt = Date.now();
      continue;
    }
    if (analysesQueued) {
      const st = board.stage('analyses');
      const as = analysisNames
        .map((n) => s.analysisByName.get(n))
        .filter((a): a is AnalysisRow => a !== undefined);
      st.done = as.reduce((acc, a) => acc + (ended(a.status) ? 1 : a.progress), 0);
      if (as.length === analysisNames.length && as.every((a) => ended(a.status)) && !st.finishedAt)
        st.finishedAt = Date.now();
    }
    board.render();
    const all = [...board.stages];
    if (all.every((x) => x.finishedAt)) {
      for (const r of fts)
        if (r.status !== 'SUCCEEDED')
          failures.push(`run ${r.name}: ${r.status}${r.error ? ` — ${r.error}` : ''}`);
      for (const n of [bsName, csName, ...analysisNames]) {
        const a = s.analysisByName.get(n);
        if (a && a.status !== 'SUCCEEDED')
          failures.push(`analysis ${a.name}: ${a.status}${a.error ? ` — ${a.error}` : ''}`);
      }
      break;
    }
    await ctx.sleep(ctx.pollMs);
  }
  return failures;
}

async function ensureStudy(client: GraphQLClient, plan: StudyPlan): Promise<string> {
  const { studies } = await client.request(STUDIES);
  const found = studies.find((x) => x.name === plan.name);
  if (found) return found.id;
  const { createStudy } = await client.request(CREATE_STUDY, {
    i: {
      name: plan.name,
      description: `What is transferred from ${plan.source.name} to ${plan.targets.map((t) => t.name).join(' and ')}: P-T vs RI-T, feature reuse, mistakes, CKA, ℓ2, barriers, module criticality and checkpoints, at the ${plan.scale} scale.`,
      config: { defaultStudy: true, scale: plan.scale, setup: studySetup(plan) },
    },
  });
  return createStudy.id;
}

async function ensureDataset(client: GraphQLClient, d: DatasetPlan): Promise<string> {
  const { datasets } = await client.request(DATASETS);
  const found = datasets.find((x) => x.name === d.name);
  if (found) return found.id;
  const { registerDataset } = await client.request(REGISTER_DATASET, {
    i: {
      name: d.name,
      kind: d.kind,
      domain: d.domain,
      root: d.root,
      classes: d.classes,
      imageShape: d.imageShape,
      trainSize: d.trainSize,
      testSize: d.testSize,
      task: d.task,
      spec: d.spec,
    },
  });
  return registerDataset.id;
}

async function ensureModel(client: GraphQLClient, plan: StudyPlan, source: DatasetPlan): Promise<string> {
  const name = `ResNet-${plan.model.depth} width ${plan.model.width} (${source.imageShape.join('×')})`;
  const { models } = await client.request(MODELS);
  const found = models.find((x) => x.name === name);
  if (found) return found.id;
  const blocks = (plan.model.depth - 2) / 6;
  const modules = ['conv1'];
  for (let stage = 1; stage <= 3; stage++)
    for (let b = 0; b < blocks; b++) modules.push(`layer${stage}.${b}`);
  modules.push('fc');
  const { importModel } = await client.request(IMPORT_MODEL, {
    i: {
      name,
      family: 'resnet',
      depth: plan.model.depth,
      width: plan.model.width,
      inputShape: source.imageShape,
      numClasses: source.classes.length,
      modules,
      spec: {
        family: 'resnet',
        depth: plan.model.depth,
        width: plan.model.width,
        inputShape: source.imageShape,
        classes: source.classes.length,
      },
    },
  });
  return importModel.id;
}

/** Queues mistakes, CKA, distance, barrier and criticality for one target's fine-tuned models; returns their names. */
async function queueAnalyses(
  client: GraphQLClient,
  plan: StudyPlan,
  studyId: string,
  target: DatasetPlan,
  pretrained: { id: string },
  runs: Map<string, RunRow>,
  existing: Map<string, AnalysisRow>,
): Promise<string[]> {
  const last = (name: string) => {
    const r = runs.get(name);
    if (r?.status !== 'SUCCEEDED') return null;
    return [...r.checkpoints].sort((a, b) => a.step - b.step).at(-1) ?? null;
  };
  const initial = (name: string) => runs.get(name)?.checkpoints.find((c) => c.step === 0) ?? null;
  const seeds = plan.seeds;
  const pt = seeds.map((seed) => last(`finetune/${target.key}/PT/s${seed}`));
  const rit = seeds.map((seed) => last(`finetune/${target.key}/RIT/s${seed}`));
  const names: string[] = [];
  const queue = async (
    name: string,
    kind: VariablesOf<typeof RUN_ANALYSIS>['i']['kind'],
    inputs: ({ id: string } | null)[],
    roles: string[],
    params: Record<string, unknown>,
  ) => {
    if (inputs.some((x) => x === null)) return; // a run it needs failed: reported with the run
    names.push(name);
    if (live(existing.get(name)?.status ?? 'FAILED')) return;
    await client.request(RUN_ANALYSIS, {
      i: {
        studyId,
        name,
        kind,
        inputs: inputs.map((c, i) => ({ checkpointId: c!.id, role: roles[i] })),
        params,
      },
    });
  };
  // inputs: P-T per seed, then RI-T per seed. Pairs: every two P-T seeds (P-T/P-T), every two RI-T seeds
  // (RI-T/RI-T), and P-T/RI-T of the same seed, so each pair kind has as many pairs as there are seeds (for 3)
  const k = seeds.length;
  const all = [...pt, ...rit];
  const roles = [...seeds.map((s) => `P-T s${s}`), ...seeds.map((s) => `RI-T s${s}`)];
  const within: [number, number][] = [];
  for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) within.push([i, j]);
  const pairs = [
    ...within,
    ...within.map(([i, j]) => [i + k, j + k] as [number, number]),
    ...seeds.map((_, i) => [i, i + k] as [number, number]),
  ];
  const examples = plan.examples;
  await queue(`mistakes/${target.key}`, 'MISTAKES', all, roles, { pairs, examples });
  await queue(`cka/${target.key}`, 'CKA', all, roles, { pairs, examples });
  await queue(`distance/${target.key}`, 'PARAM_DISTANCE', all, roles, { pairs });
  await queue(`barrier/${target.key}`, 'BARRIER', all, roles, {
    pairs: pairs.slice(0, 2 * within.length),
    points: plan.barrierPoints,
    examples,
  });
  const crit = { ...plan.criticality, examples: Math.min(examples, 256) };
  // θ⁰ of a P-T model is the pretrained checkpoint it started from; of an RI-T model, its random init (step 0).
  // One per fine-tuned model, so the depth trend has a spread over seeds.
  // P-T once per seed (the claim's spread); RI-T, shown beside it in the table, once.
  for (const [i, seed] of seeds.entries())
    await queue(
      `criticality/${target.key}/PT/s${seed}`,
      'MODULE_CRITICALITY',
      [pretrained, pt[i]!],
      ['initial', 'final'],
      crit,
    );
  await queue(
    `criticality/${target.key}/RIT/s${seeds[0]}`,
    'MODULE_CRITICALITY',
    [initial(`finetune/${target.key}/RIT/s${seeds[0]}`), rit[0]!],
    ['initial', 'final'],
    crit,
  );
  return names;
}

/** The study's training setup in words, stored with the study and shown beside its findings. */
export function studySetup(plan: StudyPlan): string {
  const f = plan.finetune;
  return [
    `pretrain ${plan.pretrain.epochs} epochs on ${plan.pretrain.trainExamples} examples at lr ${plan.pretrain.learningRate}`,
    `P-T and RI-T fine-tune alike: ${f.trainExamples} examples, batch ${f.batchSize}, lr ${f.learningRate} for both inits (SGD, momentum 0.9), until the training loss plateaus (best loss improved by < ${100 * f.plateauTolerance}% of the progress so far over the last ${f.plateauWindow} epoch${f.plateauWindow === 1 ? '' : 's'}, after ≥ ${f.minEpochs} epochs and once it fell ≥ 10% below the first epoch's), then 1 epoch at lr/10; at most ${f.epochs} epochs; gradients clipped to norm ${f.maxGradNorm}`,
    `optimisation speed = mean training accuracy over the first ${f.speedEpochs} epoch${f.speedEpochs === 1 ? '' : 's'}, the same budget for both`,
    `${plan.seeds.length} seeds per init; block-shuffle and checkpoint sweeps ${plan.blockSeeds.length} seeds (their unshuffled and final-checkpoint points are the main fine-tunes of those seeds, not second copies)`,
  ].join('; ');
}
