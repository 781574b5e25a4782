import { confineDataRoot, DataRootError, type DatasetRow, listDatasets, registerDataset } from '@basin/db';
import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { intIn, isUniqueViolation, name } from '../common/validate';
import type { Context } from '../context';
import { BasinError, badInput, notFound } from '../errors';
import { parseId } from '../ids';
import { RegisterDatasetInput } from './dataset.input';
import { Dataset } from './dataset.type';

@Resolver(() => Dataset)
export class DatasetResolver {
  @Query(() => [Dataset], { description: "The team's datasets, by name (at most 100)." })
  datasets(@Ctx() ctx: Context): Promise<DatasetRow[]> {
    return listDatasets(ctx.sql, ctx.identity.teamId);
  }

  @Query(() => Dataset)
  async dataset(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<DatasetRow> {
    const row = await ctx.loaders.dataset.load(parseId('id', id));
    if (!row) throw notFound('dataset', id);
    return row;
  }

  @Mutation(() => Dataset, { description: 'Registers a dataset a runner can open.' })
  async registerDataset(
    @Arg('input', () => RegisterDatasetInput) input: RegisterDatasetInput,
    @Ctx() ctx: Context,
  ): Promise<DatasetRow> {
    const shape = input.imageShape;
    if (shape.length !== 3 || shape.some((d) => !Number.isInteger(d) || d < 1 || d > 4096)) {
      throw badInput('input.imageShape', shape, '[height, width, channels] of positive integers');
    }
    if (input.classes.length < 1 || input.classes.length > 100_000) {
      throw badInput('input.classes', input.classes.length, '1 to 100,000 class names');
    }
    intIn('input.trainSize', input.trainSize, 0, 2 ** 31 - 1);
    intIn('input.testSize', input.testSize, 0, 2 ** 31 - 1);
    const needsRoot = ['DOMAINNET', 'CHEXPERT', 'IMAGE_FOLDER'].includes(input.kind);
    if (needsRoot && !input.root)
      throw badInput('input.root', input.root, `a folder for a ${input.kind} dataset`);
    // a runner reads the folder (the root, or a spec's own `root`): only inside the configured data roots
    const folders: [string, unknown][] = [
      ['input.root', input.root],
      ['input.spec.root', input.spec?.root],
    ];
    for (const [field, folder] of folders) {
      if (folder === undefined || folder === null) continue;
      if (typeof folder !== 'string') throw badInput(field, folder, 'a folder path');
      try {
        confineDataRoot(field, folder, ctx.dataRoots);
      } catch (err) {
        if (err instanceof DataRootError)
          throw new BasinError('BAD_USER_INPUT', err.message, {
            extensions: { field, allowedRoots: [...ctx.dataRoots] },
          });
        throw err;
      }
    }
    try {
      return await registerDataset(ctx.sql, ctx.identity.teamId, {
        name: name('input.name', input.name),
        kind: input.kind,
        domain: input.domain ?? null,
        task: input.task,
        imageShape: shape,
        classes: input.classes,
        trainSize: input.trainSize,
        testSize: input.testSize,
        root: input.root ?? null,
        spec: input.spec ?? {},
      });
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new BasinError(
          'BAD_USER_INPUT',
          `input.name: a dataset named ${JSON.stringify(input.name)} already exists`,
        );
      }
      throw err;
    }
  }
}
