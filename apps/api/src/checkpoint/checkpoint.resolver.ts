import type { AnalysisRow, CheckpointRow, ModelRow, RunRow } from '@basin/db';
import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { Analysis } from '../analysis/analysis.type';
import type { Context } from '../context';
import { notFound } from '../errors';
import { parseId } from '../ids';
import { Model } from '../model/model.type';
import { Run } from '../run/run.type';
import { Checkpoint } from './checkpoint.type';

/** Longest ancestor chain `ancestors` walks (pretrain → fine-tune → … is a few levels in practice). */
const MAX_ANCESTORS = 32;

@Resolver(() => Checkpoint)
export class CheckpointResolver {
  @Query(() => Checkpoint)
  async checkpoint(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<CheckpointRow> {
    const row = await ctx.loaders.checkpoint.load(parseId('id', id));
    if (!row) throw notFound('checkpoint', id);
    return row;
  }

  @FieldResolver(() => Model)
  async model(@Root() c: CheckpointRow, @Ctx() ctx: Context): Promise<ModelRow> {
    return (await ctx.loaders.model.load(c.modelId))!;
  }

  @FieldResolver(() => Run, {
    nullable: true,
    description: 'The run that saved it; null for imported weights.',
  })
  run(@Root() c: CheckpointRow, @Ctx() ctx: Context): Promise<RunRow | null> | null {
    return c.runId ? ctx.loaders.run.load(c.runId) : null;
  }

  @FieldResolver(() => Checkpoint, {
    nullable: true,
    description: 'The checkpoint the producing run started from (lineage upwards).',
  })
  parent(@Root() c: CheckpointRow, @Ctx() ctx: Context): Promise<CheckpointRow | null> | null {
    return c.parentCheckpointId ? ctx.loaders.checkpoint.load(c.parentCheckpointId) : null;
  }

  @FieldResolver(() => [Checkpoint], {
    description: 'Parent, grandparent … up to the root (at most 32), nearest first.',
  })
  async ancestors(@Root() c: CheckpointRow, @Ctx() ctx: Context): Promise<CheckpointRow[]> {
    const out: CheckpointRow[] = [];
    let next = c.parentCheckpointId;
    while (next && out.length < MAX_ANCESTORS) {
      const p = await ctx.loaders.checkpoint.load(next);
      if (!p) break;
      out.push(p);
      next = p.parentCheckpointId;
    }
    return out;
  }

  @FieldResolver(() => [Checkpoint], {
    description: 'Checkpoints saved by runs that started from this one (lineage downwards).',
  })
  children(@Root() c: CheckpointRow, @Ctx() ctx: Context): Promise<CheckpointRow[]> {
    return ctx.loaders.childCheckpoints.load(c.id);
  }

  @FieldResolver(() => [Run], { description: 'Runs that started from this checkpoint.' })
  runsStartedFrom(@Root() c: CheckpointRow, @Ctx() ctx: Context): Promise<RunRow[]> {
    return ctx.loaders.runsFromCheckpoint.load(c.id);
  }

  @FieldResolver(() => [Analysis], { description: 'Analyses that took this checkpoint as input.' })
  analyses(@Root() c: CheckpointRow, @Ctx() ctx: Context): Promise<AnalysisRow[]> {
    return ctx.loaders.analysesByCheckpoint.load(c.id);
  }
}
