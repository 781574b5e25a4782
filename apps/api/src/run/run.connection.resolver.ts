import { countRuns } from '@basin/db';
import { Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { RunConnection } from './run.connection';
import type { RunConnectionValue } from './run.page';

@Resolver(() => RunConnection)
export class RunConnectionResolver {
  @FieldResolver(() => Int, { description: 'Runs matching the filter, over all pages (one extra query).' })
  totalCount(@Root() conn: RunConnectionValue, @Ctx() ctx: Context): Promise<number> {
    return countRuns(ctx.sql, ctx.identity.teamId, conn.filter);
  }
}
