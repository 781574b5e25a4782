/**
 * The `pretrain` and `finetune` tasks: claim the run, train with the engine, stream progress, write metrics and
 * checkpoints, and end the run — resuming from the run's last checkpoint when an earlier attempt died.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type CheckedHyperparameters,
  checkHyperparameters,
  HyperparameterError,
  latestCheckpointOfRun,
  modelsByIds,
  rawMetric,
  retryWhileDatabaseAway,
  runsByIds,
  type Sql,
  saveRunCheckpoint,
  truncateMetricsAfter,
} from '@basin/db';
import { loadCheckpoint } from '../checkpoint/checkpoint';
import { momentumPath } from '../checkpoint/resume';
import type { Dataset } from '../data/types';
import { finetune, pretrain, resumeRun } from '../train/runs';
import type { CheckpointEvent, TrainOptions, TrainResult } from '../train/trainer';
import { checkpointFile, copyBlob, loadCheckpointRecords } from './checkpoints';
import {
  dbAway,
  describeError,
  HandBackError,
  type JobEnv,
  JobInputError,
  LostLeaseError,
  ShutdownError,
  shouldHandBack,
} from './context';
import { type DatasetRecord, datasetSpec, loadDatasetRecord, openJobDataset } from './datasets';
import { type Lease, startLease } from './lease';
import { MetricBuffer } from './metrics-buffer';
import { Throttle } from './progress';
import { OrderedPublisher } from './publisher';
import { type ClaimedRun, claimRun, finishRun } from './status';

/** Training settings stored on a run (apps/api `toHyperparameters`, plus engine extras). */
interface Hyper {
  epochs: number;
  batchSize: number;
  lr: number;
  momentum: number;
  weightDecay: number;
  checkpointEvery: number;
  trainExamples: number | null;
  lrMilestones?: number[];
  lrGamma?: number;
  maxBatchesPerEpoch?: number;
  maxEvalExamples?: number;
  /** Train until the training loss plateaus (then anneal), with `epochs` as the cap. */
  untilPlateau: boolean;
  plateauTolerance: number;
  plateauWindow: number;
  minEpochs: number;
  annealEpochs: number;
  /** Epochs `speed` averages training accuracy over; null = all. */
  speedEpochs: number | null;
  /** Global gradient-norm clip; null = none. */
  maxGradNorm: number | null;
}

/**
 * The run's settings, checked with `@basin/db`'s HYPERPARAMETER_RULES (the bounds and defaults the API checked the
 * request with, so both refuse a bad value with the same message); a bad one fails the run naming it.
 */
function hyperparameters(h: Record<string, unknown>): Hyper {
  let c: CheckedHyperparameters;
  try {
    c = checkHyperparameters(h);
  } catch (err) {
    if (err instanceof HyperparameterError) throw new JobInputError(err.message);
    throw err;
  }
  return {
    epochs: c.epochs,
    batchSize: c.batchSize,
    lr: c.learningRate,
    momentum: c.momentum,
    weightDecay: c.weightDecay,
    checkpointEvery: c.checkpointEvery,
    trainExamples: c.trainExamples,
    ...(c.lrMilestones ? { lrMilestones: c.lrMilestones } : {}),
    ...(c.lrGamma !== null ? { lrGamma: c.lrGamma } : {}),
    ...(c.maxBatchesPerEpoch !== null ? { maxBatchesPerEpoch: c.maxBatchesPerEpoch } : {}),
    ...(c.maxEvalExamples !== null ? { maxEvalExamples: c.maxEvalExamples } : {}),
    untilPlateau: c.untilPlateau,
    plateauTolerance: c.plateauTolerance,
    plateauWindow: c.plateauWindow,
    minEpochs: c.minEpochs,
    annealEpochs: c.annealEpochs,
    speedEpochs: c.speedEpochs,
    maxGradNorm: c.maxGradNorm,
  };
}

/**
 * Epochs after which a checkpoint is saved: 0 (the initial weights), every `every` epochs, and the last (`epochs`;
 * a run that stops at its plateau before that is also checkpointed at the epoch it ends at, by the trainer).
 */
export function checkpointEpochs(epochs: number, every: number): number[] {
  const out = new Set([0, epochs]);
  if (every > 0) for (let e = every; e < epochs; e += every) out.add(e);
  return [...out].sort((a, b) => a - b);
}

/** Runs one `pretrain` or `finetune` job. Never throws for a run's own failure (the run FAILS instead). */
export async function trainJob(env: JobEnv, runId: string): Promise<void> {
  const run = await claimRun(env, runId);
  if (!run) {
    env.log.info(`run ${runId}: finished or held by another runner; nothing to do`);
    return;
  }
  if (run.cancelRequestedAt !== null) {
    await finishRun(env, run, 'CANCELLED');
    return;
  }
  const lease = startLease(env, 'runs', run.id);
  const metrics = new MetricBuffer(env.sql, run.id, {
    batch: env.config.metricsBatch,
    maxDelayMs: env.config.metricsFlushMs,
    heldBy: env.workerId,
    outageMs: env.config.dbOutageMs,
    onRetry: dbAway(env, `run ${run.id}`),
  });
  const workDir = join(env.config.basinHome, 'runner', `${env.config.name}-${process.pid}`, `run-${run.id}`);
  const events = new OrderedPublisher(env.bus, env.log);
  const progress = new Throttle<{ step: number; epoch: number; metrics: Record<string, number>; at: string }>(
    env.config.progressMs,
    (p) => events.publish({ type: 'run.progress', runId: run.id, studyId: run.studyId, ...p }),
  );
  try {
    const result = await train(env, run, { lease, metrics, progress, events, workDir });
    progress.flush();
    await metrics.flush();
    await events.idle();
    if (result.status === 'aborted') throw abortError(lease);
    const summary = await retryWhileDatabaseAway(
      `summarising run ${run.id}`,
      () => runSummary(env.sql, run.id, result, hyperparameters(run.hyperparameters)),
      { maxWaitMs: env.config.dbOutageMs, onRetry: dbAway(env, `run ${run.id}`) },
    );
    if (!(await finishRun(env, run, 'SUCCEEDED', { summary })))
      env.log.warn(`run ${run.id}: finished, but another runner holds it now`);
    else env.log.info(`run ${run.id}: SUCCEEDED (step ${result.step}, ${result.seconds.toFixed(1)} s)`);
  } catch (err) {
    progress.cancel();
    await events.idle();
    const reason = lease.stopReason;
    if (reason === 'lost' || err instanceof LostLeaseError) {
      metrics.discard();
      env.log.warn(`run ${run.id}: another runner took it over; stopping`);
      return;
    }
    await metrics.flush().catch(() => {});
    if (reason === 'cancel') {
      await finishRun(env, run, 'CANCELLED');
      env.log.info(`run ${run.id}: CANCELLED`);
      return;
    }
    if (reason === 'shutdown' || err instanceof ShutdownError) {
      await finishRun(env, run, 'QUEUED');
      throw new ShutdownError(`runner ${env.config.name} stopped during run ${run.id}; it will resume`);
    }
    if (shouldHandBack(env, err)) {
      await finishRun(env, run, 'QUEUED');
      throw new HandBackError(
        `run ${run.id}: ${(err as Error).message}; handed back for a runner that has it`,
      );
    }
    const message = describeError(err);
    env.log.error(`run ${run.id}: FAILED: ${message}`);
    await finishRun(env, run, 'FAILED', { error: message });
  } finally {
    lease.release();
    await rm(workDir, { recursive: true, force: true }).catch(() => {});
  }
}

function abortError(lease: Lease): Error {
  return lease.stopReason === 'shutdown'
    ? new ShutdownError('shutdown')
    : new Error(`aborted (${lease.stopReason})`);
}

/** Where a training run reports to: its lease (cancel, lost), metrics, live progress, events and work folder. */
interface TrainIo {
  lease: Lease;
  metrics: MetricBuffer;
  progress: Throttle<{ step: number; epoch: number; metrics: Record<string, number>; at: string }>;
  events: OrderedPublisher;
  workDir: string;
}

/** Trains a claimed run: resumes from its newest checkpoint when an earlier attempt saved one, else from the start. */
async function train(env: JobEnv, run: ClaimedRun, io: TrainIo): Promise<TrainResult> {
  const h = hyperparameters(run.hyperparameters);
  const [model] = await modelsByIds(env.sql, run.teamId, [run.modelId]);
  if (!model) throw new JobInputError(`model ${run.modelId} of run ${run.id} does not exist`);
  const record = await loadDatasetRecord(env.sql, run.datasetId);
  const spec = datasetSpec(record, { seed: run.seed, blockSize: run.blockSize, trainSize: h.trainExamples });
  const dataset = await openJobDataset(record, spec, env.config);
  const options = trainOptions(env, run, h, io);

  const resumed = await resumeFromCheckpoint(env, run, dataset, options, io.workDir);
  if (resumed) return resumed;
  await truncateMetricsAfter(env.sql, run.id, -1);
  const norm = model.spec.norm === 'groupnorm' ? ('groupnorm' as const) : ('fixup' as const);
  if (run.kind === 'PRETRAIN') {
    const out = await pretrain(dataset, { ...options, depth: model.depth, width: model.width, norm });
    out.model.dispose();
    return out.result;
  }
  const start =
    run.init === 'PRETRAINED'
      ? await pretrainedStart(env, run, dataset, record)
      : { init: { random: { depth: model.depth, width: model.width, norm } }, reinitHead: false };
  const out = await finetune(dataset, { ...options, ...start });
  out.model.dispose();
  return out.result;
}

/** The engine's options for a run: its hyperparameters, and callbacks that store metrics, progress and checkpoints. */
function trainOptions(env: JobEnv, run: ClaimedRun, h: Hyper, io: TrainIo): TrainOptions {
  const { lease, metrics, progress, events, workDir } = io;
  const onCheckpoint = async (ev: CheckpointEvent) => {
    await metrics.flush(); // every point up to this step is stored before the checkpoint that resumes after it
    const bytes = new Uint8Array(await readFile(ev.path));
    const blob = await env.blobs.put(bytes);
    const momentum = ev.momentumPath
      ? await env.blobs.put(new Uint8Array(await readFile(ev.momentumPath)))
      : null;
    const finite = Object.fromEntries(Object.entries(ev.metrics).filter(([, v]) => Number.isFinite(v)));
    // one transaction, idempotent on (run, step): safe to repeat when the connection died under it
    const saved = await retryWhileDatabaseAway(
      `recording the checkpoint of run ${run.id} at step ${ev.step}`,
      () =>
        saveRunCheckpoint(env.sql, env.bus, env.workerId, run, {
          step: ev.step,
          epoch: ev.epoch,
          blobHash: blob.hash,
          blobSize: blob.size,
          metrics: finite,
          momentumHash: momentum?.hash ?? null,
        }),
      { maxWaitMs: env.config.dbOutageMs, onRetry: dbAway(env, `run ${run.id}`) },
    );
    if (!saved) throw new LostLeaseError(`run ${run.id} is held by another runner`);
    await rm(ev.path, { force: true });
    if (ev.momentumPath) await rm(ev.momentumPath, { force: true });
  };

  return {
    epochs: h.epochs,
    batchSize: h.batchSize,
    lr: h.lr,
    momentum: h.momentum,
    weightDecay: h.weightDecay,
    seed: run.seed,
    lrMilestones: h.lrMilestones,
    lrGamma: h.lrGamma,
    maxBatchesPerEpoch: h.maxBatchesPerEpoch,
    maxEvalExamples: h.maxEvalExamples,
    untilPlateau: h.untilPlateau
      ? { tolerance: h.plateauTolerance, window: h.plateauWindow, minEpochs: h.minEpochs }
      : null,
    annealEpochs: h.annealEpochs,
    maxGradNorm: h.maxGradNorm,
    signal: lease.signal,
    checkpoints: {
      dir: workDir,
      epochs: checkpointEpochs(h.epochs, h.checkpointEvery),
      extra: { 'basin.run': run.id },
    },
    callbacks: {
      onBatchEnd: async (e) => {
        const at = new Date().toISOString();
        metrics.add([
          { key: 'train/batch_loss', step: e.step, value: e.loss },
          { key: 'train/batch_acc', step: e.step, value: e.acc },
          ...(e.gradNorm === undefined ? [] : [{ key: 'train/grad_norm', step: e.step, value: e.gradNorm }]),
        ]);
        progress.push({
          step: e.step,
          epoch: e.epoch,
          metrics: { 'train/batch_loss': e.loss, 'train/batch_acc': e.acc, lr: e.lr },
          at,
        });
        await lease.check(); // cancel within one batch
      },
      onEpochEnd: async (e) => {
        const at = new Date().toISOString();
        metrics.add([
          ...Object.entries(e.metrics).map(([key, value]) => ({ key, step: e.step, value })),
          { key: 'epoch', step: e.step, value: e.epoch },
        ]);
        progress.flush();
        const finite = Object.fromEntries(Object.entries(e.metrics).filter(([, v]) => Number.isFinite(v)));
        events.publish({
          type: 'run.progress',
          runId: run.id,
          studyId: run.studyId,
          step: e.step,
          epoch: e.epoch,
          metrics: finite,
          at,
        });
      },
      onCheckpoint,
    },
  };
}

/** Continues from the run's newest checkpoint, dropping the metrics logged after it; null when there is none. */
async function resumeFromCheckpoint(
  env: JobEnv,
  run: ClaimedRun,
  dataset: Dataset,
  options: TrainOptions,
  workDir: string,
): Promise<TrainResult | null> {
  const resume = run.summary.resume as { checkpointId?: string; momentumHash?: string | null } | undefined;
  const last = await latestCheckpointOfRun(env.sql, run.id);
  if (!last) return null;
  const path = join(workDir, 'resume', 'resume.safetensors');
  if (!(await copyBlob(env.blobs, last.blobHash, path)))
    throw new JobInputError(
      `run ${run.id}: its checkpoint ${last.id} (blob ${last.blobHash}) is not in the blob store`,
    );
  const momentum = resume?.checkpointId === last.id ? resume.momentumHash : null;
  if (!momentum || !(await copyBlob(env.blobs, momentum, momentumPath(path))))
    env.log.warn(`run ${run.id}: no momentum saved with checkpoint ${last.id}; resuming with zero momentum`);
  await truncateMetricsAfter(env.sql, run.id, last.step);
  env.log.info(`run ${run.id}: resuming from checkpoint ${last.id} (step ${last.step}, epoch ${last.epoch})`);
  // The plateau criterion needs the whole loss curve, the epochs before the checkpoint included.
  const trainLosses = (await rawMetric(env.sql, run.id, 'train/loss', { to: last.step, limit: 100_000 })).map(
    (p) => p.value,
  );
  const out = await resumeRun(path, dataset, {
    ...options,
    resume: { epoch: last.epoch, step: last.step, trainLosses },
  });
  out.model.dispose();
  return out.result;
}

/** The init checkpoint of a P-T run, checked against the dataset; a new head unless it continues on its own data. */
async function pretrainedStart(
  env: JobEnv,
  run: ClaimedRun,
  dataset: Dataset,
  record: DatasetRecord,
): Promise<Pick<Parameters<typeof finetune>[1], 'init' | 'reinitHead'>> {
  if (!run.initCheckpointId)
    throw new JobInputError(`run ${run.id} is PRETRAINED but has no init checkpoint`);
  const [c] = await loadCheckpointRecords(env.sql, run.teamId, [run.initCheckpointId], 'init checkpoint');
  const loaded = await loadCheckpoint(await checkpointFile(env.blobs, c!));
  const shape = loaded.spec.inputShape;
  if (shape.some((d, i) => d !== dataset.info.shape[i]))
    throw new JobInputError(
      `init checkpoint ${c!.id} takes ${shape.join('×')} images but dataset ${record.id} '${record.name}' has ${dataset.info.shape.join('×')} (incompatible shapes)`,
    );
  // A new task gets a new head, as in the paper, even when the class count happens to match (Fashion-MNIST's
  // "ankle boot" unit means nothing for the digit 9); fine-tuning further on the same dataset keeps it.
  const [source] = c!.runId ? await runsByIds(env.sql, run.teamId, [c!.runId]) : [];
  return { init: { checkpoint: loaded }, reinitHead: source?.datasetId !== run.datasetId };
}

/**
 * What a finished run stores in `summary`: final metrics, per-epoch training accuracy and loss, the final
 * checkpoint, why training stopped, and the optimisation speed.
 *
 * - `converged`: true when training stopped at its plateau (`untilPlateau`), false when the cap came first, null
 *   without `untilPlateau`; `stopReason` (`plateau` | `cap` | `epochs`) and `plateauEpoch` (or null) say more.
 * - `speed`: optimisation speed at a fixed early budget — the mean training accuracy over the first `speedEpochs`
 *   epochs (hyperparameter `speedEpochs`; all epochs when unset, as before). The budget is the same for the P-T and
 *   RI-T runs of a comparison, however long each then trains to converge. `speedEpochs` in the summary is how many
 *   epochs were averaged (fewer than asked only when the run ended sooner).
 * - `earlyTestAcc`: test accuracy (or AUC) after epoch `speedEpochs`; null when it is unset or the run ended sooner.
 */
async function runSummary(
  sql: Sql,
  runId: string,
  result: TrainResult,
  h: Hyper,
): Promise<Record<string, unknown>> {
  const series = async (key: string) =>
    (await rawMetric(sql, runId, key, { limit: 100_000 })).map((p) => p.value);
  const trainAcc = await series('train/acc');
  const trainLoss = await series('train/loss');
  const last = async (key: string) => {
    const pts = await rawMetric(sql, runId, key, { from: Math.max(0, result.step), limit: 1 });
    return pts[0]?.value ?? null;
  };
  const final = await latestCheckpointOfRun(sql, runId);
  const speedEpochs = Math.min(h.speedEpochs ?? trainAcc.length, trainAcc.length);
  const early = trainAcc.slice(0, speedEpochs);
  let earlyTestAcc: number | null = null;
  if (h.speedEpochs !== null) {
    const testAcc = await series('test/acc');
    const perEpoch = testAcc.length ? testAcc : await series('test/auc');
    earlyTestAcc = perEpoch[h.speedEpochs - 1] ?? null;
  }
  return {
    steps: result.step,
    epochs: result.epoch,
    testAcc: (await last('test/acc')) ?? (await last('test/auc')),
    testLoss: await last('test/loss'),
    trainAccPerEpoch: trainAcc,
    trainLossPerEpoch: trainLoss,
    speed: early.length ? early.reduce((a, b) => a + b, 0) / early.length : null,
    speedEpochs,
    earlyTestAcc,
    converged: h.untilPlateau ? result.stop.reason === 'plateau' : null,
    stopReason: result.stop.reason,
    plateauEpoch: result.stop.plateauEpoch,
    finalCheckpointId: final?.id ?? null,
    backend: result.backend.name,
  };
}
