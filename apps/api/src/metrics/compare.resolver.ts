import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import { RunGroupField } from '../common/enums';
import { intIn } from '../common/validate';
import type { Context } from '../context';
import { badInput, notFound } from '../errors';
import { parseId } from '../ids';
import { type Comparison, compareRuns } from './compare';
import { RunComparison } from './compare.type';

/** Most runs one comparison may take. */
const MAX_COMPARE_RUNS = 100;
/** Most buckets (runs × buckets) one comparison may return. */
const MAX_COMPARE_BUCKETS = 200_000;

@Resolver(() => RunComparison)
export class CompareResolver {
  @Query(() => RunComparison, {
    complexity: 200,
    description:
      'One metric across runs (of any of your studies) in shared step buckets of min/max/last, optionally grouped into mean ± std bands.',
  })
  async compareRuns(
    @Ctx() ctx: Context,
    @Arg('runIds', () => [ID]) runIds: string[],
    @Arg('key', () => String) key: string,
    @Arg('buckets', () => Int, { defaultValue: 1000 }) buckets: number,
    @Arg('from', () => Int, { nullable: true }) from: number | null,
    @Arg('to', () => Int, { nullable: true }) to: number | null,
    @Arg('groupBy', () => [RunGroupField], { nullable: true }) groupBy: RunGroupField[] | null,
  ): Promise<Comparison> {
    if (runIds.length < 1 || runIds.length > MAX_COMPARE_RUNS) {
      throw badInput('runIds', runIds.length, `1 to ${MAX_COMPARE_RUNS} run ids`);
    }
    intIn('buckets', buckets, 1, 10_000);
    if (runIds.length * buckets > MAX_COMPARE_BUCKETS) {
      throw badInput(
        'buckets',
        buckets,
        `at most ${Math.floor(MAX_COMPARE_BUCKETS / runIds.length)} for ${runIds.length} runs (runs × buckets ≤ ${MAX_COMPARE_BUCKETS})`,
      );
    }
    if (from !== null && from < 0) throw badInput('from', from, 'a step ≥ 0');
    if (from !== null && to !== null && to < from) throw badInput('to', to, `a step ≥ from (${from})`);
    const ids = [...new Set(runIds.map((id, i) => parseId(`runIds[${i}]`, id)))];
    const runs = await ctx.loaders.run.loadMany(ids);
    const found = runs.map((r, i) => {
      if (!r || r instanceof Error) throw notFound('run', ids[i]!);
      return r;
    });
    return compareRuns(ctx.sql, found, key, { buckets, from, to, groupBy });
  }
}
