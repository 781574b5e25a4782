import type { Sql } from '@basin/db';

/** Runs `fn` in one transaction: everything it writes commits together, or nothing does. */
export function inTransaction<T>(sql: Sql, fn: (tx: Sql) => Promise<T>): Promise<T> {
  return sql.begin((tx) => fn(tx as unknown as Sql)) as Promise<T>;
}
