/**
 * Typed GraphQL documents for the CLI: `graphql(…)` infers each document's result and variables from the API's
 * committed schema (apps/api/schema.graphql, introspected into graphql-env.d.ts by `npm run graphql-env -w
 * @basin/cli`; a test fails when that file is stale), so a renamed field or a changed input breaks the CLI's
 * build rather than a user's study.
 */
import { initGraphQLTada } from 'gql.tada';
import type { introspection } from './graphql-env';

export const graphql = initGraphQLTada<{
  introspection: introspection;
  scalars: { DateTimeISO: string; JSONObject: Record<string, unknown> };
}>();

export type { ResultOf, TadaDocumentNode, VariablesOf } from 'gql.tada';
