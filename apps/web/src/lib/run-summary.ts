import type { RunRow } from './types';

/** The final test accuracy a runner wrote in a run's summary (the first key that is a number). */
export function finalAccuracy(run: Pick<RunRow, 'summary'>): number | null {
  for (const k of ['testAcc', 'testAccuracy', 'finalAccuracy', 'test/acc', 'accuracy', 'final/test/acc']) {
    const v = run.summary[k];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return null;
}
