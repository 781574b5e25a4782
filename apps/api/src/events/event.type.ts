import { Field, Float, GraphQLISODateTime, ID, Int, ObjectType } from 'type-graphql';
import { EventType, RunStatus } from '../common/enums';
import { MetricValue } from '../metrics/metrics.type';

@ObjectType({ description: 'Something a runner announced; which fields are set depends on `type`.' })
export class LiveEvent {
  @Field(() => EventType)
  type!: EventType;

  @Field(() => GraphQLISODateTime)
  at!: Date;

  @Field(() => ID, { nullable: true })
  runId!: string | null;

  @Field(() => ID, { nullable: true })
  analysisId!: string | null;

  @Field(() => ID, { nullable: true })
  studyId!: string | null;

  @Field(() => Int, { nullable: true, description: 'RUN_PROGRESS, CHECKPOINT_SAVED.' })
  step!: number | null;

  @Field(() => Float, { nullable: true, description: 'RUN_PROGRESS, CHECKPOINT_SAVED.' })
  epoch!: number | null;

  @Field(() => [MetricValue], { nullable: true, description: 'RUN_PROGRESS: latest values.' })
  metrics!: MetricValue[] | null;

  @Field(() => RunStatus, { nullable: true, description: 'RUN_STATUS, ANALYSIS_STATUS.' })
  status!: RunStatus | null;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => String, { nullable: true, description: 'RUN_STATUS: the TF.js backend in use.' })
  backend!: string | null;

  @Field(() => ID, { nullable: true, description: 'CHECKPOINT_SAVED.' })
  checkpointId!: string | null;

  @Field(() => Float, { nullable: true, description: 'ANALYSIS_PROGRESS: 0 to 1.' })
  progress!: number | null;

  @Field(() => String, { nullable: true })
  message!: string | null;
}
