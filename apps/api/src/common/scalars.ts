import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { GraphQLJSONObject } from 'graphql-scalars';

/** Free-form JSON objects (hyperparameters, specs, parameters). */
export const JSONObject = GraphQLJSONObject;

/** How a non-finite number travels in JSON, which has no NaN or infinities. */
const NON_FINITE = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
};
type NonFinite = keyof typeof NON_FINITE;

/** A number for JSON: finite as itself, NaN and ±Infinity as "NaN", "Infinity", "-Infinity". */
export const realToJson = (x: number): number | NonFinite =>
  Number.isFinite(x) ? x : Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';

function realFromJson(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v in NON_FINITE) return NON_FINITE[v as NonFinite];
  throw new GraphQLError(`Real must be a number, "NaN", "Infinity" or "-Infinity", got ${JSON.stringify(v)}`);
}

/**
 * A logged value: GraphQL's Float cannot carry NaN or ±Infinity, and a diverged loss is data that a chart must show
 * (Float would fail the whole query), so they travel as strings.
 */
export const Real = new GraphQLScalarType<number | NonFinite, number | NonFinite>({
  name: 'Real',
  description:
    'A float that may be NaN or infinite (a diverged loss is data): finite values as JSON numbers, the others as the strings "NaN", "Infinity" and "-Infinity".',
  serialize: (v) => realToJson(v as number),
  parseValue: (v) => realToJson(realFromJson(v)),
  parseLiteral: (ast) => {
    if (ast.kind === Kind.FLOAT || ast.kind === Kind.INT) return Number(ast.value);
    if (ast.kind === Kind.STRING) return realToJson(realFromJson(ast.value));
    throw new GraphQLError('Real must be a number or one of "NaN", "Infinity", "-Infinity"');
  },
});

/**
 * A column of a downsampled series as one JSON array.
 * @remarks Why a scalar and not `[Real!]`: graphql-js completes a list value element by element; a comparison of 20
 * runs × 1,000 buckets is ~80,000 values, which cost ~45 ms of the API's time as lists and a fraction of that as one
 * array per column.
 */
export const RealList = new GraphQLScalarType<readonly number[], (number | NonFinite)[]>({
  name: 'RealList',
  description:
    'A list of Real (finite numbers as JSON numbers; NaN and ±Infinity as "NaN", "Infinity", "-Infinity"), sent as one JSON array.',
  serialize: (v) => {
    const xs = v as readonly number[];
    const out = new Array<number | NonFinite>(xs.length);
    for (let i = 0; i < xs.length; i++) out[i] = realToJson(xs[i]!);
    return out;
  },
  parseValue: () => {
    throw new GraphQLError('RealList is an output type');
  },
  parseLiteral: () => {
    throw new GraphQLError('RealList is an output type');
  },
});

/** Integers of a downsampled series (steps, counts) as one JSON array; see {@link RealList}. */
export const IntList = new GraphQLScalarType<readonly number[], readonly number[]>({
  name: 'IntList',
  description: 'A list of integers (steps, counts), sent as one JSON array.',
  serialize: (v) => v as readonly number[],
  parseValue: () => {
    throw new GraphQLError('IntList is an output type');
  },
  parseLiteral: () => {
    throw new GraphQLError('IntList is an output type');
  },
});
