import type { Sql } from '../connect';
import type { DatasetKind, DatasetTask } from '../domain';
import { idArray } from './ids';

export type { DatasetKind };

/** A registered dataset. */
export interface DatasetRow {
  id: string;
  teamId: string;
  name: string;
  kind: DatasetKind;
  domain: string | null;
  task: DatasetTask;
  /** [height, width, channels] */
  imageShape: number[];
  classes: string[];
  trainSize: number;
  testSize: number;
  root: string | null;
  spec: Record<string, unknown>;
  createdAt: Date;
}

/** What `registerDataset` stores. */
export interface NewDataset {
  name: string;
  kind: DatasetKind;
  domain?: string | null;
  task?: DatasetTask;
  imageShape: number[];
  classes: string[];
  trainSize: number;
  testSize: number;
  root?: string | null;
  spec?: Record<string, unknown>;
}

interface Raw {
  id: string;
  team_id: string;
  name: string;
  kind: DatasetKind;
  domain: string | null;
  task: DatasetTask;
  image_shape: number[];
  classes: string[];
  train_size: number;
  test_size: number;
  root: string | null;
  spec: Record<string, unknown>;
  created_at: Date;
}

const map = (r: Raw): DatasetRow => ({
  id: r.id,
  teamId: r.team_id,
  name: r.name,
  kind: r.kind,
  domain: r.domain,
  task: r.task,
  imageShape: r.image_shape.map(Number),
  classes: r.classes,
  trainSize: r.train_size,
  testSize: r.test_size,
  root: r.root,
  spec: r.spec,
  createdAt: r.created_at,
});

/** A team's datasets, by name. */
export async function listDatasets(sql: Sql, teamId: string, limit = 100): Promise<DatasetRow[]> {
  const rows = await sql<Raw[]>`
    select * from datasets where team_id = ${teamId} order by name limit ${limit}`;
  return rows.map(map);
}

/** A team's datasets by id (any order; other teams' and missing ids are absent). */
export async function datasetsByIds(sql: Sql, teamId: string, ids: readonly string[]): Promise<DatasetRow[]> {
  if (ids.length === 0) return [];
  const rows = await sql<Raw[]>`
    select * from datasets where team_id = ${teamId} and id = any(${idArray(sql, ids)}::bigint[])`;
  return rows.map(map);
}

/**
 * A dataset by id, whatever its team: for runners, which serve every team's jobs (and judge a job's
 * `dataset:<id>` flag before knowing its team). Null when missing.
 */
export async function datasetById(sql: Sql, id: string): Promise<DatasetRow | null> {
  const [r] = await sql<Raw[]>`select * from datasets where id = ${id}`;
  return r ? map(r) : null;
}

/** Registers a dataset; PostgreSQL error 23505 when the team already has one with that name. */
export async function registerDataset(sql: Sql, teamId: string, d: NewDataset): Promise<DatasetRow> {
  const [r] = await sql<Raw[]>`
    insert into datasets (team_id, name, kind, domain, task, image_shape, classes, train_size, test_size, root, spec)
    values (${teamId}, ${d.name}, ${d.kind}, ${d.domain ?? null}, ${d.task ?? 'MULTICLASS'},
      ${sql.array(d.imageShape)}::int[], ${sql.array(d.classes)}::text[], ${d.trainSize}, ${d.testSize},
      ${d.root ?? null}, ${sql.json((d.spec ?? {}) as never)})
    returning *`;
  return map(r!);
}
