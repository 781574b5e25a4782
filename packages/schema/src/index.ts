/**
 * Typed GraphQL documents for the CLI and the dashboard: `graphql(…)` infers each document's result and variables
 * from the API's committed schema (apps/api/schema.graphql, introspected into graphql-env.d.ts by `npm run
 * graphql-env -w @basin/schema`; a test fails when that file is stale), so a renamed field or a changed input breaks
 * the build of every client that reads it rather than a user's page or study.
 * @remarks Fragments are unmasked: a document that spreads a fragment gets the fragment's fields in its result
 * type, as the dashboard composes its documents from shared fragments (run rows, model refs, seed statistics).
 */
import { initGraphQLTada } from 'gql.tada';
import type { introspection } from './graphql-env';

export const graphql = initGraphQLTada<{
  introspection: introspection;
  scalars: {
    DateTimeISO: string;
    JSONObject: Record<string, unknown>;
    Real: Real;
    RealList: Real[];
    IntList: number[];
  };
  disableMasking: true;
}>();

export type { FragmentOf, ResultOf, TadaDocumentNode, VariablesOf } from 'gql.tada';

/** A `Real` as it arrives: finite numbers as numbers, NaN and ±Infinity as strings (JSON has no such numbers). */
export type Real = number | 'NaN' | 'Infinity' | '-Infinity';

/** A `Real` as a number again (NaN, Infinity, -Infinity included). */
export const fromReal = (x: Real): number => (typeof x === 'number' ? x : Number(x));
