/** The checkpoint analyses (CKA, mistakes, parameter distance, barrier, module criticality) as result builders. */
import {
  assertSameStructure,
  ckaMatrix,
  interpolationBarrier,
  moduleCriticality,
  multiclassMistakes,
  parameterDistance,
  predictedClasses,
  rewindModules,
} from '@basin/analysis';
import type {
  AnalysisResult,
  BarrierPair,
  CkaPair,
  MistakesPair,
  ModuleCriticality,
  ParamDistancePair,
  SanityFlag,
} from '@basin/db';
import { modelFromCheckpoint } from '../checkpoint/checkpoint';
import { evaluate } from '../train/evaluate';
import { accuracy } from '../train/metrics';
import {
  type AnalysisInput,
  activations,
  type EvalData,
  loadEvalData,
  modelSanity,
  pairType,
  requireSameClasses,
  weightEvaluator,
} from './analysis-inputs';
import { type JobEnv, JobInputError } from './context';
import { uniqueFlags } from './sanity';

/** What an analysis reports while it works: a fraction done and a short message. */
export type ProgressFn = (progress: number, message?: string) => void;

type Params = Record<string, unknown>;

const num = (p: Params, key: string, dflt: number): number =>
  typeof p[key] === 'number' ? (p[key] as number) : dflt;
const split = (p: Params, dflt: 'train' | 'test'): 'train' | 'test' =>
  p.split === 'train' || p.split === 'test' ? p.split : dflt;

/** `params.pairs` (positions) or every pair i < j. */
function pairsOf(p: Params, n: number): [number, number][] {
  if (Array.isArray(p.pairs)) {
    const out = p.pairs as [number, number][];
    for (const [i, j] of out)
      if (!(i >= 0 && i < n && j >= 0 && j < n && i !== j))
        throw new JobInputError(`params.pairs has [${i}, ${j}]; expected distinct positions below ${n}`);
    return out;
  }
  const out: [number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out.push([i, j]);
  return out;
}

function need(inputs: AnalysisInput[], n: number, what: string): void {
  if (inputs.length < n)
    throw new JobInputError(`${what} needs at least ${n} input checkpoints, got ${inputs.length}`);
}

/** Linear (or debiased) CKA between every named module of A and B on the same examples. */
export async function ckaAnalysis(
  env: JobEnv,
  inputs: AnalysisInput[],
  p: Params,
  progress: ProgressFn,
): Promise<AnalysisResult> {
  need(inputs, 2, 'CKA');
  const data = await loadEvalData(env, inputs, p, {
    split: split(p, 'test'),
    examples: num(p, 'examples', 2000),
  });
  const debiased = p.debiased === true;
  const pairs = pairsOf(p, inputs.length);
  const cache = new Map<number, { modules: string[]; acts: Map<string, Float32Array> }>();
  const sanity: SanityFlag[] = [];
  const acts = (i: number) => {
    let c = cache.get(i);
    if (!c) {
      const model = modelFromCheckpoint(inputs[i]!.loaded);
      try {
        const modules = Array.isArray(p.modules) ? (p.modules as string[]) : model.moduleNames;
        c = { modules, acts: activations(model, data, modules) };
      } finally {
        model.dispose();
      }
      cache.set(i, c);
      // `fc` activations are the logits: when they were taken anyway, the model's accuracy costs nothing
      const logits = c.acts.get('fc');
      if (logits && data.task === 'MULTICLASS' && inputs[i]!.loaded.spec.classes === data.classes)
        sanity.push(
          ...modelSanity(inputs[i]!, accuracy(logits, data.labels as Int32Array, data.classes), data),
        );
    }
    return c;
  };
  const out: CkaPair[] = [];
  for (const [k, [i, j]] of pairs.entries()) {
    const A = acts(i);
    const B = acts(j);
    const tensors = (c: typeof A) =>
      c.modules.map((m) => {
        const d = c.acts.get(m)!;
        return { data: d, shape: [data.n, d.length / data.n] };
      });
    const { cka } = ckaMatrix(tensors(A), tensors(B), { debiased }, { x: A.modules, y: B.modules });
    out.push({
      a: inputs[i]!.ref,
      b: inputs[j]!.ref,
      pairType: pairType(inputs[i]!, inputs[j]!),
      modulesA: A.modules,
      modulesB: B.modules,
      values: cka,
    });
    progress((k + 1) / pairs.length, `pair ${k + 1} of ${pairs.length}`);
  }
  return {
    kind: 'CKA',
    debiased,
    examples: data.n,
    split: data.splitName,
    dataset: data.dataset,
    pairs: out,
    sanity: uniqueFlags(sanity),
  };
}

async function predictions(input: AnalysisInput, data: EvalData): Promise<Float32Array> {
  requireSameClasses(input, data);
  const model = modelFromCheckpoint(input.loaded);
  try {
    const r = await evaluate(model, data.split, data.task, { keepLogits: true });
    return r.logits!;
  } finally {
    model.dispose();
  }
}

/** Common and uncommon mistakes of each pair on the same test examples. */
export async function mistakesAnalysis(
  env: JobEnv,
  inputs: AnalysisInput[],
  p: Params,
  progress: ProgressFn,
): Promise<AnalysisResult> {
  need(inputs, 2, 'MISTAKES');
  const data = await loadEvalData(env, inputs, p, {
    split: split(p, 'test'),
    examples: num(p, 'examples', 10_000),
  });
  if (data.task !== 'MULTICLASS') throw new JobInputError('MISTAKES supports MULTICLASS datasets only');
  const pairs = pairsOf(p, inputs.length);
  const logits = new Map<number, Float32Array>();
  const get = async (i: number) => {
    if (!logits.has(i)) logits.set(i, await predictions(inputs[i]!, data));
    return logits.get(i)!;
  };
  const labels = { data: data.labels, shape: [data.n] };
  const out: MistakesPair[] = [];
  const sanity: SanityFlag[] = [];
  for (const [k, [i, j]] of pairs.entries()) {
    const a = { data: await get(i), shape: [data.n, data.classes] };
    const b = { data: await get(j), shape: [data.n, data.classes] };
    const m = multiclassMistakes(labels, a, b);
    const pa = predictedClasses(a, 'A');
    const pb = predictedClasses(b, 'B');
    let sameWrong = 0;
    for (let e = 0; e < data.n; e++)
      if (pa[e] !== data.labels[e] && pb[e] !== data.labels[e] && pa[e] === pb[e]) sameWrong++;
    out.push({
      a: inputs[i]!.ref,
      b: inputs[j]!.ref,
      pairType: pairType(inputs[i]!, inputs[j]!),
      common: m.common,
      onlyA: m.onlyA,
      onlyB: m.onlyB,
      accuracyA: m.accuracyA,
      accuracyB: m.accuracyB,
      agreement: m.agreement,
      wrongAgreement: m.common === 0 ? 0 : sameWrong / m.common,
    });
    sanity.push(...modelSanity(inputs[i]!, m.accuracyA, data), ...modelSanity(inputs[j]!, m.accuracyB, data));
    progress((k + 1) / pairs.length, `pair ${k + 1} of ${pairs.length}`);
  }
  return {
    kind: 'MISTAKES',
    examples: data.n,
    split: data.splitName,
    dataset: data.dataset,
    pairs: out,
    sanity: uniqueFlags(sanity),
  };
}

/** ℓ2 distance of the weights, in total and per module; modules whose shapes differ are listed, not mixed in. */
export async function distanceAnalysis(
  _env: JobEnv,
  inputs: AnalysisInput[],
  p: Params,
  progress: ProgressFn,
): Promise<AnalysisResult> {
  need(inputs, 2, 'PARAM_DISTANCE');
  const pairs = pairsOf(p, inputs.length);
  const out: ParamDistancePair[] = [];
  for (const [k, [i, j]] of pairs.entries()) {
    const A = inputs[i]!.loaded.checkpoint.modules;
    const B = inputs[j]!.loaded.checkpoint.modules;
    const d = parameterDistance(A, B);
    const shapeOf = (ms: typeof A, name: string) => {
      const m = ms.find((x) => x.name === name);
      return m?.params[0]?.shape ?? [];
    };
    const mismatchShape = (name: string) => {
      const ma = A.find((x) => x.name === name);
      const mb = B.find((x) => x.name === name);
      for (const pa of ma?.params ?? []) {
        const pb = mb?.params.find((x) => x.name === pa.name);
        if (pb && pb.shape.join() !== pa.shape.join()) return [pa.shape, pb.shape];
      }
      return [shapeOf(A, name), shapeOf(B, name)];
    };
    out.push({
      a: inputs[i]!.ref,
      b: inputs[j]!.ref,
      pairType: pairType(inputs[i]!, inputs[j]!),
      total: d.total,
      modules: d.perModule.map((m) => ({ module: m.name, distance: m.distance, numel: m.size })),
      excluded: d.excluded.map((e) => {
        const [shapeA, shapeB] = mismatchShape(e.name);
        return { module: e.name, reason: e.reason, shapeA: shapeA!, shapeB: shapeB! };
      }),
    });
    progress((k + 1) / pairs.length);
  }
  return { kind: 'PARAM_DISTANCE', pairs: out, sanity: [] };
}

/** Loss and error along the straight line between two models' weights, and the barrier above the chord. */
export async function barrierAnalysis(
  env: JobEnv,
  inputs: AnalysisInput[],
  p: Params,
  progress: ProgressFn,
  signal: AbortSignal,
): Promise<AnalysisResult> {
  need(inputs, 2, 'BARRIER');
  const data = await loadEvalData(env, inputs, p, {
    split: split(p, 'test'),
    examples: num(p, 'examples', 10_000),
  });
  const pairs = pairsOf(p, inputs.length);
  const points = num(p, 'points', 21);
  const out: BarrierPair[] = [];
  const sanity: SanityFlag[] = [];
  for (const [k, [i, j]] of pairs.entries()) {
    const A = inputs[i]!;
    const B = inputs[j]!;
    requireSameClasses(A, data);
    requireSameClasses(B, data);
    try {
      assertSameStructure(A.loaded.checkpoint.modules, B.loaded.checkpoint.modules, 'interpolate');
    } catch (err) {
      throw new JobInputError(
        `checkpoints ${A.ref.checkpointId} and ${B.ref.checkpointId} cannot be interpolated (incompatible shapes): ${(err as Error).message}`,
      );
    }
    const model = modelFromCheckpoint(A.loaded);
    try {
      const r = await interpolationBarrier(
        A.loaded.checkpoint.modules,
        B.loaded.checkpoint.modules,
        weightEvaluator(model, data, signal),
        {
          points,
          signal,
          onPoint: (_pt, idx, total) =>
            progress((k + (idx + 1) / total) / pairs.length, `pair ${k + 1}, λ ${idx + 1}/${total}`),
        },
      );
      out.push({
        a: A.ref,
        b: B.ref,
        pairType: pairType(A, B),
        lambdas: r.curve.map((c) => c.lambda),
        loss: r.curve.map((c) => c.loss),
        error: r.curve.map((c) => c.error),
        lossBarrier: r.loss.barrier,
        errorBarrier: r.error.barrier,
      });
      // the end points λ = 0 and λ = 1 are A and B themselves
      const ends = [r.curve[0], r.curve.at(-1)];
      if (ends[0]?.lambda === 0) sanity.push(...modelSanity(A, 1 - ends[0].error, data));
      if (ends[1]?.lambda === 1) sanity.push(...modelSanity(B, 1 - ends[1].error, data));
    } finally {
      model.dispose();
    }
  }
  return {
    kind: 'BARRIER',
    split: data.splitName,
    dataset: data.dataset,
    pairs: out,
    sanity: uniqueFlags(sanity),
  };
}

/** Module criticality (α × σ search) and the rewind-one-module test, between initial and final weights. */
export async function criticalityAnalysis(
  env: JobEnv,
  inputs: AnalysisInput[],
  p: Params,
  progress: ProgressFn,
  signal: AbortSignal,
): Promise<AnalysisResult> {
  if (inputs.length !== 2)
    throw new JobInputError(`MODULE_CRITICALITY needs 2 inputs (initial, final), got ${inputs.length}`);
  const [initial, final] = inputs as [AnalysisInput, AnalysisInput];
  // evaluated where the final model was trained (not the initial's dataset: for a P-T model, its pretraining set)
  const data = await loadEvalData(env, inputs, p, {
    split: split(p, 'train'),
    examples: num(p, 'examples', 10_000),
    final,
  });
  requireSameClasses(final, data);
  const I = initial.loaded.checkpoint.modules;
  const F = final.loaded.checkpoint.modules;
  try {
    assertSameStructure(I, F, 'measure criticality');
  } catch (err) {
    throw new JobInputError(
      `initial ${initial.ref.checkpointId} and final ${final.ref.checkpointId} differ in structure (incompatible shapes): ${(err as Error).message}`,
    );
  }
  const alphas = Array.isArray(p.alphas) ? (p.alphas as number[]) : undefined;
  const sigmas = Array.isArray(p.sigmas) ? (p.sigmas as number[]) : undefined;
  const noiseSamples = num(p, 'noiseSamples', 10);
  const epsilon = num(p, 'epsilon', 0.01);
  const names = Array.isArray(p.modules) ? (p.modules as string[]) : undefined;
  for (const m of names ?? [])
    if (!F.some((x) => x.name === m))
      throw new JobInputError(
        `params.modules names '${m}', which checkpoint ${final.ref.checkpointId} does not have`,
      );
  const model = modelFromCheckpoint(final.loaded);
  try {
    const evaluator = weightEvaluator(model, data, signal);
    const cells = (alphas?.length ?? 11) * (sigmas?.length ?? 11) * (names?.length ?? F.length);
    let done = 0;
    const crit = await moduleCriticality(I, F, evaluator, {
      alphas,
      sigmas,
      noiseSamples,
      epsilon,
      signal,
      modules: names,
      onCell: (m) => progress((++done / cells) * 0.95, `module ${m}`),
    });
    const rewind = await rewindModules(I, F, evaluator, { signal, modules: names });
    const base = await evaluator(F);
    const modules: ModuleCriticality[] = crit.modules.map((m) => {
      const rw = rewind.modules.find((r) => r.name === m.name);
      const finite = Number.isFinite(m.criticality);
      return {
        module: m.name,
        criticality: finite ? m.criticality : null,
        bestAlpha: finite ? (m.alpha ?? null) : null,
        bestSigma: finite ? (m.sigma ?? null) : null,
        distance: m.distance,
        meanLoss: m.grid.map((row) => row.map((c) => c.meanLoss)),
        rewindLoss: rw?.loss ?? Number.NaN,
        rewindAccuracy: rw ? 1 - rw.error : Number.NaN,
      };
    });
    return {
      kind: 'MODULE_CRITICALITY',
      initial: initial.ref,
      final: final.ref,
      epsilon,
      noiseSamples,
      finalLoss: crit.finalLoss,
      finalAccuracy: base.accuracy,
      alphas: crit.alphas,
      sigmas: crit.sigmas,
      modules,
      split: data.splitName,
      dataset: data.dataset,
      sanity: uniqueFlags(modelSanity(final, base.accuracy, data)),
    };
  } finally {
    model.dispose();
  }
}
