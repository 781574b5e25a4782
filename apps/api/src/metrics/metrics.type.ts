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

/** Base64 of the values as little-endian IEEE-754 doubles (NaN and ±Infinity as themselves). */
export const packFloat64 = (xs: readonly number[]): string =>
  Buffer.from(Float64Array.from(xs).buffer).toString('base64');

const PACKED =
  'base64 of the column as little-endian float64 (8 bytes a value; NaN and ±Infinity as IEEE-754 has them)';

@ObjectType({
  description:
    'The columns packed for charts: each is base64 of little-endian float64 values, decoded in one pass (a Float64Array over the bytes) instead of parsing tens of thousands of JSON numbers; the same values as `MetricColumns`, exactly.',
})
export class PackedColumns {
  constructor(private readonly c: Db.MetricColumns) {}

  @Field(() => String, { description: PACKED })
  get step(): string {
    return packFloat64(this.c.step);
  }

  @Field(() => String, { description: PACKED })
  get stepMin(): string {
    return packFloat64(this.c.stepMin);
  }

  @Field(() => String, { description: PACKED })
  get stepMax(): string {
    return packFloat64(this.c.stepMax);
  }

  @Field(() => String, { description: PACKED })
  get min(): string {
    return packFloat64(this.c.min);
  }

  @Field(() => String, { description: PACKED })
  get max(): string {
    return packFloat64(this.c.max);
  }

  @Field(() => String, { description: PACKED })
  get last(): string {
    return packFloat64(this.c.last);
  }

  @Field(() => String, { description: PACKED })
  get count(): string {
    return packFloat64(this.c.count);
  }
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
