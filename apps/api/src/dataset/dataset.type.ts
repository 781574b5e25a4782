import { Field, GraphQLISODateTime, ID, Int, ObjectType } from 'type-graphql';
import { DatasetKind, DatasetTask } from '../common/enums';
import { JSONObject } from '../common/scalars';

@ObjectType({ description: 'A registered dataset.' })
export class Dataset {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => DatasetKind)
  kind!: DatasetKind;

  @Field(() => String, { nullable: true, description: 'Domain within a multi-domain set (photo, sketch …).' })
  domain!: string | null;

  @Field(() => DatasetTask)
  task!: DatasetTask;

  @Field(() => [Int], { description: '[height, width, channels]' })
  imageShape!: number[];

  @Field(() => [String])
  classes!: string[];

  @Field(() => Int)
  trainSize!: number;

  @Field(() => Int)
  testSize!: number;

  @Field(() => String, { nullable: true, description: 'Folder a runner reads it from, when it is on disk.' })
  root!: string | null;

  @Field(() => JSONObject, { description: "The spec the engine's openDataset() takes." })
  spec!: Record<string, unknown>;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;
}
