/**
 * The contract between datasets and the trainer. Images are NHWC float32, already normalised;
 * labels are class indices (multiclass) or 0/1 per label (multilabel).
 */
import type { DatasetKind, DatasetTask } from '@basin/db';

export type { DatasetKind };
/** One label per image (MULTICLASS) or several (MULTILABEL): @basin/db's DatasetTask. */
export type Task = DatasetTask;

export interface DatasetInfo {
  kind: DatasetKind;
  /** Human name, e.g. "MNIST" or "synthetic/sketch". */
  name: string;
  /** Domain within a multi-domain source (DomainNet's "clipart", synthetic "sketch"), else null. */
  domain: string | null;
  task: Task;
  /** Class (or label) names; their count is the model's output size. */
  classes: string[];
  /** [height, width, channels]. */
  shape: [number, number, number];
  trainSize: number;
  testSize: number;
}

export interface Batch {
  /** n·h·w·c values, NHWC, normalised. */
  x: Float32Array;
  /** MULTICLASS: n class indices. MULTILABEL: n·k values in {0, 1}. */
  y: Int32Array | Float32Array;
  n: number;
}

export interface BatchOptions {
  /** Shuffle example order (training). Default false. */
  shuffle?: boolean;
  /** Seed of the example order; the same seed gives the same order. Default 0. */
  seed?: number;
  /** Drop a last batch smaller than batchSize. Default false. */
  dropLast?: boolean;
  /**
   * Start after this many batches of the same order (resuming mid-epoch) without producing the skipped ones,
   * which matters for splits decoded from disk. Default 0.
   */
  skipBatches?: number;
}

export interface DataSplit {
  size: number;
  batches(batchSize: number, options?: BatchOptions): AsyncIterable<Batch>;
}

export interface Dataset {
  info: DatasetInfo;
  train: DataSplit;
  test: DataSplit;
}
