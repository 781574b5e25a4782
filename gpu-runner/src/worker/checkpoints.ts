import { copyFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type BlobStore, type CheckpointRow, checkpointsByIds, type Sql } from '@basin/db';
import { JobInputError } from './context';

/** A checkpoint row, as a runner loads it. */
export type CheckpointRecord = CheckpointRow;

/** Loads checkpoint rows of a team in the order of `ids`; an unknown id is a {@link JobInputError}. */
export async function loadCheckpointRecords(
  sql: Sql,
  teamId: string,
  ids: readonly string[],
  what = 'checkpoint',
): Promise<CheckpointRecord[]> {
  const byId = new Map((await checkpointsByIds(sql, teamId, ids)).map((c) => [c.id, c]));
  return ids.map((id) => {
    const c = byId.get(id);
    if (!c) throw new JobInputError(`${what} ${id} does not exist`);
    return c;
  });
}

/** Path of a checkpoint's weights in the blob store; a missing blob is a {@link JobInputError}. */
export async function checkpointFile(blobs: BlobStore, c: CheckpointRecord): Promise<string> {
  if (!(await blobs.has(c.blobHash)))
    throw new JobInputError(
      `checkpoint ${c.id}: its weights (blob ${c.blobHash}) are not in the blob store at ${blobs.root}`,
    );
  return blobs.path(c.blobHash);
}

/** Copies a blob to `path` (e.g. to put a momentum file beside its checkpoint); false when the blob is missing. */
export async function copyBlob(blobs: BlobStore, hash: string, path: string): Promise<boolean> {
  if (!(await blobs.has(hash))) return false;
  await mkdir(dirname(path), { recursive: true });
  await copyFile(blobs.path(hash), path);
  return true;
}
