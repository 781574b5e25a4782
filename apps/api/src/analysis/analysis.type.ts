import { Field, Float, GraphQLISODateTime, ID, Int, ObjectType } from 'type-graphql';
import { AnalysisKind, RunStatus } from '../common/enums';
import { JSONObject } from '../common/scalars';

@ObjectType({ description: 'An analysis of checkpoints or runs, with a typed result.' })
export class Analysis {
  @Field(() => ID)
  id!: string;

  @Field(() => AnalysisKind)
  kind!: AnalysisKind;

  @Field(() => String)
  name!: string;

  @Field(() => JSONObject)
  params!: Record<string, unknown>;

  @Field(() => RunStatus)
  status!: RunStatus;

  @Field(() => Float, { description: 'From 0 to 1.' })
  progress!: number;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  startedAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  finishedAt!: Date | null;
}

@ObjectType({
  description: 'What an analysis took as input: a checkpoint or a run, in a role ("a", "initial" …).',
})
export class AnalysisInput {
  @Field(() => Int)
  position!: number;

  @Field(() => String)
  role!: string;
}
