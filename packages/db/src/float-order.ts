/**
 * PostgreSQL's order of double precision values, where NaN is above every number (so `min` skips NaN unless all are
 * NaN, and `max` is NaN as soon as one is): what the summaries and the downsampling merge with, so their answer
 * equals PostgreSQL's own min/max over the points.
 */
export const pgMin = (a: number, b: number): number =>
  Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.min(a, b);

export const pgMax = (a: number, b: number): number =>
  Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : Math.max(a, b);
