import { Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';
import { JSONObject } from '../common/scalars';

@ObjectType({ description: 'A named set of runs and analyses, e.g. "Fashion-MNIST → MNIST".' })
export class Study {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  description!: string;

  @Field(() => JSONObject)
  config!: Record<string, unknown>;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;
}
