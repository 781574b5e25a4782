import { Field, Float, Int, ObjectType } from 'type-graphql';

@ObjectType({
  description: 'A step bucket of a series: extremes and last value, so one-step spikes survive.',
})
export class MetricBucket {
  @Field(() => Int, { description: 'Step of the last point in the bucket (where `last` was logged).' })
  step!: number;

  @Field(() => Int)
  stepMin!: number;

  @Field(() => Int)
  stepMax!: number;

  @Field(() => Float)
  min!: number;

  @Field(() => Float)
  max!: number;

  @Field(() => Float)
  last!: number;

  @Field(() => Int, { description: 'Points in the bucket.' })
  count!: number;
}

@ObjectType({
  description:
    'The same buckets as parallel arrays (one entry per bucket): what a chart draws, and far cheaper to serve than bucket objects.',
})
export class MetricColumns {
  @Field(() => [Int])
  step!: number[];

  @Field(() => [Int])
  stepMin!: number[];

  @Field(() => [Int])
  stepMax!: number[];

  @Field(() => [Float])
  min!: number[];

  @Field(() => [Float])
  max!: number[];

  @Field(() => [Float])
  last!: number[];

  @Field(() => [Int])
  count!: number[];
}

@ObjectType({ description: 'One metric of one run, downsampled.' })
export class MetricSeries {
  @Field(() => String)
  key!: string;

  @Field(() => [MetricBucket])
  buckets!: MetricBucket[];

  @Field(() => MetricColumns)
  columns!: MetricColumns;
}

@ObjectType({ description: 'One logged value.' })
export class MetricPoint {
  @Field(() => Int)
  step!: number;

  @Field(() => Float)
  value!: number;
}

@ObjectType({ description: 'A metric a run has logged, with its step extent.' })
export class MetricKeyInfo {
  @Field(() => String)
  key!: string;

  @Field(() => Int)
  minStep!: number;

  @Field(() => Int)
  maxStep!: number;
}

@ObjectType({ description: 'A named value (latest metrics in a live event).' })
export class MetricValue {
  @Field(() => String)
  key!: string;

  @Field(() => Float)
  value!: number;
}
