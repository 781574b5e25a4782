import type { Sql } from '../connect';
import { idArray } from './ids';

/** An architecture: family, size, input, classes, and its PyTorch-style module names. */
export interface ModelRow {
  id: string;
  teamId: string;
  name: string;
  family: string;
  depth: number;
  width: number;
  /** [height, width, channels] */
  inputShape: number[];
  numClasses: number;
  modules: string[];
  paramCount: number;
  spec: Record<string, unknown>;
  createdAt: Date;
}

/** What `importModel` stores. */
export interface NewModel {
  name: string;
  family: string;
  depth: number;
  width: number;
  inputShape: number[];
  numClasses: number;
  modules: string[];
  paramCount?: number;
  spec?: Record<string, unknown>;
}

interface Raw {
  id: string;
  team_id: string;
  name: string;
  family: string;
  depth: number;
  width: number;
  input_shape: number[];
  num_classes: number;
  modules: string[];
  param_count: string;
  spec: Record<string, unknown>;
  created_at: Date;
}

const map = (r: Raw): ModelRow => ({
  id: r.id,
  teamId: r.team_id,
  name: r.name,
  family: r.family,
  depth: r.depth,
  width: r.width,
  inputShape: r.input_shape.map(Number),
  numClasses: r.num_classes,
  modules: r.modules,
  paramCount: Number(r.param_count),
  spec: r.spec,
  createdAt: r.created_at,
});

/** A team's models, newest first. */
export async function listModels(sql: Sql, teamId: string, limit = 100): Promise<ModelRow[]> {
  const rows = await sql<
    Raw[]
  >`select * from models where team_id = ${teamId} order by id desc limit ${limit}`;
  return rows.map(map);
}

/** A team's models by id (any order; other teams' and missing ids are absent). */
export async function modelsByIds(sql: Sql, teamId: string, ids: readonly string[]): Promise<ModelRow[]> {
  if (ids.length === 0) return [];
  const rows = await sql<Raw[]>`
    select * from models where team_id = ${teamId} and id = any(${idArray(sql, ids)}::bigint[])`;
  return rows.map(map);
}

/** Stores a model's architecture. */
export async function createModel(sql: Sql, teamId: string, m: NewModel): Promise<ModelRow> {
  const [r] = await sql<Raw[]>`
    insert into models (team_id, name, family, depth, width, input_shape, num_classes, modules, param_count, spec)
    values (${teamId}, ${m.name}, ${m.family}, ${m.depth}, ${m.width}, ${sql.array(m.inputShape)}::int[],
      ${m.numClasses}, ${sql.array(m.modules)}::text[], ${m.paramCount ?? 0}, ${sql.json((m.spec ?? {}) as never)})
    returning *`;
  return map(r!);
}
