/** Summaries of block-shuffle and checkpoint sweeps, aggregated over seeds. */
import { type Aggregate, aggregate } from './stats';
import { AnalysisInputError } from './tensor';

/** One fine-tuning run of a block-shuffle sweep. */
export interface BlockShuffleRun {
  /** Block side b; `null` = no shuffle, `0` = every value permuted ("*"). */
  blockSize: number | null;
  init: 'PRETRAINED' | 'RANDOM';
  seed?: number;
  /** Final test accuracy in [0, 1] (or percent; only ratios are taken). */
  finalAccuracy: number;
  /** Training accuracy at the end of each epoch. */
  trainAccuracyPerEpoch: number[];
}

/** Accuracy and optimisation speed of one init at one block size. */
export interface InitSummary {
  finalAccuracy: Aggregate;
  /** Optimisation speed: mean training accuracy over all epochs, aggregated over seeds. */
  optimisationSpeed: Aggregate;
}

/** One row of the block-shuffle table. */
export interface BlockShuffleRow {
  blockSize: number | null;
  /** `none`, `*` or the block side. */
  label: string;
  pretrained?: InitSummary;
  random?: InitSummary;
  /** 100·(A_PT − A_RIT)/A_PT on the mean final accuracies (undefined without both inits). */
  relativeDrop?: number;
  /** The same on optimisation speed. */
  relativeSpeedDrop?: number;
}

/** Label of a block size as the paper writes it. */
export function blockLabel(b: number | null): string {
  return b === null ? 'none' : b === 0 ? '*' : String(b);
}

function summarise(runs: BlockShuffleRun[]): InitSummary | undefined {
  if (runs.length === 0) return undefined;
  return {
    finalAccuracy: aggregate(runs.map((r) => r.finalAccuracy)),
    optimisationSpeed: aggregate(
      runs.map((r) => {
        if (r.trainAccuracyPerEpoch.length === 0) {
          throw new AnalysisInputError(
            `run (block ${blockLabel(r.blockSize)}, seed ${r.seed}) has no epochs`,
          );
        }
        return r.trainAccuracyPerEpoch.reduce((a, b) => a + b, 0) / r.trainAccuracyPerEpoch.length;
      }),
    ),
  };
}

const drop = (pt: number, rit: number) => (100 * (pt - rit)) / pt;

/**
 * Groups runs by block size (no shuffle first, then larger to smaller blocks, "*" last) and init, aggregating
 * final accuracy and optimisation speed over seeds, with the relative drop from P-T to RI-T.
 */
export function blockShuffleSummary(runs: BlockShuffleRun[]): BlockShuffleRow[] {
  const sizes = [...new Set(runs.map((r) => r.blockSize))];
  const rank = (b: number | null) => (b === null ? Number.POSITIVE_INFINITY : b === 0 ? -1 : b);
  sizes.sort((a, b) => rank(b) - rank(a));
  return sizes.map((b) => {
    const at = runs.filter((r) => r.blockSize === b);
    const pretrained = summarise(at.filter((r) => r.init === 'PRETRAINED'));
    const random = summarise(at.filter((r) => r.init === 'RANDOM'));
    const row: BlockShuffleRow = { blockSize: b, label: blockLabel(b) };
    if (pretrained) row.pretrained = pretrained;
    if (random) row.random = random;
    if (pretrained && random) {
      row.relativeDrop = drop(pretrained.finalAccuracy.mean, random.finalAccuracy.mean);
      row.relativeSpeedDrop = drop(pretrained.optimisationSpeed.mean, random.optimisationSpeed.mean);
    }
    return row;
  });
}

/** One fine-tuning run started from a pretraining checkpoint. */
export interface CheckpointSweepRun {
  /** Pretraining epoch of the checkpoint the run started from. */
  checkpointEpoch: number;
  seed?: number;
  finalAccuracy: number;
}

/** One row of a checkpoint sweep. */
export interface CheckpointSweepRow {
  checkpointEpoch: number;
  finalAccuracy: Aggregate;
  /** Mean accuracy minus that of the latest checkpoint (≈ 0 when late checkpoints transfer as well). */
  gapToLast: number;
}

/** Aggregates target accuracy over seeds per pretraining checkpoint, in epoch order. */
export function checkpointSweepSummary(runs: CheckpointSweepRun[]): CheckpointSweepRow[] {
  const epochs = [...new Set(runs.map((r) => r.checkpointEpoch))].sort((a, b) => a - b);
  const rows = epochs.map((e) => ({
    checkpointEpoch: e,
    finalAccuracy: aggregate(runs.filter((r) => r.checkpointEpoch === e).map((r) => r.finalAccuracy)),
    gapToLast: 0,
  }));
  const last = rows[rows.length - 1];
  for (const r of rows) r.gapToLast = r.finalAccuracy.mean - (last?.finalAccuracy.mean ?? Number.NaN);
  return rows;
}
