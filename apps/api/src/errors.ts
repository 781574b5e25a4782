import { GraphQLError, type GraphQLFormattedError } from 'graphql';

/** Every error code Basin's API gives clients. */
export const ERROR_CODES = [
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'RATE_LIMITED',
  'INTERNAL_SERVER_ERROR',
] as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];

const HTTP_STATUS: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  NOT_FOUND: 404,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  INTERNAL_SERVER_ERROR: 500,
};

/** Codes graphql-js and Apollo give to malformed requests; they are safe to show as they are. */
const REQUEST_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

/** An error meant for the client: its message is shown as is, with `extensions.code`. */
export class BasinError extends GraphQLError {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options: { cause?: unknown; extensions?: Record<string, unknown>; http?: boolean } = {},
  ) {
    super(message, {
      originalError: options.cause instanceof Error ? options.cause : undefined,
      extensions: {
        code,
        ...options.extensions,
        // Apollo uses (and strips) `http` when an error ends a request before execution
        ...(options.http ? { http: { status: HTTP_STATUS[code] } } : {}),
      },
    });
    this.name = 'BasinError';
  }
}

/** Bad input: names the field, the value and what was expected. */
export function badInput(field: string, value: unknown, expected: string): BasinError {
  return new BasinError(
    'BAD_USER_INPUT',
    `${field}: expected ${expected}, got ${JSON.stringify(value) ?? String(value)}`,
    { extensions: { field } },
  );
}

/** Unknown id, or an id of another team (the two are indistinguishable on purpose). */
export function notFound(what: string, id: string): BasinError {
  return new BasinError('NOT_FOUND', `${what} ${JSON.stringify(id)} not found`, { extensions: { id } });
}

/** Wraps anything unexpected; the message is masked before it reaches a client, `cause` is kept for the log. */
export function fromUnknown(err: unknown): BasinError {
  if (err instanceof BasinError) return err;
  return new BasinError('INTERNAL_SERVER_ERROR', 'Internal server error', { cause: err });
}

/** The innermost error a GraphQL error wraps (resolver errors arrive wrapped in a located GraphQLError). */
function original(error: unknown): unknown {
  let e = error;
  while (e instanceof GraphQLError && e.originalError && e.originalError !== e) e = e.originalError;
  return e;
}

/**
 * What a client sees of an error: Basin's own errors and malformed-request errors as they are; anything else
 * masked as INTERNAL_SERVER_ERROR (logged with an id the client can quote).
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  log: (message: string, err: unknown) => void,
): GraphQLFormattedError {
  const inner = original(error);
  const code = formatted.extensions?.code;
  if (inner instanceof BasinError && inner.code !== 'INTERNAL_SERVER_ERROR') {
    return { ...formatted, extensions: { ...stripStack(formatted.extensions), code: inner.code } };
  }
  // graphql-js and Apollo errors about the request itself (no underlying exception)
  if (typeof code === 'string' && REQUEST_ERROR_CODES.has(code) && inner instanceof GraphQLError) {
    return { ...formatted, extensions: stripStack(formatted.extensions) };
  }
  const errorId = Math.random().toString(36).slice(2, 10);
  log(`internal error ${errorId}`, inner instanceof BasinError ? (inner.originalError ?? inner) : inner);
  return {
    message: `Internal server error (id ${errorId})`,
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR', errorId },
  };
}

function stripStack(ext: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!ext) return {};
  const { stacktrace: _s, http: _h, ...rest } = ext;
  return rest;
}
