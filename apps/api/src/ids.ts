import { badInput } from './errors';

/** Largest id PostgreSQL's bigint holds. */
const MAX_ID = 9223372036854775807n;

/** Checks an id argument is a positive decimal integer (ids are bigints shown as strings). */
export function parseId(field: string, value: string): string {
  if (typeof value !== 'string' || !/^[1-9][0-9]{0,18}$/.test(value) || BigInt(value) > MAX_ID) {
    throw badInput(field, value, 'an id: a positive integer as a string, e.g. "42"');
  }
  return value;
}

/** {@link parseId} for an optional argument. */
export function parseOptionalId(field: string, value: string | null | undefined): string | undefined {
  return value === null || value === undefined ? undefined : parseId(field, value);
}

/** Opaque Relay cursor for a row id. */
export const encodeCursor = (id: string): string => Buffer.from(`run:${id}`, 'utf8').toString('base64url');

/** The row id of a cursor made by {@link encodeCursor}. */
export function decodeCursor(field: string, cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^run:([1-9][0-9]{0,18})$/.exec(text);
  if (!m) throw badInput(field, cursor, 'a cursor returned by a previous page (pageInfo.endCursor)');
  return m[1]!;
}
