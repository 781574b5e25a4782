import type { CombinedError } from '@urql/core';

/**
 * Splits an API error into messages per form field (the API names the field in `extensions.field`, e.g.
 * `input.initCheckpointId` or `input.params.examples`) and the rest; keys are the last path segment.
 */
export function fieldErrors(error: CombinedError | undefined | null): {
  fields: Record<string, string>;
  other: string[];
} {
  const fields: Record<string, string> = {};
  const other: string[] = [];
  if (!error) return { fields, other };
  if (error.networkError && !error.graphQLErrors.length)
    other.push(`Cannot reach the Basin API (${error.networkError.message}).`);
  for (const e of error.graphQLErrors) {
    const field = e.extensions?.field;
    if (typeof field === 'string' && field) {
      const key = field
        .split('.')
        .at(-1)!
        .replace(/\[\d+\]$/, '');
      fields[key] = fields[key] ? `${fields[key]}; ${e.message}` : e.message;
    } else other.push(e.message);
  }
  return { fields, other };
}
