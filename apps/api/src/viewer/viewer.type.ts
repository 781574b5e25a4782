import { Field, ID, ObjectType } from 'type-graphql';

/** Who the caller is, as the API sees it. */
@ObjectType({ description: 'Who the caller is: the team every query is scoped to.' })
export class Viewer {
  @Field(() => ID)
  teamId!: string;

  @Field(() => String)
  teamName!: string;

  @Field(() => String, { description: '"write" or "read" (read-only tokens cannot run mutations).' })
  scope!: string;

  @Field(() => Boolean, { description: 'True in single-user mode (BASIN_AUTH=off): no token is needed.' })
  authDisabled!: boolean;
}
