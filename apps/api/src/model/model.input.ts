import { Field, Float, InputType, Int } from 'type-graphql';
import { JSONObject } from '../common/scalars';

@InputType({ description: 'Weights already in the blob store (content-addressed by SHA-256).' })
export class WeightsInput {
  @Field(() => String, { description: 'SHA-256 of the blob, 64 lowercase hex digits.' })
  blobHash!: string;

  @Field(() => Float)
  blobSize!: number;

  @Field(() => JSONObject, { nullable: true })
  metrics?: Record<string, number> | null;
}

@InputType()
export class ImportModelInput {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  family!: string;

  @Field(() => Int)
  depth!: number;

  @Field(() => Int)
  width!: number;

  @Field(() => [Int], { description: '[height, width, channels]' })
  inputShape!: number[];

  @Field(() => Int)
  numClasses!: number;

  @Field(() => [String])
  modules!: string[];

  @Field(() => Float, { nullable: true })
  paramCount?: number | null;

  @Field(() => JSONObject, { nullable: true })
  spec?: Record<string, unknown> | null;

  @Field(() => WeightsInput, {
    nullable: true,
    description: 'Imported weights: recorded as a checkpoint without a producing run.',
  })
  weights?: WeightsInput | null;
}
