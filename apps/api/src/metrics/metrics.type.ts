import type * as Db from '@basin/db';
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { IntList, Real, RealList } from '../common/scalars';

@ObjectType({
  description: 'A step bucket of a series: extremes and last value, so one-step spikes survive.',
})
export class MetricBucket implements Db.MetricBucket {
  @Field(() => Int, { description: 'Step of the last point in the bucket (where `last` was logged).' })
  step!: number;

  @Field(() => Int)
  stepMin!: number;

  @Field(() => Int)
  stepMax!: number;

  @Field(() => Real)
  min!: number;

  @Field(() => Real)
  max!: number;

  @Field(() => Real)
  last!: number;

  @Field(() => Int, { description: 'Points in the bucket.' })
  count!: number;
}

@ObjectType({
  description:
    'The same buckets as parallel arrays (one entry per bucket): what a chart draws, and far cheaper to serve than bucket objects.',
})
export class MetricColumns implements Db.MetricColumns {
  @Field(() => IntList)
  step!: number[];

  @Field(() => IntList)
  stepMin!: number[];

  @Field(() => IntList)
  stepMax!: number[];

  @Field(() => RealList)
  min!: number[];

  @Field(() => RealList)
  max!: number[];

  @Field(() => RealList)
  last!: number[];

  @Field(() => IntList)
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

  @Field(() => Int, {
    description:
      'Steps per bucket, a power of two: bucket i covers steps [i·bucketWidth, (i+1)·bucketWidth − 1]; 1 means every point.',
  })
  bucketWidth!: number;
}

@ObjectType({ description: 'One logged value.' })
export class MetricPoint {
  @Field(() => Int)
  step!: number;

  @Field(() => Real)
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
