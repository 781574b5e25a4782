import { Field, Float, GraphQLISODateTime, ID, Int, ObjectType } from 'type-graphql';
import { JSONObject } from '../common/scalars';

@ObjectType({ description: 'An architecture and its PyTorch-style module names.' })
export class Model {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'e.g. "resnet"' })
  family!: string;

  @Field(() => Int)
  depth!: number;

  @Field(() => Int)
  width!: number;

  @Field(() => [Int], { description: '[height, width, channels]' })
  inputShape!: number[];

  @Field(() => Int)
  numClasses!: number;

  @Field(() => [String], { description: 'Module names in forward order: conv1, layer1.0, …, fc.' })
  modules!: string[];

  @Field(() => Float)
  paramCount!: number;

  @Field(() => JSONObject)
  spec!: Record<string, unknown>;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;
}
