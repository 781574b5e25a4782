import {
  type AnalysisRow,
  advanceSweep,
  bucketsOf,
  type CheckpointRow,
  createRuns,
  type DatasetRow,
  downsampleMetrics,
  enqueueFlaggedJob,
  jobFlags,
  lockSweepsOfRun,
  type ModelRow,
  type RunRow,
  rawMetric,
  removeQueuedJob,
  requestRunCancel,
  type StudyRow,
  transaction,
} from '@basin/db';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Analysis } from '../analysis/analysis.type';
import { Checkpoint } from '../checkpoint/checkpoint.type';
import { RunOrder } from '../common/enums';
import { intIn } from '../common/validate';
import type { Context } from '../context';
import { Dataset } from '../dataset/dataset.type';
import { BasinError, badInput, notFound } from '../errors';
import { parseId } from '../ids';
import { MetricKeyInfo, MetricPoint, MetricSeries } from '../metrics/metrics.type';
import { Model } from '../model/model.type';
import { Study } from '../study/study.type';
import { toHyperparameters } from './hyperparameters';
import { checkBlockSize, checkpointArg, checkSeed, datasetArg, modelArg, studyArg } from './run.checks';
import { RunConnection } from './run.connection';
import { RunFilterInput, StartFineTuneInput, StartPretrainInput } from './run.input';
import { pageOfRuns, type RunConnectionValue } from './run.page';
import { Run } from './run.type';

/** At most this many keys per `metrics` call. */
const MAX_KEYS = 20;

@Resolver(() => Run)
export class RunResolver {
  @Query(() => Run)
  async run(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<RunRow> {
    const row = await ctx.loaders.run.load(parseId('id', id));
    if (!row) throw notFound('run', id);
    return row;
  }

  @Query(() => RunConnection, { description: "The team's runs, filtered, newest first by default." })
  runs(
    @Ctx() ctx: Context,
    @Arg('filter', () => RunFilterInput, { nullable: true }) filter: RunFilterInput | null,
    @Arg('first', () => Int, { defaultValue: 20, description: 'Page size, 1 to 100.' }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('order', () => RunOrder, { defaultValue: RunOrder.NEWEST_FIRST }) order: RunOrder,
  ): Promise<RunConnectionValue> {
    return pageOfRuns(ctx, filter, first, after, order);
  }

  @FieldResolver(() => Study, { nullable: true })
  study(@Root() run: RunRow, @Ctx() ctx: Context): Promise<StudyRow | null> | null {
    return run.studyId ? ctx.loaders.study.load(run.studyId) : null;
  }

  @FieldResolver(() => Dataset)
  async dataset(@Root() run: RunRow, @Ctx() ctx: Context): Promise<DatasetRow> {
    return (await ctx.loaders.dataset.load(run.datasetId))!;
  }

  @FieldResolver(() => Model)
  async model(@Root() run: RunRow, @Ctx() ctx: Context): Promise<ModelRow> {
    return (await ctx.loaders.model.load(run.modelId))!;
  }

  @FieldResolver(() => Checkpoint, { nullable: true, description: 'The checkpoint a P-T run started from.' })
  initCheckpoint(@Root() run: RunRow, @Ctx() ctx: Context): Promise<CheckpointRow | null> | null {
    return run.initCheckpointId ? ctx.loaders.checkpoint.load(run.initCheckpointId) : null;
  }

  @FieldResolver(() => [Checkpoint], { description: 'Checkpoints this run saved, in step order.' })
  checkpoints(@Root() run: RunRow, @Ctx() ctx: Context): Promise<CheckpointRow[]> {
    return ctx.loaders.checkpointsByRun.load(run.id);
  }

  @FieldResolver(() => Analysis, { nullable: true, description: 'The sweep that fanned this run out.' })
  sweepAnalysis(@Root() run: RunRow, @Ctx() ctx: Context): Promise<AnalysisRow | null> | null {
    return run.sweepAnalysisId ? ctx.loaders.analysis.load(run.sweepAnalysisId) : null;
  }

  @FieldResolver(() => String, { description: 'How the paper prints the block size: "none", "*" or b.' })
  blockLabel(@Root() run: RunRow): string {
    return run.blockSize === null ? 'none' : run.blockSize === 0 ? '*' : String(run.blockSize);
  }

  @FieldResolver(() => [MetricKeyInfo], { description: 'Metrics this run has logged.' })
  async metricKeys(@Root() run: RunRow, @Ctx() ctx: Context): Promise<MetricKeyInfo[]> {
    return ctx.loaders.metricKeys.load(run.id);
  }

  @FieldResolver(() => [MetricSeries], {
    complexity: 50,
    description:
      'Series downsampled to at most `buckets` aligned step buckets of min/max/last (spikes survive); `from`/`to` zoom into a window, at full resolution once it holds fewer points than buckets.',
  })
  async metrics(
    @Root() run: RunRow,
    @Ctx() ctx: Context,
    @Arg('keys', () => [String], { nullable: true, description: 'Default: every key (at most 20).' })
    keys: string[] | null,
    @Arg('buckets', () => Int, { defaultValue: 1000 }) buckets: number,
    @Arg('from', () => Int, { nullable: true }) from: number | null,
    @Arg('to', () => Int, { nullable: true }) to: number | null,
  ): Promise<MetricSeries[]> {
    intIn('buckets', buckets, 1, 10_000);
    checkRange(from, to);
    const names = keys ?? (await ctx.loaders.metricKeys.load(run.id)).map((k) => k.key);
    if (names.length > MAX_KEYS) throw badInput('keys', names.length, `at most ${MAX_KEYS} keys`);
    const opts = { buckets, ...(from !== null ? { from } : {}), ...(to !== null ? { to } : {}) };
    return Promise.all(
      names.map(async (key) => {
        const down = await downsampleMetrics(ctx.sql, [run.id], key, opts);
        const columns = down.runs.get(run.id)!;
        return {
          key,
          columns,
          bucketWidth: down.width,
          // bucket objects only for a query that asks for them (charts read the columns)
          get buckets() {
            return bucketsOf(columns);
          },
        };
      }),
    );
  }

  @FieldResolver(() => [MetricPoint], {
    complexity: 50,
    description: 'Raw points of one key in a step range.',
  })
  rawMetric(
    @Root() run: RunRow,
    @Ctx() ctx: Context,
    @Arg('key', () => String) key: string,
    @Arg('from', () => Int, { nullable: true }) from: number | null,
    @Arg('to', () => Int, { nullable: true }) to: number | null,
    @Arg('limit', () => Int, { defaultValue: 10_000, description: '1 to 100,000.' }) limit: number,
  ): Promise<MetricPoint[]> {
    intIn('limit', limit, 1, 100_000);
    checkRange(from, to);
    return rawMetric(ctx.sql, run.id, key, {
      limit,
      ...(from !== null ? { from } : {}),
      ...(to !== null ? { to } : {}),
    });
  }

  @Mutation(() => Run, { description: 'Queues a pretraining run.' })
  async startPretrain(
    @Arg('input', () => StartPretrainInput) input: StartPretrainInput,
    @Ctx() ctx: Context,
  ): Promise<RunRow> {
    const study = await studyArg(ctx, 'input.studyId', input.studyId);
    const dataset = await datasetArg(ctx, 'input.datasetId', input.datasetId);
    const model = await modelArg(ctx, 'input.modelId', input.modelId);
    const run = {
      studyId: study?.id ?? null,
      name: input.name?.trim() ?? '',
      kind: 'PRETRAIN' as const,
      init: 'RANDOM' as const,
      datasetId: dataset.id,
      modelId: model.id,
      seed: checkSeed('input.seed', input.seed),
      blockSize: checkBlockSize('input.blockSize', input.blockSize, dataset),
      hyperparameters: toHyperparameters(input.hyperparameters, 'input.hyperparameters'),
    };
    return queueRun(ctx, run, 'pretrain');
  }

  @Mutation(() => Run, {
    description: 'Queues a fine-tuning run: P-T (from a checkpoint) or RI-T (random init).',
  })
  async startFineTune(
    @Arg('input', () => StartFineTuneInput) input: StartFineTuneInput,
    @Ctx() ctx: Context,
  ): Promise<RunRow> {
    const study = await studyArg(ctx, 'input.studyId', input.studyId);
    const dataset = await datasetArg(ctx, 'input.datasetId', input.datasetId);
    let init: CheckpointRow | null = null;
    if (input.init === 'PRETRAINED') {
      if (!input.initCheckpointId) {
        throw badInput('input.initCheckpointId', null, 'the checkpoint a PRETRAINED fine-tune starts from');
      }
      init = await checkpointArg(ctx, 'input.initCheckpointId', input.initCheckpointId);
    } else if (input.initCheckpointId) {
      throw badInput('input.initCheckpointId', input.initCheckpointId, 'null for a RANDOM init');
    }
    let modelId = init?.modelId;
    if (input.modelId) {
      const model = await modelArg(ctx, 'input.modelId', input.modelId);
      if (init && model.id !== init.modelId) {
        throw badInput(
          'input.modelId',
          input.modelId,
          `the init checkpoint's model (${init.modelId}) or null`,
        );
      }
      modelId = model.id;
    }
    if (!modelId) throw badInput('input.modelId', null, 'the model to train from random init');
    return queueRun(
      ctx,
      {
        studyId: study?.id ?? null,
        name: input.name?.trim() ?? '',
        kind: 'FINETUNE',
        init: input.init,
        initCheckpointId: init?.id ?? null,
        datasetId: dataset.id,
        modelId,
        seed: checkSeed('input.seed', input.seed),
        blockSize: checkBlockSize('input.blockSize', input.blockSize, dataset),
        hyperparameters: toHyperparameters(input.hyperparameters, 'input.hyperparameters'),
      },
      'finetune',
    );
  }

  @Mutation(() => Run, {
    description:
      'Asks a run to stop: a queued run is cancelled at once, a running one when its runner next checks.',
  })
  async cancelRun(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<RunRow> {
    const before = await ctx.loaders.run.load(parseId('id', id));
    if (!before) throw notFound('run', id);
    if (!['QUEUED', 'RUNNING'].includes(before.status)) {
      throw new BasinError(
        'BAD_USER_INPUT',
        `run ${id} already finished (${before.status}); nothing to cancel`,
        {
          extensions: { field: 'id', status: before.status },
        },
      );
    }
    return transaction(ctx.sql, async (tx) => {
      // a queued sweep child cancelled here may be the sweep's last open run: its sweeps advance as on any finish
      const sweeps = await lockSweepsOfRun(tx, before.id);
      const run = (await requestRunCancel(tx, ctx.identity.teamId, before.id))!;
      if (run.status === 'CANCELLED') await removeQueuedJob(tx, { runId: run.id });
      await ctx.bus.publish(
        { type: 'run.status', runId: run.id, studyId: run.studyId, status: run.status, error: null },
        tx,
      );
      if (run.status === 'CANCELLED') for (const s of sweeps) await advanceSweep(tx, ctx.bus, s);
      return run;
    });
  }
}

function checkRange(from: number | null, to: number | null): void {
  if (from !== null && from < 0) throw badInput('from', from, 'a step ≥ 0');
  if (from !== null && to !== null && to < from) throw badInput('to', to, `a step ≥ from (${from})`);
}

/** Inserts a QUEUED run, enqueues its job and announces it, all in one transaction. */
async function queueRun(
  ctx: Context,
  run: Parameters<typeof createRuns>[2][number],
  task: 'pretrain' | 'finetune',
): Promise<RunRow> {
  return transaction(ctx.sql, async (tx) => {
    const [row] = await createRuns(tx, ctx.identity.teamId, [run]);
    await enqueueFlaggedJob(tx, task, { runId: row!.id }, jobFlags({ datasetIds: [row!.datasetId] }));
    await ctx.bus.publish(
      { type: 'run.status', runId: row!.id, studyId: row!.studyId, status: 'QUEUED' },
      tx,
    );
    return row!;
  });
}
