import type { Sql } from './connect';

/**
 * Runs `fn` in one transaction: everything it writes commits together, or nothing does. postgres.js types the
 * transaction handle as `TransactionSql`, which lacks the call signatures `Sql` has although it accepts every
 * query `Sql` does; this is the one place that says so, so callers pass `tx` to any repo function.
 */
export function transaction<T>(sql: Sql, fn: (tx: Sql) => Promise<T>): Promise<T> {
  return sql.begin((tx) => fn(tx as unknown as Sql)) as Promise<T>;
}
