import { Field, GraphQLISODateTime, ID, Int, ObjectType } from 'type-graphql';
import { RunInit, RunKind, RunStatus } from '../common/enums';
import { JSONObject } from '../common/scalars';

@ObjectType({ description: 'A pretraining or fine-tuning run.' })
export class Run {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => RunKind)
  kind!: RunKind;

  @Field(() => RunInit)
  init!: RunInit;

  @Field(() => Int, {
    nullable: true,
    description: 'Block shuffle: null = none, 0 = pixel shuffle "*", b = b×b blocks.',
  })
  blockSize!: number | null;

  @Field(() => Int)
  seed!: number;

  @Field(() => JSONObject)
  hyperparameters!: Record<string, unknown>;

  @Field(() => RunStatus)
  status!: RunStatus;

  @Field(() => String, {
    nullable: true,
    description: 'TF.js backend the runner used (tfjs-node-gpu, wasm …).',
  })
  backend!: string | null;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => Int)
  attempt!: number;

  @Field(() => JSONObject, { description: 'Final numbers the runner wrote (final accuracy, speed …).' })
  summary!: Record<string, unknown>;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  startedAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  cancelRequestedAt!: Date | null;
}
