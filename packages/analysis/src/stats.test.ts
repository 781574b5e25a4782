import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { close, expected } from '../test/fixtures';
import { aggregate, studentTQuantile } from './stats';
import { blockShuffleSummary, checkpointSweepSummary } from './sweeps';

describe('aggregation over seeds', () => {
  it('Student-t quantiles match scipy', () => {
    for (const [df, q] of Object.entries(expected.tQuantile975 as Record<string, number>)) {
      close(studentTQuantile(0.975, Number(df)), q, 1e-9 * q, `df=${df}`);
    }
    close(studentTQuantile(0.025, 4), -expected.tQuantile975['4'], 1e-9);
  });
  for (const [name, e] of Object.entries(
    expected.aggregate as Record<string, { values: number[]; mean: number; std: number; halfWidth: number }>,
  )) {
    it(`mean, std and 95% CI match NumPy/scipy (${name})`, () => {
      const a = aggregate(e.values);
      close(a.mean, e.mean, 1e-12);
      close(a.std, e.std, 1e-12);
      close(a.halfWidth, e.halfWidth, 1e-9);
      close(a.ci[1] - a.ci[0], 2 * e.halfWidth, 1e-9);
    });
  }
  it('one value has no spread', () => {
    const a = aggregate([0.5]);
    assert.equal(a.mean, 0.5);
    assert.ok(Number.isNaN(a.std) && Number.isNaN(a.halfWidth));
  });
});

describe('sweep summaries', () => {
  it('block shuffle: order, optimisation speed and relative drop', () => {
    const run = (blockSize: number | null, init: 'PRETRAINED' | 'RANDOM', acc: number, train: number[]) => ({
      blockSize,
      init,
      finalAccuracy: acc,
      trainAccuracyPerEpoch: train,
    });
    const rows = blockShuffleSummary([
      run(0, 'PRETRAINED', 0.5, [0.2, 0.4]),
      run(0, 'RANDOM', 0.5, [0.2, 0.4]),
      run(4, 'PRETRAINED', 0.8, [0.5, 0.7]),
      run(4, 'PRETRAINED', 0.9, [0.6, 0.8]),
      run(4, 'RANDOM', 0.6, [0.3, 0.5]),
      run(4, 'RANDOM', 0.7, [0.4, 0.6]),
      run(null, 'PRETRAINED', 0.95, [0.9, 1]),
      run(28, 'RANDOM', 0.9, [0.9]),
    ]);
    assert.deepEqual(
      rows.map((r) => r.label),
      ['none', '28', '4', '*'],
    );
    const b4 = rows[2]!;
    close(b4.pretrained!.finalAccuracy.mean, 0.85, 1e-12);
    close(b4.pretrained!.optimisationSpeed.mean, 0.65, 1e-12);
    close(b4.relativeDrop!, (100 * (0.85 - 0.65)) / 0.85, 1e-9);
    close(b4.relativeSpeedDrop!, (100 * (0.65 - 0.45)) / 0.65, 1e-9);
    assert.equal(rows[3]!.relativeDrop, 0);
    assert.equal(rows[0]!.relativeDrop, undefined);
  });
  it('checkpoint sweep: per-epoch aggregate and gap to the last checkpoint', () => {
    const rows = checkpointSweepSummary([
      { checkpointEpoch: 10, finalAccuracy: 0.9 },
      { checkpointEpoch: 1, finalAccuracy: 0.7 },
      { checkpointEpoch: 1, finalAccuracy: 0.8 },
      { checkpointEpoch: 10, finalAccuracy: 0.92 },
    ]);
    assert.deepEqual(
      rows.map((r) => r.checkpointEpoch),
      [1, 10],
    );
    close(rows[0]!.gapToLast, 0.75 - 0.91, 1e-12);
    assert.equal(rows[1]!.gapToLast, 0);
  });
});
