import { Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { Viewer } from './viewer.type';

@Resolver(() => Viewer)
export class ViewerResolver {
  @Query(() => Viewer, { description: 'The caller: team, scope, and whether auth is off.' })
  viewer(@Ctx() ctx: Context): Viewer {
    const { teamId, teamName, scope, tokenId } = ctx.identity;
    return { teamId, teamName, scope, authDisabled: tokenId === null };
  }
}
