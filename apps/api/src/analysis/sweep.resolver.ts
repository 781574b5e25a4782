import {
  type AnalysisRow,
  addSweepRuns,
  type CheckpointRow,
  createAnalysis,
  enqueueFlaggedJob,
  type NewRun,
  transaction,
} from '@basin/db';
import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { badInput, notFound } from '../errors';
import { parseId } from '../ids';
import { toHyperparameters } from '../run/hyperparameters';
import { checkBlockSize, checkpointArg, checkSeed, datasetArg, studyArg } from '../run/run.checks';
import { StartBlockShuffleSweepInput, StartCheckpointSweepInput } from './analysis.input';
import { Analysis } from './analysis.type';

/** Most runs one sweep may fan out. */
const MAX_SWEEP_RUNS = 500;

function checkSeeds(seeds: number[]): number[] {
  if (seeds.length < 1 || seeds.length > 100 || new Set(seeds).size !== seeds.length) {
    throw badInput('input.seeds', seeds, '1 to 100 distinct seeds');
  }
  return seeds.map((s, i) => checkSeed(`input.seeds[${i}]`, s));
}

@Resolver(() => Analysis)
export class SweepResolver {
  @Mutation(() => Analysis, {
    description:
      'Queues a block-shuffle sweep: for each block size and seed, one P-T and one RI-T fine-tune on the shuffled target (an equivalent fine-tune the study already has counts instead, see reuseRuns).',
  })
  async startBlockShuffleSweep(
    @Arg('input', () => StartBlockShuffleSweepInput) input: StartBlockShuffleSweepInput,
    @Ctx() ctx: Context,
  ): Promise<AnalysisRow> {
    const study = await studyArg(ctx, 'input.studyId', input.studyId);
    const dataset = await datasetArg(ctx, 'input.datasetId', input.datasetId);
    const pretrained = await checkpointArg(ctx, 'input.pretrainCheckpointId', input.pretrainCheckpointId);
    const sizes: (number | null)[] = input.blockSizes.map((b, i) =>
      checkBlockSize(`input.blockSizes[${i}]`, b, dataset),
    );
    if (new Set(sizes).size !== sizes.length)
      throw badInput('input.blockSizes', input.blockSizes, 'distinct sizes');
    if (input.includeUnshuffled) sizes.unshift(null);
    if (sizes.length === 0) throw badInput('input.blockSizes', input.blockSizes, 'at least one block size');
    const seeds = checkSeeds(input.seeds);
    const hyperparameters = toHyperparameters(input.hyperparameters, 'input.hyperparameters');
    const total = sizes.length * seeds.length * 2;
    if (total > MAX_SWEEP_RUNS) throw badInput('input', total, `a sweep of at most ${MAX_SWEEP_RUNS} runs`);
    const params = {
      datasetId: dataset.id,
      pretrainCheckpointId: pretrained.id,
      blockSizes: sizes,
      seeds,
      hyperparameters,
    };
    return transaction(ctx.sql, async (tx) => {
      const analysis = await createAnalysis(tx, ctx.identity.teamId, {
        kind: 'BLOCK_SHUFFLE',
        studyId: study?.id ?? null,
        name: input.name?.trim() ?? '',
        params,
        inputs: [{ checkpointId: pretrained.id, role: 'pretrained' }],
      });
      const runs: NewRun[] = [];
      for (const blockSize of sizes) {
        for (const seed of seeds) {
          const base = {
            studyId: study?.id ?? null,
            kind: 'FINETUNE' as const,
            datasetId: dataset.id,
            modelId: pretrained.modelId,
            blockSize,
            seed,
            hyperparameters,
          };
          const label = blockSize === null ? 'none' : blockSize === 0 ? '*' : String(blockSize);
          runs.push({
            ...base,
            name: `P-T b=${label} s=${seed}`,
            init: 'PRETRAINED',
            initCheckpointId: pretrained.id,
          });
          runs.push({ ...base, name: `RI-T b=${label} s=${seed}`, init: 'RANDOM', initCheckpointId: null });
        }
      }
      await addSweepRuns(tx, ctx.identity.teamId, analysis.id, runs, { reuse: input.reuseRuns });
      // the sweep job only fans out and summarises; its fine-tunes carry the dataset flags
      await enqueueFlaggedJob(tx, 'block_shuffle_sweep', { analysisId: analysis.id }, []);
      await ctx.bus.publish(
        { type: 'analysis.status', analysisId: analysis.id, studyId: analysis.studyId, status: 'QUEUED' },
        tx,
      );
      return analysis;
    });
  }

  @Mutation(() => Analysis, {
    description:
      'Queues a checkpoint sweep: fine-tune from several checkpoints of a pretraining run, over seeds (an equivalent fine-tune the study already has counts instead, see reuseRuns).',
  })
  async startCheckpointSweep(
    @Arg('input', () => StartCheckpointSweepInput) input: StartCheckpointSweepInput,
    @Ctx() ctx: Context,
  ): Promise<AnalysisRow> {
    const study = await studyArg(ctx, 'input.studyId', input.studyId);
    const dataset = await datasetArg(ctx, 'input.datasetId', input.datasetId);
    const pretrain = await ctx.loaders.run.load(parseId('input.pretrainRunId', input.pretrainRunId));
    if (!pretrain) throw notFound('run', input.pretrainRunId);
    const own = await ctx.loaders.checkpointsByRun.load(pretrain.id);
    let chosen: CheckpointRow[];
    if (input.checkpointIds) {
      chosen = [];
      for (const [i, id] of input.checkpointIds.entries()) {
        const c = await checkpointArg(ctx, `input.checkpointIds[${i}]`, id);
        if (c.runId !== pretrain.id) {
          throw badInput(`input.checkpointIds[${i}]`, id, `a checkpoint saved by run ${pretrain.id}`);
        }
        chosen.push(c);
      }
    } else {
      chosen = own;
    }
    if (chosen.length === 0) {
      throw badInput(
        'input.checkpointIds',
        input.checkpointIds ?? [],
        `checkpoints of run ${pretrain.id} (it has none yet)`,
      );
    }
    chosen = [...new Map(chosen.map((c) => [c.id, c])).values()].sort(
      (a, b) => a.epoch - b.epoch || a.step - b.step,
    );
    const seeds = checkSeeds(input.seeds);
    const blockSize = checkBlockSize('input.blockSize', input.blockSize, dataset);
    const hyperparameters = toHyperparameters(input.hyperparameters, 'input.hyperparameters');
    const total = (chosen.length + (input.includeRandomInit ? 1 : 0)) * seeds.length;
    if (total > MAX_SWEEP_RUNS) throw badInput('input', total, `a sweep of at most ${MAX_SWEEP_RUNS} runs`);
    const params = {
      pretrainRunId: pretrain.id,
      datasetId: dataset.id,
      checkpointIds: chosen.map((c) => c.id),
      seeds,
      includeRandomInit: input.includeRandomInit,
      blockSize,
      hyperparameters,
    };
    return transaction(ctx.sql, async (tx) => {
      const analysis = await createAnalysis(tx, ctx.identity.teamId, {
        kind: 'CHECKPOINT_SWEEP',
        studyId: study?.id ?? null,
        name: input.name?.trim() ?? '',
        params,
        inputs: [
          { runId: pretrain.id, role: 'pretrain' },
          ...chosen.map((c) => ({ checkpointId: c.id, role: `epoch ${c.epoch}` })),
        ],
      });
      const base = {
        studyId: study?.id ?? null,
        kind: 'FINETUNE' as const,
        datasetId: dataset.id,
        modelId: pretrain.modelId,
        blockSize,
        hyperparameters,
      };
      const runs: NewRun[] = [];
      for (const c of chosen) {
        for (const seed of seeds) {
          runs.push({
            ...base,
            seed,
            name: `P-T epoch ${c.epoch} s=${seed}`,
            init: 'PRETRAINED',
            initCheckpointId: c.id,
          });
        }
      }
      if (input.includeRandomInit) {
        for (const seed of seeds) runs.push({ ...base, seed, name: `RI-T s=${seed}`, init: 'RANDOM' });
      }
      await addSweepRuns(tx, ctx.identity.teamId, analysis.id, runs, { reuse: input.reuseRuns });
      await enqueueFlaggedJob(tx, 'checkpoint_sweep', { analysisId: analysis.id }, []);
      await ctx.bus.publish(
        { type: 'analysis.status', analysisId: analysis.id, studyId: analysis.studyId, status: 'QUEUED' },
        tx,
      );
      return analysis;
    });
  }
}
