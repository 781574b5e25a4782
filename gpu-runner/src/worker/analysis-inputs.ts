/** What an analysis works on: its input checkpoints (loaded), their runs, and a fixed set of examples in memory. */
import type { Checkpoint } from '@basin/analysis';
import type { ModelRef, PairType } from '@basin/db';
import * as tf from '@tensorflow/tfjs-core';
import { applyCheckpoint, type LoadedCheckpoint, loadCheckpoint } from '../checkpoint/checkpoint';
import { memorySplit } from '../data/memory';
import type { DataSplit, Task } from '../data/types';
import type { ResNet } from '../model/resnet';
import { evaluate } from '../train/evaluate';
import { checkpointFile, loadCheckpointRecords } from './checkpoints';
import { type JobEnv, JobInputError } from './context';
import { datasetSpec, loadDatasetRecord, openJobDataset } from './datasets';
import type { ClaimedAnalysis } from './status';

/** One input checkpoint with its weights and where it came from. */
export interface AnalysisInput {
  ref: ModelRef;
  loaded: LoadedCheckpoint;
  run: { id: string; kind: string; init: string; datasetId: string } | null;
}

/** Loads an analysis's input checkpoints (in position order) and their producing runs. */
export async function loadInputs(env: JobEnv, a: ClaimedAnalysis): Promise<AnalysisInput[]> {
  const rows = await env.sql<{ checkpoint_id: string | null; role: string }[]>`
    select checkpoint_id, role from analysis_inputs where analysis_id = ${a.id} order by position`;
  const ids = rows.flatMap((r) => (r.checkpoint_id ? [r.checkpoint_id] : []));
  const records = await loadCheckpointRecords(env.sql, a.teamId, ids, 'input checkpoint');
  const runIds = records.flatMap((c) => (c.runId ? [c.runId] : []));
  const runs = runIds.length
    ? await env.sql<
        { id: string; kind: string; init: string; dataset_id: string; name: string; seed: number }[]
      >`
        select id, kind, init, dataset_id, name, seed from runs where id = any(${env.sql.array(runIds)}::bigint[])`
    : [];
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
      run: run ? { id: run.id, kind: run.kind, init: run.init, datasetId: run.dataset_id } : null,
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
  split: DataSplit;
  x: Float32Array;
  labels: Int32Array | Float32Array;
  n: number;
  task: Task;
  shape: [number, number, number];
  classes: number;
}

/**
 * The first `examples` examples of a split of the analysis's dataset: `params.datasetId`, else the dataset of the
 * first input's run. Every input must take this dataset's image shape.
 */
export async function loadEvalData(
  env: JobEnv,
  inputs: AnalysisInput[],
  params: Record<string, unknown>,
  options: { split: 'train' | 'test'; examples: number },
): Promise<EvalData> {
  const datasetId = (params.datasetId as string | undefined) ?? inputs.find((i) => i.run)?.run?.datasetId;
  if (!datasetId)
    throw new JobInputError('params.datasetId is required when no input checkpoint was saved by a run');
  const record = await loadDatasetRecord(env.sql, String(datasetId));
  const dataset = await openJobDataset(record, datasetSpec(record), env.config.name);
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
  return { split: memorySplit(x, labels, per, lw), x, labels, n, task, shape, classes: classes.length };
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
