import type { Sql } from '../connect';
import { idArray } from './ids';

/** A named set of runs and analyses. */
export interface StudyRow {
  id: string;
  teamId: string;
  name: string;
  description: string;
  config: Record<string, unknown>;
  createdAt: Date;
}

interface Raw {
  id: string;
  team_id: string;
  name: string;
  description: string;
  config: Record<string, unknown>;
  created_at: Date;
}

const map = (r: Raw): StudyRow => ({
  id: r.id,
  teamId: r.team_id,
  name: r.name,
  description: r.description,
  config: r.config,
  createdAt: r.created_at,
});

/** A team's studies, newest first. */
export async function listStudies(sql: Sql, teamId: string, limit = 100): Promise<StudyRow[]> {
  const rows = await sql<Raw[]>`
    select * from studies where team_id = ${teamId} order by id desc limit ${limit}`;
  return rows.map(map);
}

/** A team's studies by id (any order; other teams' and missing ids are absent). */
export async function studiesByIds(sql: Sql, teamId: string, ids: readonly string[]): Promise<StudyRow[]> {
  if (ids.length === 0) return [];
  const rows = await sql<Raw[]>`
    select * from studies where team_id = ${teamId} and id = any(${idArray(sql, ids)}::bigint[])`;
  return rows.map(map);
}

/** Creates a study; PostgreSQL error 23505 when the team already has one with that name. */
export async function createStudy(
  sql: Sql,
  teamId: string,
  input: { name: string; description?: string; config?: Record<string, unknown> },
): Promise<StudyRow> {
  const [r] = await sql<Raw[]>`
    insert into studies (team_id, name, description, config)
    values (${teamId}, ${input.name}, ${input.description ?? ''}, ${sql.json((input.config ?? {}) as never)})
    returning *`;
  return map(r!);
}
