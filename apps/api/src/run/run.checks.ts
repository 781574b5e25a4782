import type { CheckpointRow, DatasetRow, ModelRow, StudyRow } from '@basin/db';
import type { Context } from '../context';
import { badInput, notFound } from '../errors';
import { parseId } from '../ids';

/** The caller's study by id argument, or NOT_FOUND; null when no id was given. */
export async function studyArg(
  ctx: Context,
  field: string,
  id: string | null | undefined,
): Promise<StudyRow | null> {
  if (id === null || id === undefined) return null;
  const row = await ctx.loaders.study.load(parseId(field, id));
  if (!row) throw notFound('study', id);
  return row;
}

/** The caller's dataset by id argument, or NOT_FOUND. */
export async function datasetArg(ctx: Context, field: string, id: string): Promise<DatasetRow> {
  const row = await ctx.loaders.dataset.load(parseId(field, id));
  if (!row) throw notFound('dataset', id);
  return row;
}

/** The caller's model by id argument, or NOT_FOUND. */
export async function modelArg(ctx: Context, field: string, id: string): Promise<ModelRow> {
  const row = await ctx.loaders.model.load(parseId(field, id));
  if (!row) throw notFound('model', id);
  return row;
}

/** The caller's checkpoint by id argument, or NOT_FOUND. */
export async function checkpointArg(ctx: Context, field: string, id: string): Promise<CheckpointRow> {
  const row = await ctx.loaders.checkpoint.load(parseId(field, id));
  if (!row) throw notFound('checkpoint', id);
  return row;
}

/** A block size the dataset's images allow: null (none), 0 (pixel shuffle) or b dividing height and width. */
export function checkBlockSize(
  field: string,
  b: number | null | undefined,
  dataset: DatasetRow,
): number | null {
  if (b === null || b === undefined) return null;
  const [h = 0, w = 0] = dataset.imageShape;
  if (!Number.isInteger(b) || b < 0 || (b > 0 && (h % b !== 0 || w % b !== 0))) {
    throw badInput(
      field,
      b,
      `null (no shuffle), 0 (pixel shuffle) or a block size dividing ${dataset.name}'s ${h}×${w} images`,
    );
  }
  return b;
}

/** A seed that fits PostgreSQL's integer. */
export function checkSeed(field: string, seed: number): number {
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 31 - 1) {
    throw badInput(field, seed, 'an integer from 0 to 2147483647');
  }
  return seed;
}
