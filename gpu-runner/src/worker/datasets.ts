import { confineDataRoot, DataRootError, type DatasetRow, datasetById, type Sql } from '@basin/db';
import { type DatasetSpec, datasetUnavailableReason, openDataset } from '../data/registry';
import type { Dataset } from '../data/types';
import type { RunnerConfig } from './config';
import { DatasetUnavailableError, JobInputError } from './context';

/** A dataset row, as a runner loads it. */
export type DatasetRecord = DatasetRow;

/** Loads a dataset row (any team's: runners serve every team); a missing one is a {@link JobInputError}. */
export async function loadDatasetRecord(sql: Sql, id: string): Promise<DatasetRecord> {
  const d = await datasetById(sql, id);
  if (!d) throw new JobInputError(`dataset ${id} does not exist`);
  return { ...d, spec: d.spec ?? {} };
}

/** The engine's spec for a dataset row (its stored `spec` plus kind, domain, root and image shape). */
export function datasetSpec(
  d: DatasetRecord,
  extra: { seed?: number; blockSize?: number | null; trainSize?: number | null } = {},
): DatasetSpec {
  const [side, , channels] = d.imageShape;
  return {
    ...(d.spec as Partial<DatasetSpec>),
    kind: d.kind,
    domain: d.domain ?? (d.spec.domain as string | undefined) ?? null,
    root: d.root ?? (d.spec.root as string | undefined) ?? null,
    side: (d.spec.side as number | undefined) ?? side ?? null,
    channels: ((d.spec.channels as number | undefined) ?? channels ?? null) as 1 | 3 | null,
    ...(extra.trainSize ? { trainSize: extra.trainSize } : {}),
    seed: extra.seed ?? 0,
    blockSize: extra.blockSize ?? null,
  };
}

/**
 * Opens a dataset for a job. A dataset this machine cannot serve (package missing, folder absent) is a
 * {@link JobInputError} naming the dataset, the runner and why.
 */
export async function openJobDataset(
  d: DatasetRecord,
  spec: DatasetSpec,
  runner: Pick<RunnerConfig, 'name' | 'dataRoots'>,
): Promise<Dataset> {
  // the API checked the folder when it was registered; this machine's roots decide what it reads. A folder it
  // will not read is unavailable here (another runner, with other roots, may serve it), never opened.
  if (spec.root) {
    try {
      confineDataRoot('root', spec.root, runner.dataRoots, { mustExist: true });
    } catch (err) {
      if (!(err instanceof DataRootError)) throw err;
      throw new DatasetUnavailableError(
        `dataset ${d.id} '${d.name}' (${d.kind}) is not available on runner ${runner.name}: ${err.message}`,
        d.id,
      );
    }
  }
  const missing = await datasetUnavailableReason(spec);
  if (missing)
    throw new DatasetUnavailableError(
      `dataset ${d.id} '${d.name}' (${d.kind}) is not available on runner ${runner.name}: ${missing}`,
      d.id,
    );
  try {
    return await openDataset(spec);
  } catch (err) {
    throw new JobInputError(
      `dataset ${d.id} '${d.name}' (${d.kind}) cannot be opened: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}
