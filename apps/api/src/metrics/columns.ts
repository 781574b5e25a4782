import type { MetricBucket } from '@basin/db';
import type { MetricColumns } from './metrics.type';

/** Buckets as parallel arrays (see {@link MetricColumns}). */
export function toColumns(buckets: readonly MetricBucket[]): MetricColumns {
  const n = buckets.length;
  const c: MetricColumns = {
    step: new Array(n),
    stepMin: new Array(n),
    stepMax: new Array(n),
    min: new Array(n),
    max: new Array(n),
    last: new Array(n),
    count: new Array(n),
  };
  for (let i = 0; i < n; i++) {
    const b = buckets[i]!;
    c.step[i] = b.step;
    c.stepMin[i] = b.stepMin;
    c.stepMax[i] = b.stepMax;
    c.min[i] = b.min;
    c.max[i] = b.max;
    c.last[i] = b.last;
    c.count[i] = b.count;
  }
  return c;
}
