import { stat } from 'node:fs/promises';
import {
  blobReferences,
  type CheckpointRow,
  createCheckpoint,
  createModel,
  listModels,
  type ModelRow,
  transaction,
} from '@basin/db';
import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Checkpoint } from '../checkpoint/checkpoint.type';
import { intIn, name } from '../common/validate';
import type { Context } from '../context';
import { badInput, notFound } from '../errors';
import { parseId } from '../ids';
import { ImportModelInput } from './model.input';
import { Model } from './model.type';

@Resolver(() => Model)
export class ModelResolver {
  @Query(() => [Model], { description: "The team's models, newest first (at most 100)." })
  models(@Ctx() ctx: Context): Promise<ModelRow[]> {
    return listModels(ctx.sql, ctx.identity.teamId);
  }

  @Query(() => Model)
  async model(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<ModelRow> {
    const row = await ctx.loaders.model.load(parseId('id', id));
    if (!row) throw notFound('model', id);
    return row;
  }

  @FieldResolver(() => [Checkpoint], { description: 'Every checkpoint of this architecture, oldest first.' })
  checkpoints(@Root() model: ModelRow, @Ctx() ctx: Context): Promise<CheckpointRow[]> {
    return ctx.loaders.checkpointsByModel.load(model.id);
  }

  @Mutation(() => Model, { description: 'Registers an architecture, optionally with imported weights.' })
  async importModel(
    @Arg('input', () => ImportModelInput) input: ImportModelInput,
    @Ctx() ctx: Context,
  ): Promise<ModelRow> {
    const shape = input.inputShape;
    if (shape.length !== 3 || shape.some((d) => !Number.isInteger(d) || d < 1 || d > 4096)) {
      throw badInput('input.inputShape', shape, '[height, width, channels] of positive integers');
    }
    intIn('input.depth', input.depth, 1, 10_000);
    intIn('input.width', input.width, 1, 1_000_000);
    intIn('input.numClasses', input.numClasses, 1, 1_000_000);
    if (input.modules.length === 0 || new Set(input.modules).size !== input.modules.length) {
      throw badInput('input.modules', input.modules, 'a non-empty list of distinct module names');
    }
    const w = input.weights;
    if (w) {
      if (!/^[0-9a-f]{64}$/.test(w.blobHash)) {
        throw badInput('input.weights.blobHash', w.blobHash, 'a SHA-256: 64 lowercase hex digits');
      }
      if (!Number.isSafeInteger(w.blobSize) || w.blobSize < 0) {
        throw badInput('input.weights.blobSize', w.blobSize, 'a size in bytes');
      }
      await checkBlobAccess(ctx, w.blobHash, w.blobSize);
    }
    const teamId = ctx.identity.teamId;
    return transaction(ctx.sql, async (tx) => {
      const model = await createModel(tx, teamId, {
        name: name('input.name', input.name),
        family: name('input.family', input.family),
        depth: input.depth,
        width: input.width,
        inputShape: shape,
        numClasses: input.numClasses,
        modules: input.modules,
        paramCount: input.paramCount ?? 0,
        spec: input.spec ?? {},
      });
      if (w) {
        await createCheckpoint(tx, teamId, {
          modelId: model.id,
          blobHash: w.blobHash,
          blobSize: w.blobSize,
          metrics: w.metrics ?? {},
        });
      }
      return model;
    });
  }
}

/**
 * Weights are imported by hash from the blob store every team shares, so a hash alone must not reach another team's
 * weights: the team may import a blob one of its checkpoints already has, or one that no checkpoint has yet (just
 * placed in the store) and whose size matches; another team's blob, or one not in the store, is NOT_FOUND (the same
 * answer, so a hash learned elsewhere says nothing).
 */
async function checkBlobAccess(ctx: Context, hash: string, size: number): Promise<void> {
  const refs = await blobReferences(ctx.sql, ctx.identity.teamId, hash);
  if (refs.own) return;
  if (refs.others) throw notFound('blob', hash);
  // one look at the store: whether the blob is there, and its size
  const file = await stat(ctx.blobs.path(hash)).catch(() => null);
  if (!file?.isFile()) throw notFound('blob', hash);
  const actual = file.size;
  if (actual !== size)
    throw badInput('input.weights.blobSize', size, `the blob's size in the store, ${actual} bytes`);
}
