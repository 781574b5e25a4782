import {
  type AnalysisInputRow,
  type AnalysisResult as AnalysisResultJson,
  type AnalysisRow,
  type CheckpointRow,
  chooseEvalDataset,
  createAnalysis,
  enqueueFlaggedJob,
  jobFlags,
  type RunRow,
  type StudyRow,
  transaction,
} from '@basin/db';
import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Checkpoint } from '../checkpoint/checkpoint.type';
import type { Context } from '../context';
import { badInput, notFound } from '../errors';
import { parseId } from '../ids';
import { checkpointArg, datasetArg, studyArg } from '../run/run.checks';
import { Run } from '../run/run.type';
import { Study } from '../study/study.type';
import { RunAnalysisInput } from './analysis.input';
import { Analysis, AnalysisInput } from './analysis.type';
import { normalizeParams } from './params';
import { AnalysisResult } from './result.types';

/** Most inputs one analysis may take. */
const MAX_INPUTS = 50;

@Resolver(() => Analysis)
export class AnalysisResolver {
  @Query(() => Analysis)
  async analysis(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<AnalysisRow> {
    const row = await ctx.loaders.analysis.load(parseId('id', id));
    if (!row) throw notFound('analysis', id);
    return row;
  }

  @FieldResolver(() => Study, { nullable: true })
  study(@Root() a: AnalysisRow, @Ctx() ctx: Context): Promise<StudyRow | null> | null {
    return a.studyId ? ctx.loaders.study.load(a.studyId) : null;
  }

  @FieldResolver(() => [AnalysisInput], { description: 'What it took as input, in position order.' })
  inputs(@Root() a: AnalysisRow, @Ctx() ctx: Context): Promise<AnalysisInputRow[]> {
    return ctx.loaders.analysisInputs.load(a.id);
  }

  @FieldResolver(() => [Run], { description: 'Runs a sweep fanned out (empty for other kinds).' })
  runs(@Root() a: AnalysisRow, @Ctx() ctx: Context): Promise<RunRow[]> {
    return ctx.loaders.runsBySweep.load(a.id);
  }

  @FieldResolver(() => AnalysisResult, {
    nullable: true,
    description: 'The typed result once SUCCEEDED; its member follows `kind`.',
  })
  result(@Root() a: AnalysisRow): AnalysisResultJson | null {
    if (!a.result) return null;
    // the kind column is authoritative: it picks the union member
    return { ...a.result, kind: a.kind } as AnalysisResultJson;
  }

  @Mutation(() => Analysis, { description: 'Queues an analysis of checkpoints.' })
  async runAnalysis(
    @Arg('input', () => RunAnalysisInput) input: RunAnalysisInput,
    @Ctx() ctx: Context,
  ): Promise<AnalysisRow> {
    if (input.kind === 'BLOCK_SHUFFLE' || input.kind === 'CHECKPOINT_SWEEP') {
      throw badInput(
        'input.kind',
        input.kind,
        'CKA, MISTAKES, PARAM_DISTANCE, BARRIER or MODULE_CRITICALITY (sweeps start with startBlockShuffleSweep / startCheckpointSweep)',
      );
    }
    const study = await studyArg(ctx, 'input.studyId', input.studyId);
    const n = input.inputs.length;
    const need = input.kind === 'MODULE_CRITICALITY' ? [2, 2] : [2, MAX_INPUTS];
    if (n < need[0]! || n > need[1]!) {
      throw badInput(
        'input.inputs',
        n,
        input.kind === 'MODULE_CRITICALITY'
          ? 'exactly 2 checkpoints: the initial and the final weights'
          : `2 to ${MAX_INPUTS} checkpoints`,
      );
    }
    const checkpoints: CheckpointRow[] = [];
    for (const [i, inp] of input.inputs.entries()) {
      if (!inp.checkpointId || inp.runId) {
        throw badInput(`input.inputs[${i}]`, inp, 'a checkpointId (and no runId)');
      }
      checkpoints.push(await checkpointArg(ctx, `input.inputs[${i}].checkpointId`, inp.checkpointId));
    }
    const defaultRole = (i: number) =>
      input.kind === 'MODULE_CRITICALITY'
        ? i === 0
          ? 'initial'
          : 'final'
        : String.fromCharCode(97 + (i % 26));
    const params = normalizeParams(input.kind, input.params, n);
    // the data the runner evaluates on (the same rule the runner applies: chooseEvalDataset)
    let datasetId: string | null = null;
    if (params.datasetId !== undefined) {
      datasetId = (await datasetArg(ctx, 'input.params.datasetId', String(params.datasetId))).id;
      params.datasetId = datasetId;
    } else if (input.kind !== 'PARAM_DISTANCE') {
      const runs = await Promise.all(
        checkpoints.map((c) => (c.runId ? ctx.loaders.run.load(c.runId) : Promise.resolve(null))),
      );
      const choice = chooseEvalDataset(
        input.kind,
        runs.map((r) => ({ run: r ? { kind: r.kind, datasetId: r.datasetId } : null })),
        undefined,
      );
      if ('conflict' in choice)
        throw badInput(
          'input.params.datasetId',
          null,
          `the dataset to evaluate on: the fine-tuned inputs were trained on different datasets (${choice.conflict.join(', ')})`,
        );
      if ('missing' in choice)
        throw badInput(
          'input.params.datasetId',
          null,
          'the dataset to evaluate on (no input checkpoint was saved by a run)',
        );
      datasetId = choice.datasetId;
    }
    return transaction(ctx.sql, async (tx) => {
      const row = await createAnalysis(tx, ctx.identity.teamId, {
        kind: input.kind,
        studyId: study?.id ?? null,
        name: input.name?.trim() ?? '',
        params,
        inputs: checkpoints.map((c, i) => ({
          checkpointId: c.id,
          role: input.inputs[i]?.role ?? defaultRole(i),
        })),
      });
      await enqueueFlaggedJob(tx, 'analysis', { analysisId: row.id }, jobFlags({ datasetIds: [datasetId] }));
      await ctx.bus.publish(
        { type: 'analysis.status', analysisId: row.id, studyId: row.studyId, status: 'QUEUED' },
        tx,
      );
      return row;
    });
  }
}

@Resolver(() => AnalysisInput)
export class AnalysisInputResolver {
  @FieldResolver(() => Checkpoint, { nullable: true })
  checkpoint(@Root() i: AnalysisInputRow, @Ctx() ctx: Context): Promise<CheckpointRow | null> | null {
    return i.checkpointId ? ctx.loaders.checkpoint.load(i.checkpointId) : null;
  }

  @FieldResolver(() => Run, { nullable: true })
  run(@Root() i: AnalysisInputRow, @Ctx() ctx: Context): Promise<RunRow | null> | null {
    return i.runId ? ctx.loaders.run.load(i.runId) : null;
  }
}
