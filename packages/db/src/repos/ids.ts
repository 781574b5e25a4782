import type { Sql } from '../connect';

/** A bigint[] parameter from string ids (callers check ids are decimal digits). */
export const idArray = (sql: Sql, ids: readonly string[]) => sql.array([...ids]);

/** Groups rows by a key, keeping every key asked for (absent keys map to []). */
export function groupBy<T>(keys: readonly string[], rows: readonly T[], key: (row: T) => string | null) {
  const out = new Map<string, T[]>(keys.map((k) => [k, []]));
  for (const r of rows) {
    const k = key(r);
    if (k !== null) out.get(k)?.push(r);
  }
  return out;
}
