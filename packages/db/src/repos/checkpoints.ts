import type { Sql } from '../connect';
import { idArray } from './ids';

/** Saved weights: their blob, where they came from (run, parent checkpoint) and metrics at save time. */
export interface CheckpointRow {
  id: string;
  teamId: string;
  modelId: string;
  /** The producing run; null for an imported model's weights. */
  runId: string | null;
  /** The checkpoint the producing run started from (lineage upwards). */
  parentCheckpointId: string | null;
  step: number;
  epoch: number;
  blobHash: string;
  blobSize: number;
  metrics: Record<string, number>;
  createdAt: Date;
}

/** What `createCheckpoint` stores. */
export interface NewCheckpoint {
  modelId: string;
  runId?: string | null;
  parentCheckpointId?: string | null;
  step?: number;
  epoch?: number;
  blobHash: string;
  blobSize: number;
  metrics?: Record<string, number>;
}

interface Raw {
  id: string;
  team_id: string;
  model_id: string;
  run_id: string | null;
  parent_checkpoint_id: string | null;
  step: string;
  epoch: number;
  blob_hash: string;
  blob_size: string;
  metrics: Record<string, number>;
  created_at: Date;
}

const map = (r: Raw): CheckpointRow => ({
  id: r.id,
  teamId: r.team_id,
  modelId: r.model_id,
  runId: r.run_id,
  parentCheckpointId: r.parent_checkpoint_id,
  step: Number(r.step),
  epoch: r.epoch,
  blobHash: r.blob_hash,
  blobSize: Number(r.blob_size),
  metrics: r.metrics,
  createdAt: r.created_at,
});

/** A team's checkpoints by id (any order; other teams' and missing ids are absent). */
export async function checkpointsByIds(
  sql: Sql,
  teamId: string,
  ids: readonly string[],
): Promise<CheckpointRow[]> {
  if (ids.length === 0) return [];
  const rows = await sql<Raw[]>`
    select * from checkpoints where team_id = ${teamId} and id = any(${idArray(sql, ids)}::bigint[])`;
  return rows.map(map);
}

/** Checkpoints saved by any of these runs, in step order. */
export async function checkpointsByRunIds(
  sql: Sql,
  teamId: string,
  runIds: readonly string[],
): Promise<CheckpointRow[]> {
  if (runIds.length === 0) return [];
  const rows = await sql<Raw[]>`
    select * from checkpoints where team_id = ${teamId} and run_id = any(${idArray(sql, runIds)}::bigint[])
    order by run_id, step`;
  return rows.map(map);
}

/** Checkpoints whose producing run started from any of these checkpoints (lineage downwards). */
export async function checkpointsByParentIds(
  sql: Sql,
  teamId: string,
  parentIds: readonly string[],
): Promise<CheckpointRow[]> {
  if (parentIds.length === 0) return [];
  const rows = await sql<Raw[]>`
    select * from checkpoints where team_id = ${teamId}
      and parent_checkpoint_id = any(${idArray(sql, parentIds)}::bigint[]) order by id`;
  return rows.map(map);
}

/** Checkpoints of any of these models, oldest first. */
export async function checkpointsByModelIds(
  sql: Sql,
  teamId: string,
  modelIds: readonly string[],
): Promise<CheckpointRow[]> {
  if (modelIds.length === 0) return [];
  const rows = await sql<Raw[]>`
    select * from checkpoints where team_id = ${teamId} and model_id = any(${idArray(sql, modelIds)}::bigint[])
    order by id`;
  return rows.map(map);
}

/**
 * Who references a blob: whether this team has a checkpoint with these weights, and whether any other team has.
 * The blob store is shared by every team, so this is what decides whether a team may import a blob by its hash.
 */
export async function blobReferences(
  sql: Sql,
  teamId: string,
  blobHash: string,
): Promise<{ own: boolean; others: boolean }> {
  const [r] = await sql<{ own: boolean; others: boolean }[]>`
    select coalesce(bool_or(team_id = ${teamId}), false) as own,
      coalesce(bool_or(team_id <> ${teamId}), false) as others
    from checkpoints where blob_hash = ${blobHash}`;
  return { own: r?.own ?? false, others: r?.others ?? false };
}

/** The newest checkpoint (highest step) a run saved, or null. */
export async function latestCheckpointOfRun(sql: Sql, runId: string): Promise<CheckpointRow | null> {
  const [r] = await sql<Raw[]>`select * from checkpoints where run_id = ${runId} order by step desc limit 1`;
  return r ? map(r) : null;
}

/**
 * Records a checkpoint. Idempotent per (run, step): saving the same step of a run again updates that row.
 * For a run's checkpoint the parent defaults to the run's init checkpoint.
 */
export async function createCheckpoint(sql: Sql, teamId: string, c: NewCheckpoint): Promise<CheckpointRow> {
  const runId = c.runId ?? null;
  const [r] = await sql<Raw[]>`
    insert into checkpoints (team_id, model_id, run_id, parent_checkpoint_id, step, epoch, blob_hash, blob_size, metrics)
    values (${teamId}, ${c.modelId}, ${runId},
      coalesce(${c.parentCheckpointId ?? null}::bigint, (select init_checkpoint_id from runs where id = ${runId}::bigint)),
      ${c.step ?? 0}, ${c.epoch ?? 0}, ${c.blobHash}, ${c.blobSize}, ${sql.json((c.metrics ?? {}) as never)})
    on conflict (run_id, step) where run_id is not null do update set
      epoch = excluded.epoch, blob_hash = excluded.blob_hash, blob_size = excluded.blob_size, metrics = excluded.metrics
    returning *`;
  return map(r!);
}
