import { Field, Float, GraphQLISODateTime, ID, Int, ObjectType } from 'type-graphql';
import { JSONObject } from '../common/scalars';

@ObjectType({ description: 'Saved weights, with lineage: producing run, parent checkpoint, children.' })
export class Checkpoint {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  step!: number;

  @Field(() => Float)
  epoch!: number;

  @Field(() => String, { description: 'SHA-256 of the weights in the blob store.' })
  blobHash!: string;

  @Field(() => Float)
  blobSize!: number;

  @Field(() => JSONObject, { description: 'Metrics at save time.' })
  metrics!: Record<string, number>;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;
}
