import type { Sql } from '../connect';

/** A team: the unit every row and API token is scoped to. */
export interface TeamRow {
  id: string;
  name: string;
  createdAt: Date;
}

interface Raw {
  id: string;
  name: string;
  created_at: Date;
}

const map = (r: Raw): TeamRow => ({ id: r.id, name: r.name, createdAt: r.created_at });

/** The team called `name`, created when missing. */
export async function ensureTeam(sql: Sql, name: string): Promise<TeamRow> {
  const [row] = await sql<Raw[]>`
    insert into teams (name) values (${name})
    on conflict (name) do update set name = excluded.name
    returning id, name, created_at`;
  return map(row!);
}

/** The team called `name`, or null. */
export async function teamByName(sql: Sql, name: string): Promise<TeamRow | null> {
  const [row] = await sql<Raw[]>`select id, name, created_at from teams where name = ${name}`;
  return row ? map(row) : null;
}

/** Teams by id (any order; missing ids are absent). */
export async function teamsByIds(sql: Sql, ids: readonly string[]): Promise<TeamRow[]> {
  if (ids.length === 0) return [];
  const rows = await sql<Raw[]>`
    select id, name, created_at from teams where id = any(${sql.array([...ids])}::bigint[])`;
  return rows.map(map);
}
