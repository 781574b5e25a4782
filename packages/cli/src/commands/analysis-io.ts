/** File loading and output helpers shared by the analysis commands (cka, mistakes, distance, barrier, npy-info). */
import { readFileSync } from 'node:fs';
import {
  AnalysisInputError,
  type Checkpoint,
  CheckpointError,
  NpyError,
  npyToTensor,
  readCheckpoint,
  readNpy,
  SafetensorsError,
  type Tensor,
} from '@basin/analysis';
import { UsageError } from '../command';

/** Reads a file, turning missing/unreadable files into a one-line {@link UsageError}. */
export function readInput(command: string, path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a directory' : e.message;
    throw new UsageError(`basin ${command}: cannot read ${path}: ${why}`);
  }
}

/** Runs analysis code, turning its input errors (which name the file) into {@link UsageError}s. */
export function asUsage<T>(command: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (
      err instanceof NpyError ||
      err instanceof AnalysisInputError ||
      err instanceof CheckpointError ||
      err instanceof SafetensorsError
    ) {
      throw new UsageError(`basin ${command}: ${err.message}`);
    }
    throw err;
  }
}

/** Loads a `.npy` file as numbers. */
export function loadNpyFile(command: string, path: string): Tensor {
  const bytes = readInput(command, path);
  return asUsage(command, () => npyToTensor(readNpy(bytes, path, { copy: false }), path));
}

/** Loads a Basin checkpoint (safetensors). */
export function loadCheckpointFile(command: string, path: string): Checkpoint {
  const bytes = readInput(command, path);
  return asUsage(command, () => readCheckpoint(bytes, path));
}

/** Requires exactly `count` positional arguments. */
export function positionals(command: string, got: string[], names: string[]): string[] {
  if (got.length !== names.length) {
    throw new UsageError(
      `basin ${command}: expected ${names.join(' ')} (${names.length} file${names.length > 1 ? 's' : ''}), got ${got.length} argument${got.length === 1 ? '' : 's'}`,
    );
  }
  return got;
}

/** Aligned two-column text. */
export function table(rows: [string, string | number][]): string {
  const w = Math.max(...rows.map(([k]) => k.length));
  return `${rows.map(([k, v]) => `${k.padEnd(w)}  ${typeof v === 'number' ? fmt(v) : v}`).join('\n')}\n`;
}

/** Numbers for tables: integers as is, others to 6 significant digits. */
export function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : Number.isFinite(v) ? v.toPrecision(6) : String(v);
}

/** One JSON object on one line. */
export function json(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}
