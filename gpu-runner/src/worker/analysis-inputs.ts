/** What an analysis works on: its input checkpoints (loaded), their runs, and a fixed set of examples in memory. */
import type { Checkpoint } from '@basin/analysis';
import {
  analysisInputsByAnalysisIds,
  chooseEvalDataset,
  type DatasetRef,
  datasetById,
  type ModelRef,
  type PairType,
  runsByIds,
  type SanityFlag,
} from '@basin/db';
import * as tf from '@tensorflow/tfjs-core';
import { applyCheckpoint, type LoadedCheckpoint, loadCheckpoint } from '../checkpoint/checkpoint';
import { memorySplit } from '../data/memory';
import type { DataSplit, Task } from '../data/types';
import type { ResNet } from '../model/resnet';
import { evaluate } from '../train/evaluate';
import { checkpointFile, loadCheckpointRecords } from './checkpoints';
import { type JobEnv, JobInputError } from './context';
import { datasetSpec, loadDatasetRecord, openJobDataset } from './datasets';
import { endpointMismatchFlag, nearChanceFlag } from './sanity';
import type { ClaimedAnalysis } from './status';

/** One input checkpoint with its weights and where it came from. */
export interface AnalysisInput {
  ref: ModelRef;
  loaded: LoadedCheckpoint;
  run: InputRun | null;
}

/** The run that saved an input checkpoint, with what it reported about its final model. */
export interface InputRun {
  id: string;
  kind: string;
  init: string;
  datasetId: string;
  /** null = trained on unshuffled images. */
  blockSize: number | null;
  /** `summary.testAcc`: the run's own final test accuracy (mean AUC for MULTILABEL); null when not recorded. */
  testAcc: number | null;
  /** `summary.finalCheckpointId`: the checkpoint `testAcc` belongs to; null when not recorded. */
  finalCheckpointId: string | null;
}

/** Loads an analysis's input checkpoints (in position order) and their producing runs. */
export async function loadInputs(
  env: JobEnv,
  a: Pick<ClaimedAnalysis, 'id' | 'teamId'>,
): Promise<AnalysisInput[]> {
  const rows = await analysisInputsByAnalysisIds(env.sql, [a.id]);
  const ids = rows.flatMap((r) => (r.checkpointId ? [r.checkpointId] : []));
  const records = await loadCheckpointRecords(env.sql, a.teamId, ids, 'input checkpoint');
  const runIds = records.flatMap((c) => (c.runId ? [c.runId] : []));
  const runs = await runsByIds(env.sql, a.teamId, runIds);
  const byId = new Map(runs.map((r) => [r.id, r]));
  const out: AnalysisInput[] = [];
  for (const [i, c] of records.entries()) {
    const run = c.runId ? byId.get(c.runId) : undefined;
    const tag = run
      ? run.kind === 'PRETRAIN'
        ? 'pretrain'
        : run.init === 'PRETRAINED'
          ? 'P-T'
          : 'RI-T'
      : 'checkpoint';
    const label = run?.name?.trim() || (run ? `${tag} seed ${run.seed}` : `checkpoint ${c.id}`);
    out.push({
      ref: {
        checkpointId: c.id,
        runId: c.runId,
        label: rows[i]?.role && !/^[a-z]$/.test(rows[i]!.role) ? `${label} (${rows[i]!.role})` : label,
      },
      loaded: await loadCheckpoint(await checkpointFile(env.blobs, c)),
      run: run
        ? {
            id: run.id,
            kind: run.kind,
            init: run.init,
            datasetId: run.datasetId,
            blockSize: run.blockSize,
            testAcc: typeof run.summary.testAcc === 'number' ? run.summary.testAcc : null,
            finalCheckpointId:
              typeof run.summary.finalCheckpointId === 'string' ? run.summary.finalCheckpointId : null,
          }
        : null,
    });
  }
  return out;
}

/** The paper's pair groups: two P-T fine-tunes, two RI-T fine-tunes, one of each; OTHER otherwise. */
export function pairType(a: AnalysisInput, b: AnalysisInput): PairType {
  const side = (x: AnalysisInput) =>
    x.run?.kind === 'FINETUNE' ? (x.run.init === 'PRETRAINED' ? 'PT' : 'RIT') : null;
  const sa = side(a);
  const sb = side(b);
  if (!sa || !sb) return 'OTHER';
  if (sa === sb) return sa === 'PT' ? 'PT_PT' : 'RIT_RIT';
  return 'PT_RIT';
}

/** Examples held in memory so every model and every λ sees exactly the same ones. */
export interface EvalData {
  /** The dataset the examples come from. */
  dataset: DatasetRef;
  /** Which of its splits. */
  splitName: 'train' | 'test';
  split: DataSplit;
  x: Float32Array;
  labels: Int32Array | Float32Array;
  n: number;
  task: Task;
  shape: [number, number, number];
  classes: number;
}

/**
 * The dataset an analysis evaluates on: `params.datasetId` when given; else, when `options.final` (the model being
 * measured, e.g. criticality's final checkpoint) was saved by a run, that run's dataset; else the dataset the
 * FINETUNE inputs were trained on (they take precedence over PRETRAIN inputs: a P-T model is judged on its target
 * task, not on its pretraining set) — a {@link JobInputError} naming the datasets when they disagree; else the
 * dataset of the first input saved by a run.
 */
export async function evalDatasetId(
  env: Pick<JobEnv, 'sql'>,
  inputs: AnalysisInput[],
  params: Record<string, unknown>,
  options: { final?: AnalysisInput } = {},
): Promise<string> {
  const choice = options.final
    ? chooseEvalDataset('MODULE_CRITICALITY', [inputs[0] ?? { run: null }, options.final], params.datasetId)
    : chooseEvalDataset('', inputs, params.datasetId);
  if ('datasetId' in choice) return choice.datasetId;
  if ('conflict' in choice) {
    const rows = await Promise.all(choice.conflict.map((id) => datasetById(env.sql, id)));
    const name = new Map(rows.flatMap((r) => (r ? [[r.id, r.name] as const] : [])));
    const list = choice.conflict.map((id) => `${id} '${name.get(id) ?? '?'}'`).join(', ');
    throw new JobInputError(
      `the fine-tuned inputs were trained on different datasets (${list}); set params.datasetId to the one to evaluate on`,
    );
  }
  throw new JobInputError('params.datasetId is required when no input checkpoint was saved by a run');
}

/**
 * The first `examples` examples of a split of the analysis's dataset (chosen by {@link evalDatasetId}). Every input
 * must take this dataset's image shape.
 */
export async function loadEvalData(
  env: JobEnv,
  inputs: AnalysisInput[],
  params: Record<string, unknown>,
  options: { split: 'train' | 'test'; examples: number; final?: AnalysisInput },
): Promise<EvalData> {
  const datasetId = await evalDatasetId(env, inputs, params, { final: options.final });
  const record = await loadDatasetRecord(env.sql, datasetId);
  const dataset = await openJobDataset(record, datasetSpec(record), env.config);
  const { shape, task, classes } = dataset.info;
  for (const inp of inputs) {
    const s = inp.loaded.spec.inputShape;
    if (s.some((d, i) => d !== shape[i]))
      throw new JobInputError(
        `checkpoint ${inp.ref.checkpointId} takes ${s.join('×')} images but dataset ${record.id} '${record.name}' has ${shape.join('×')} (incompatible shapes)`,
      );
  }
  const per = shape[0] * shape[1] * shape[2];
  const lw = task === 'MULTILABEL' ? classes.length : 1;
  const xs: Float32Array[] = [];
  const ys: (Int32Array | Float32Array)[] = [];
  let n = 0;
  const src = options.split === 'train' ? dataset.train : dataset.test;
  for await (const b of src.batches(256)) {
    const take = Math.min(b.n, options.examples - n);
    xs.push(b.x.slice(0, take * per));
    ys.push(b.y.slice(0, take * lw));
    n += take;
    if (n >= options.examples) break;
  }
  if (n === 0)
    throw new JobInputError(`dataset ${record.id} '${record.name}' has no ${options.split} examples`);
  const x = new Float32Array(n * per);
  let o = 0;
  for (const p of xs) {
    x.set(p, o);
    o += p.length;
  }
  const labels = task === 'MULTILABEL' ? new Float32Array(n * lw) : new Int32Array(n);
  o = 0;
  for (const p of ys) {
    labels.set(p, o);
    o += p.length;
  }
  return {
    dataset: { id: record.id, name: record.name },
    splitName: options.split,
    split: memorySplit(x, labels, per, lw),
    x,
    labels,
    n,
    task,
    shape,
    classes: classes.length,
  };
}

/**
 * What is suspicious about one model's score on `data` (accuracy, or mean AUC for MULTILABEL): NEAR_CHANCE, and
 * ENDPOINT_MISMATCH against its run's own final test accuracy — compared only on the test split of the run's own
 * dataset, for the run's final checkpoint, and for a run trained on unshuffled images (the run's number was
 * measured on exactly that data; anything else is expected to differ).
 */
export function modelSanity(inp: AnalysisInput, accuracy: number, data: EvalData): SanityFlag[] {
  const flags: (SanityFlag | null)[] = [
    nearChanceFlag({
      accuracy,
      task: data.task,
      classes: data.classes,
      checkpointId: inp.ref.checkpointId,
      label: inp.ref.label,
      dataset: `dataset ${data.dataset.id} '${data.dataset.name}' (${data.splitName})`,
    }),
  ];
  const run = inp.run;
  if (
    run &&
    data.splitName === 'test' &&
    run.datasetId === data.dataset.id &&
    run.blockSize === null &&
    run.finalCheckpointId === inp.ref.checkpointId
  )
    flags.push(
      endpointMismatchFlag({
        measured: accuracy,
        reported: run.testAcc,
        n: data.n,
        checkpointId: inp.ref.checkpointId,
        label: inp.ref.label,
        runId: run.id,
      }),
    );
  return flags.filter((f): f is SanityFlag => f !== null);
}

/** Checks that a model's outputs match the dataset's classes (needed to compute a loss or mistakes). */
export function requireSameClasses(inp: AnalysisInput, data: EvalData): void {
  if (inp.loaded.spec.classes !== data.classes)
    throw new JobInputError(
      `checkpoint ${inp.ref.checkpointId} outputs ${inp.loaded.spec.classes} classes but the dataset has ${data.classes} (incompatible shapes)`,
    );
}

/** An evaluator for the barrier and criticality drivers: loads weights into one model and evaluates on `data`. */
export function weightEvaluator(model: ResNet, data: EvalData, signal?: AbortSignal) {
  return async (modules: Checkpoint['modules']) => {
    signal?.throwIfAborted();
    applyCheckpoint(model, { modules, metadata: {} } as unknown as Checkpoint);
    const r = await evaluate(model, data.split, data.task, { batchSize: 256 });
    return r.acc !== undefined ? { loss: r.loss, accuracy: r.acc } : { loss: r.loss, accuracy: r.auc ?? 0 };
  };
}

/** Activations of named modules on every example of `data`, flattened per example (n × d each). */
export function activations(
  model: ResNet,
  data: EvalData,
  modules: readonly string[],
): Map<string, Float32Array> {
  const per = data.shape[0] * data.shape[1] * data.shape[2];
  const parts = new Map<string, Float32Array[]>(modules.map((m) => [m, []]));
  for (let s = 0; s < data.n; s += 128) {
    const e = Math.min(data.n, s + 128);
    tf.tidy(() => {
      const x = tf.tensor4d(data.x.subarray(s * per, e * per), [e - s, ...data.shape]);
      const out = model.forward(x, { activations: modules });
      for (const m of modules) {
        const t = out.activations[m];
        if (!t)
          throw new JobInputError(`model has no module '${m}' (modules: ${model.moduleNames.join(', ')})`);
        parts.get(m)!.push(Float32Array.from(t.dataSync() as Float32Array));
      }
    });
  }
  const result = new Map<string, Float32Array>();
  for (const [m, ps] of parts) {
    const all = new Float32Array(ps.reduce((a, p) => a + p.length, 0));
    let o = 0;
    for (const p of ps) {
      all.set(p, o);
      o += p.length;
    }
    result.set(m, all);
  }
  return result;
}
