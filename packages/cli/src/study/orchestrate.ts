import type { GraphQLClient } from './client';
import type { DatasetPlan, StudyPlan } from './plan';
import { ProgressBoard } from './progress';

type Status = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
interface RunRow {
  id: string;
  name: string;
  status: Status;
  error: string | null;
  checkpoints: { id: string; epoch: number; step: number }[];
}
interface AnalysisRow {
  id: string;
  name: string;
  kind: string;
  status: Status;
  progress: number;
  error: string | null;
}
export interface FindingRow {
  id: string;
  claim: string;
  measured: string;
  holds: boolean | null;
}

const live = (s: Status) => s === 'QUEUED' || s === 'RUNNING' || s === 'SUCCEEDED';
const ended = (s: Status) => s === 'SUCCEEDED' || s === 'FAILED' || s === 'CANCELLED';

const STUDY_STATE = `query StudyState($id: ID!, $after: String) {
  study(id: $id) {
    runs(first: 100, after: $after, order: OLDEST_FIRST) {
      edges { node { id name status error checkpoints { id epoch step } } }
      pageInfo { hasNextPage endCursor }
    }
    analyses { id name kind status progress error }
  }
}`;

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
  const { client, plan, signal } = o;
  const t0 = Date.now();
  const pollMs = o.pollMs ?? 1000;
  const board = new ProgressBoard(o.out, [
    { name: 'pretrain', done: 0, total: plan.pretrain.epochs },
    { name: 'fine-tune P-T / RI-T', done: 0, total: plan.targets.length * plan.seeds.length * 2 },
    { name: 'block-shuffle sweep', done: 0, total: 1 },
    { name: 'checkpoint sweep', done: 0, total: 1 },
    { name: 'analyses', done: 0, total: 1 },
  ]);
  const sleep = (ms: number) =>
    new Promise<void>((res) => {
      const t = setTimeout(res, ms);
      signal.addEventListener(
        'abort',
        () => {
          clearTimeout(t);
          res();
        },
        { once: true },
      );
    });
  const stopped = () => {
    if (signal.aborted) throw new Error('study interrupted; it resumes on the next start');
  };

  // ── objects the study needs ──
  const studyId = await ensureStudy(client, plan);
  const datasetIds = new Map<string, string>();
  for (const d of [plan.source, ...plan.targets]) datasetIds.set(d.key, await ensureDataset(client, d));
  const modelId = await ensureModel(client, plan, plan.source);

  const state = async () => {
    const runs: RunRow[] = [];
    let after: string | null = null;
    let analyses: AnalysisRow[] = [];
    for (;;) {
      const data: {
        study: {
          runs: { edges: { node: RunRow }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
          analyses: AnalysisRow[];
        };
      } = await client.request(STUDY_STATE, { id: studyId, after });
      runs.push(...data.study.runs.edges.map((e) => e.node));
      analyses = data.study.analyses;
      if (!data.study.runs.pageInfo.hasNextPage) break;
      after = data.study.runs.pageInfo.endCursor;
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

  // ── pretrain ──
  const ptName = `pretrain/${plan.source.key}`;
  let s = await state();
  let pretrain = s.runByName.get(ptName);
  if (!pretrain || !live(pretrain.status)) {
    await client.request(`mutation($i: StartPretrainInput!) { startPretrain(input: $i) { id } }`, {
      i: {
        studyId,
        datasetId: datasetIds.get(plan.source.key),
        modelId,
        name: ptName,
        seed: 0,
        hyperparameters: hp(plan.pretrain),
      },
    });
  }
  board.stage('pretrain').startedAt = Date.now();
  for (;;) {
    stopped();
    s = await state();
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
    await sleep(pollMs);
  }
  board.stage('pretrain').finishedAt = Date.now();
  const finalCkpt = [...pretrain.checkpoints].sort((a, b) => a.step - b.step).at(-1);
  if (!finalCkpt) throw new Error(`pretraining ${ptName} finished without a checkpoint`);

  // ── queue every fine-tune and both sweeps (the runners take them in this order) ──
  const ftNames: string[] = [];
  for (const t of plan.targets) {
    for (const seed of plan.seeds) {
      for (const init of ['PRETRAINED', 'RANDOM'] as const) {
        const name = `finetune/${t.key}/${init === 'PRETRAINED' ? 'PT' : 'RIT'}/s${seed}`;
        ftNames.push(name);
        const r = s.runByName.get(name);
        if (r && live(r.status)) continue;
        await client.request(`mutation($i: StartFineTuneInput!) { startFineTune(input: $i) { id } }`, {
          i: {
            studyId,
            datasetId: datasetIds.get(t.key),
            init,
            initCheckpointId: init === 'PRETRAINED' ? finalCkpt.id : null,
            modelId,
            name,
            seed,
            hyperparameters: { ...hp(plan.finetune, { testExamples: t.testSize }), checkpointEvery: 0 },
          },
        });
      }
    }
  }
  const near = plan.targets[0]!;
  const bsName = `block-shuffle/${near.key}`;
  if (!live(s.analysisByName.get(bsName)?.status ?? 'FAILED')) {
    await client.request(
      `mutation($i: StartBlockShuffleSweepInput!) { startBlockShuffleSweep(input: $i) { id } }`,
      {
        i: {
          studyId,
          name: bsName,
          datasetId: datasetIds.get(near.key),
          pretrainCheckpointId: finalCkpt.id,
          blockSizes: plan.blockSizes,
          includeUnshuffled: true,
          seeds: plan.blockSeeds,
          hyperparameters: { ...hp(plan.finetune, { testExamples: near.testSize }), checkpointEvery: 0 },
        },
      },
    );
  }
  const csName = `checkpoint-sweep/${near.key}`;
  if (!live(s.analysisByName.get(csName)?.status ?? 'FAILED')) {
    await client.request(
      `mutation($i: StartCheckpointSweepInput!) { startCheckpointSweep(input: $i) { id } }`,
      {
        i: {
          studyId,
          name: csName,
          datasetId: datasetIds.get(near.key),
          pretrainRunId: pretrain.id,
          includeRandomInit: false,
          seeds: plan.sweepSeeds,
          hyperparameters: { ...hp(plan.finetune, { testExamples: near.testSize }), checkpointEvery: 0 },
        },
      },
    );
  }
  for (const n of ['fine-tune P-T / RI-T', 'block-shuffle sweep', 'checkpoint sweep'])
    board.stage(n).startedAt = Date.now();

  // ── once the fine-tunes are done: the pairwise analyses, per target ──
  let analysesQueued = false;
  const analysisNames: string[] = [];
  const failures: string[] = [];
  for (;;) {
    stopped();
    s = await state();
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
    await sleep(pollMs);
  }

  const { study } = await client.request<{ study: { findings: FindingRow[] } }>(
    `query($id: ID!) { study(id: $id) { findings { id claim measured holds } } }`,
    { id: studyId },
  );
  return { studyId, findings: study.findings, failures, seconds: (Date.now() - t0) / 1000 };
}

async function ensureStudy(client: GraphQLClient, plan: StudyPlan): Promise<string> {
  const { studies } = await client.request<{ studies: { id: string; name: string }[] }>(
    `{ studies { id name } }`,
  );
  const found = studies.find((x) => x.name === plan.name);
  if (found) return found.id;
  const { createStudy } = await client.request<{ createStudy: { id: string } }>(
    `mutation($i: CreateStudyInput!) { createStudy(input: $i) { id } }`,
    {
      i: {
        name: plan.name,
        description: `What is transferred from ${plan.source.name} to ${plan.targets.map((t) => t.name).join(' and ')}: P-T vs RI-T, feature reuse, mistakes, CKA, ℓ2, barriers, module criticality and checkpoints, at the ${plan.scale} scale.`,
        config: { defaultStudy: true, scale: plan.scale },
      },
    },
  );
  return createStudy.id;
}

async function ensureDataset(client: GraphQLClient, d: DatasetPlan): Promise<string> {
  const { datasets } = await client.request<{ datasets: { id: string; name: string }[] }>(
    `{ datasets { id name } }`,
  );
  const found = datasets.find((x) => x.name === d.name);
  if (found) return found.id;
  const { registerDataset } = await client.request<{ registerDataset: { id: string } }>(
    `mutation($i: RegisterDatasetInput!) { registerDataset(input: $i) { id } }`,
    {
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
    },
  );
  return registerDataset.id;
}

async function ensureModel(client: GraphQLClient, plan: StudyPlan, source: DatasetPlan): Promise<string> {
  const name = `ResNet-${plan.model.depth} width ${plan.model.width} (${source.imageShape.join('×')})`;
  const { models } = await client.request<{ models: { id: string; name: string }[] }>(
    `{ models { id name } }`,
  );
  const found = models.find((x) => x.name === name);
  if (found) return found.id;
  const blocks = (plan.model.depth - 2) / 6;
  const modules = ['conv1'];
  for (let stage = 1; stage <= 3; stage++)
    for (let b = 0; b < blocks; b++) modules.push(`layer${stage}.${b}`);
  modules.push('fc');
  const { importModel } = await client.request<{ importModel: { id: string } }>(
    `mutation($i: ImportModelInput!) { importModel(input: $i) { id } }`,
    {
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
    },
  );
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
  const [s0, s1] = plan.seeds as [number, number];
  const pt0 = last(`finetune/${target.key}/PT/s${s0}`);
  const pt1 = last(`finetune/${target.key}/PT/s${s1}`);
  const rit0 = last(`finetune/${target.key}/RIT/s${s0}`);
  const rit1 = last(`finetune/${target.key}/RIT/s${s1}`);
  const names: string[] = [];
  const queue = async (
    name: string,
    kind: string,
    inputs: ({ id: string } | null)[],
    roles: string[],
    params: Record<string, unknown>,
  ) => {
    if (inputs.some((x) => x === null)) return; // a run it needs failed: reported with the run
    names.push(name);
    if (live(existing.get(name)?.status ?? 'FAILED')) return;
    await client.request(`mutation($i: RunAnalysisInput!) { runAnalysis(input: $i) { id } }`, {
      i: {
        studyId,
        name,
        kind,
        inputs: inputs.map((c, i) => ({ checkpointId: c!.id, role: roles[i] })),
        params,
      },
    });
  };
  // inputs in the order P-T s0, P-T s1, RI-T s0, RI-T s1: pairs (0,1) P-T/P-T, (2,3) RI-T/RI-T, (0,2) P-T/RI-T
  const four = [pt0, pt1, rit0, rit1];
  const roles = [`P-T s${s0}`, `P-T s${s1}`, `RI-T s${s0}`, `RI-T s${s1}`];
  const pairs = [
    [0, 1],
    [2, 3],
    [0, 2],
  ];
  const examples = plan.examples;
  await queue(`mistakes/${target.key}`, 'MISTAKES', four, roles, { pairs, examples });
  await queue(`cka/${target.key}`, 'CKA', four, roles, { pairs, examples });
  await queue(`distance/${target.key}`, 'PARAM_DISTANCE', four, roles, { pairs });
  await queue(`barrier/${target.key}`, 'BARRIER', four, roles, {
    pairs: [pairs[0], pairs[1]],
    points: plan.barrierPoints,
    examples,
  });
  const crit = { ...plan.criticality, examples: Math.min(examples, 256) };
  // θ⁰ of a P-T model is the pretrained checkpoint it started from; of an RI-T model, its random init (step 0)
  await queue(
    `criticality/${target.key}/PT`,
    'MODULE_CRITICALITY',
    [pretrained, pt0],
    ['initial', 'final'],
    crit,
  );
  await queue(
    `criticality/${target.key}/RIT`,
    'MODULE_CRITICALITY',
    [initial(`finetune/${target.key}/RIT/s${s0}`), rit0],
    ['initial', 'final'],
    crit,
  );
  return names;
}
