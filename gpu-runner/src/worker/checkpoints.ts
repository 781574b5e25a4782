import { copyFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { BlobStore, Sql } from '@basin/db';
import { JobInputError } from './context';

/** The `checkpoints` row fields a runner needs. */
export interface CheckpointRecord {
  id: string;
  teamId: string;
  modelId: string;
  runId: string | null;
  step: number;
  epoch: number;
  blobHash: string;
}

interface Raw {
  id: string;
  team_id: string;
  model_id: string;
  run_id: string | null;
  step: string;
  epoch: number;
  blob_hash: string;
}

const map = (r: Raw): CheckpointRecord => ({
  id: r.id,
  teamId: r.team_id,
  modelId: r.model_id,
  runId: r.run_id,
  step: Number(r.step),
  epoch: r.epoch,
  blobHash: r.blob_hash,
});

/** Loads checkpoint rows of a team in the order of `ids`; an unknown id is a {@link JobInputError}. */
export async function loadCheckpointRecords(
  sql: Sql,
  teamId: string,
  ids: readonly string[],
  what = 'checkpoint',
): Promise<CheckpointRecord[]> {
  if (ids.length === 0) return [];
  const rows = await sql<Raw[]>`
    select id, team_id, model_id, run_id, step, epoch, blob_hash from checkpoints
    where team_id = ${teamId} and id = any(${sql.array([...ids])}::bigint[])`;
  const byId = new Map(rows.map((r) => [r.id, map(r)]));
  return ids.map((id) => {
    const c = byId.get(id);
    if (!c) throw new JobInputError(`${what} ${id} does not exist`);
    return c;
  });
}

/** The newest checkpoint a run saved, or null. */
export async function latestCheckpointOfRun(sql: Sql, runId: string): Promise<CheckpointRecord | null> {
  const [r] = await sql<Raw[]>`
    select id, team_id, model_id, run_id, step, epoch, blob_hash from checkpoints
    where run_id = ${runId} order by step desc limit 1`;
  return r ? map(r) : null;
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
