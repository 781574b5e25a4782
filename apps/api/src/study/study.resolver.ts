import { type AnalysisRow, createStudy, listStudies, type StudyRow } from '@basin/db';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Analysis } from '../analysis/analysis.type';
import { RunOrder } from '../common/enums';
import { isUniqueViolation, name } from '../common/validate';
import type { Context } from '../context';
import { BasinError, badInput, notFound } from '../errors';
import { parseId } from '../ids';
import { RunConnection } from '../run/run.connection';
import { RunFilterInput } from '../run/run.input';
import { pageOfRuns, type RunConnectionValue } from '../run/run.page';
import { CreateStudyInput } from './study.input';
import { Study } from './study.type';

@Resolver(() => Study)
export class StudyResolver {
  @Query(() => [Study], { description: "The team's studies, newest first (at most 100)." })
  studies(@Ctx() ctx: Context): Promise<StudyRow[]> {
    return listStudies(ctx.sql, ctx.identity.teamId);
  }

  @Query(() => Study)
  async study(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<StudyRow> {
    const row = await ctx.loaders.study.load(parseId('id', id));
    if (!row) throw notFound('study', id);
    return row;
  }

  @FieldResolver(() => RunConnection, { description: "The study's runs (the same filters as `runs`)." })
  runs(
    @Root() study: StudyRow,
    @Ctx() ctx: Context,
    @Arg('filter', () => RunFilterInput, { nullable: true }) filter: RunFilterInput | null,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('order', () => RunOrder, { defaultValue: RunOrder.NEWEST_FIRST }) order: RunOrder,
  ): Promise<RunConnectionValue> {
    return pageOfRuns(ctx, { ...filter, studyId: study.id }, first, after, order);
  }

  @FieldResolver(() => Int)
  runCount(@Root() study: StudyRow, @Ctx() ctx: Context): Promise<number> {
    return ctx.loaders.runCountByStudy.load(study.id);
  }

  @FieldResolver(() => [Analysis], { description: 'Newest first.' })
  analyses(@Root() study: StudyRow, @Ctx() ctx: Context): Promise<AnalysisRow[]> {
    return ctx.loaders.analysesByStudy.load(study.id);
  }

  @Mutation(() => Study)
  async createStudy(
    @Arg('input', () => CreateStudyInput) input: CreateStudyInput,
    @Ctx() ctx: Context,
  ): Promise<StudyRow> {
    const description = input.description ?? '';
    if (description.length > 10_000) {
      throw badInput('input.description', `${description.slice(0, 20)}…`, 'at most 10,000 characters');
    }
    try {
      return await createStudy(ctx.sql, ctx.identity.teamId, {
        name: name('input.name', input.name),
        description,
        config: input.config ?? {},
      });
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new BasinError(
          'BAD_USER_INPUT',
          `input.name: a study named ${JSON.stringify(input.name)} already exists`,
          {
            extensions: { field: 'input.name' },
          },
        );
      }
      throw err;
    }
  }
}
