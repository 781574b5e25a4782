import { Field, InputType, Int } from 'type-graphql';
import { DatasetKind, DatasetTask } from '../common/enums';
import { JSONObject } from '../common/scalars';

@InputType()
export class RegisterDatasetInput {
  @Field(() => String)
  name!: string;

  @Field(() => DatasetKind)
  kind!: DatasetKind;

  @Field(() => String, { nullable: true })
  domain?: string | null;

  @Field(() => DatasetTask, { defaultValue: DatasetTask.MULTICLASS })
  task!: DatasetTask;

  @Field(() => [Int], { description: '[height, width, channels]' })
  imageShape!: number[];

  @Field(() => [String])
  classes!: string[];

  @Field(() => Int)
  trainSize!: number;

  @Field(() => Int)
  testSize!: number;

  @Field(() => String, { nullable: true })
  root?: string | null;

  @Field(() => JSONObject, { nullable: true })
  spec?: Record<string, unknown> | null;
}
