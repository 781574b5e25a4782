import type { Server } from 'node:http';
import {
  type ExecutionArgs,
  GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  getOperationAST,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { type AuthConfig, type Identity, identify } from '../auth';
import { type ContextDeps, createContext } from '../context';
import { BasinError, formatError } from '../errors';
import { checkLimits, type Limits } from '../limits';
import { originAllowed, originRefusal } from '../origins';
import { sharedSubscribe } from '../shared-execute';

/**
 * graphql-ws on the HTTP server's `/graphql`: `connection_init` carries `{ authorization: "Bearer …" }`; each
 * subscription is parsed, validated, checked against the limits and scoped to the caller's team like a query.
 * A missing or bad token fails each operation with UNAUTHENTICATED (the socket stays open, so the client can tell).
 * @returns a function that closes every socket.
 */
export function attachGraphqlWs(
  server: Server,
  schema: GraphQLSchema,
  deps: ContextDeps,
  auth: AuthConfig,
  limits: Limits,
  logError: (message: string, err: unknown) => void,
  options: { introspection: boolean; origins: readonly string[] },
): () => Promise<void> {
  // the same introspection policy as the HTTP path (Apollo's `introspection`, set from the same flag)
  const rules = options.introspection ? specifiedRules : [...specifiedRules, NoSchemaIntrospectionCustomRule];
  const wss = new WebSocketServer({
    server,
    path: '/graphql',
    // browsers always send Origin on a WebSocket: a foreign page's handshake is refused before it is upgraded
    verifyClient: (
      { origin }: { origin?: string },
      done: (ok: boolean, code?: number, message?: string) => void,
    ) =>
      originAllowed(options.origins, origin || undefined)
        ? done(true)
        : done(false, 403, originRefusal(origin ?? '')),
  });
  const identities = new WeakMap<object, Identity | BasinError>();
  const formatAll = (errors: readonly GraphQLError[] | readonly GraphQLFormattedError[]) =>
    errors.map((e) => formatError(e instanceof GraphQLError ? e.toJSON() : e, e, logError));
  const disposable = useServer(
    {
      schema,
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const header = (params.authorization ?? params.Authorization) as string | undefined;
        try {
          identities.set(ctx, await identify(deps.sql, auth, header));
        } catch (err) {
          if (!(err instanceof BasinError)) throw err;
          identities.set(ctx, err);
        }
        return true;
      },
      onSubscribe: async (ctx, _id, payload): Promise<ExecutionArgs | readonly GraphQLError[]> => {
        const who = identities.get(ctx);
        if (!who) return [new BasinError('UNAUTHENTICATED', 'connection is not initialised')];
        if (who instanceof BasinError) return [who];
        let document: ReturnType<typeof parse>;
        try {
          document = parse(payload.query);
        } catch (err) {
          return [withCode(err as GraphQLError, 'GRAPHQL_PARSE_FAILED')];
        }
        const errors = validate(schema, document, rules);
        if (errors.length > 0) return errors.map((e) => withCode(e, 'GRAPHQL_VALIDATION_FAILED'));
        try {
          checkLimits(schema, document, payload.operationName, payload.variables, limits);
        } catch (err) {
          return [err as BasinError];
        }
        const op = getOperationAST(document, payload.operationName);
        if (op?.operation === 'mutation' && who.scope !== 'write') {
          return [
            new BasinError(
              'FORBIDDEN',
              'this API token is read-only; mutations need a token with write scope',
            ),
          ];
        }
        return {
          schema,
          document,
          operationName: payload.operationName ?? null,
          variableValues: payload.variables ?? null,
          contextValue: {
            ...createContext(deps, who),
            // subscribers with the same key share one execution per event (see sharedSubscribe)
            operationKey: `${who.teamId}\u0000${payload.query}\u0000${JSON.stringify(payload.variables ?? {})}\u0000${payload.operationName ?? ''}`,
          },
        };
      },
      subscribe: sharedSubscribe,
      onError: (_ctx, _id, _payload, errors) => formatAll(errors),
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: formatAll(result.errors) } : undefined,
    },
    wss,
  );
  return async () => {
    await disposable.dispose();
  };
}

/** The same error with the code Apollo gives it over HTTP (graphql-js leaves parse/validation errors without). */
function withCode(e: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(e.message, {
    nodes: e.nodes,
    source: e.source,
    positions: e.positions,
    extensions: { code },
  });
}
