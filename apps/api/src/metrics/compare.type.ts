import { Field, Int, ObjectType } from 'type-graphql';
import { RunGroupField } from '../common/enums';
import { Real } from '../common/scalars';
import { Run } from '../run/run.type';
import { MetricBucket, MetricColumns } from './metrics.type';

@ObjectType({ description: 'One run of a comparison: its buckets (the same step edges for every run).' })
export class RunSeries {
  @Field(() => Run)
  run!: Run;

  @Field(() => [MetricBucket])
  buckets!: MetricBucket[];

  @Field(() => MetricColumns, { description: 'The buckets as parallel arrays (cheapest for charts).' })
  columns!: MetricColumns;

  @Field(() => [Int], {
    description:
      'Bucket index of each bucket, counted from the one holding `from` (aligns runs that skip buckets).',
  })
  bucketIndexes!: number[];
}

@ObjectType({ description: 'Mean and spread of the bucket `last` values across the runs of a group.' })
export class BandPoint {
  @Field(() => Int)
  bucket!: number;

  @Field(() => Int, { description: 'Largest step among the runs in this bucket.' })
  step!: number;

  @Field(() => Real)
  mean!: number;

  @Field(() => Real, { description: 'Sample standard deviation (0 for one run).' })
  std!: number;

  @Field(() => Real)
  min!: number;

  @Field(() => Real)
  max!: number;

  @Field(() => Int, { description: 'Runs with a point in this bucket.' })
  n!: number;
}

@ObjectType({ description: 'A value of a grouping field.' })
export class GroupValue {
  @Field(() => RunGroupField)
  field!: RunGroupField;

  @Field(() => String, {
    nullable: true,
    description: 'Ids for STUDY/DATASET/MODEL/INIT_CHECKPOINT; null = none.',
  })
  value!: string | null;
}

@ObjectType({
  description: 'Runs that agree on every grouping field (e.g. seeds of one setting), as a band.',
})
export class RunGroup {
  @Field(() => String, { description: 'A readable key, e.g. "INIT=PRETRAINED BLOCK_SIZE=4".' })
  key!: string;

  @Field(() => [GroupValue])
  values!: GroupValue[];

  @Field(() => [Run])
  runs!: Run[];

  @Field(() => [BandPoint])
  band!: BandPoint[];
}

@ObjectType({ description: 'One metric across runs, downsampled into shared step buckets.' })
export class RunComparison {
  @Field(() => String)
  key!: string;

  @Field(() => Int, {
    description: 'Most buckets asked for; the answer has between half as many and this many.',
  })
  buckets!: number;

  @Field(() => Int, {
    description:
      'Steps per bucket, a power of two: bucket i of every run covers steps [i·bucketWidth, (i+1)·bucketWidth − 1] within from…to.',
  })
  bucketWidth!: number;

  @Field(() => Int, {
    nullable: true,
    description: 'First step of the shared range (null: no run has the key).',
  })
  from!: number | null;

  @Field(() => Int, { nullable: true })
  to!: number | null;

  @Field(() => [RunSeries])
  series!: RunSeries[];

  @Field(() => [RunGroup], { description: 'Empty unless groupBy was given.' })
  groups!: RunGroup[];
}
