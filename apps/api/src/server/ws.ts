import type { Server } from 'node:http';
import { liveTokenIds } from '@basin/db';
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
import { type WebSocket, WebSocketServer } from 'ws';
import { type AuthConfig, type Identity, identify } from '../auth';
import { type ContextDeps, createContext } from '../context';
import { BasinError, formatError } from '../errors';
import { checkLimits, type Limits } from '../limits';
import { originAllowed, originRefusal } from '../origins';
import type { TokenRateLimiter } from '../rate-limit';
import { sharedSubscribe } from '../shared-execute';

/**
 * Close code for a socket whose token stopped authenticating (graphql-ws' Forbidden: its client does not
 * reconnect with the same token).
 */
export const TOKEN_GONE_CLOSE_CODE = 4403;

/** The largest WebSocket message the API reads, as the HTTP body limit (1 MiB). */
export const MAX_WS_MESSAGE_BYTES = 1024 * 1024;

/** How often the tokens behind open sockets are checked again (revocation and expiry), by default. */
export const TOKEN_RECHECK_MS = 2_000;

/**
 * graphql-ws on the HTTP server's `/graphql`: `connection_init` carries `{ authorization: "Bearer …" }`; each
 * subscription is parsed, validated, checked against the limits and scoped to the caller's team like a query.
 * A missing or bad token fails each operation with UNAUTHENTICATED (the socket stays open, so the client can tell).
 * Every `tokenRecheckMs` the tokens of open sockets are looked up again (one query): a socket whose token was
 * revoked or has expired is closed with {@link TOKEN_GONE_CLOSE_CODE}, ending its subscriptions. Each subscribe
 * spends one operation of the token's rate limit.
 * @returns a function that closes every socket.
 */
export function attachGraphqlWs(
  server: Server,
  schema: GraphQLSchema,
  deps: ContextDeps,
  auth: AuthConfig,
  limits: Limits,
  logError: (message: string, err: unknown) => void,
  options: {
    introspection: boolean;
    origins: readonly string[];
    rateLimiter: TokenRateLimiter;
    tokenRecheckMs?: number;
  },
): () => Promise<void> {
  // the same introspection policy as the HTTP path (Apollo's `introspection`, set from the same flag)
  const rules = options.introspection ? specifiedRules : [...specifiedRules, NoSchemaIntrospectionCustomRule];
  const wss = new WebSocketServer({
    server,
    path: '/graphql',
    // a frame over this closes the socket with 1009 (ws' default would buffer up to 100 MiB per message)
    maxPayload: MAX_WS_MESSAGE_BYTES,
    // browsers always send Origin on a WebSocket: a foreign page's handshake is refused before it is upgraded
    verifyClient: (
      { origin }: { origin?: string },
      done: (ok: boolean, code?: number, message?: string) => void,
    ) =>
      originAllowed(options.origins, origin || undefined)
        ? done(true)
        : done(false, 403, originRefusal(origin ?? '')),
  });
  // graphql-transport-ws is a text protocol, but graphql-ws reads a binary frame as if it were text (String(buffer)),
  // so a binary frame holding JSON would be served. Registered before useServer's own handler, this refuses binary
  // frames before graphql-ws sees them: the socket's `message` listeners are wrapped to drop them and close with
  // 4400. (ws has no option for this, and an EventEmitter listener cannot stop the ones after it.)
  wss.on('connection', (socket: WebSocket) => {
    const on = socket.on.bind(socket);
    socket.on = ((event: string, listener: (...args: unknown[]) => void) => {
      if (event !== 'message') return on(event as 'close', listener as () => void);
      return on('message', (data, isBinary) => {
        if (isBinary) socket.close(4400, 'binary frames are not part of graphql-transport-ws; send text');
        else listener(data, isBinary);
      });
    }) as typeof socket.on;
  });
  const identities = new WeakMap<object, Identity | BasinError>();
  // the open sockets that authenticated with a token, for the revocation/expiry check
  const tokenSockets = new Map<WebSocket, { tokenId: string; expiresAt: Date | null }>();
  let rechecking = false;
  const recheck = async () => {
    if (rechecking || tokenSockets.size === 0) return;
    rechecking = true;
    try {
      const now = Date.now();
      const live = await liveTokenIds(deps.sql, [
        ...new Set([...tokenSockets.values()].map((t) => t.tokenId)),
      ]);
      for (const [socket, t] of tokenSockets) {
        const expired = t.expiresAt !== null && t.expiresAt.getTime() <= now;
        if (live.has(t.tokenId) && !expired) continue;
        tokenSockets.delete(socket);
        socket.close(TOKEN_GONE_CLOSE_CODE, expired ? 'API token expired' : 'API token revoked or expired');
      }
    } catch (err) {
      logError('checking the tokens of open subscriptions failed (will retry)', err);
    } finally {
      rechecking = false;
    }
  };
  const recheckTimer = setInterval(() => void recheck(), options.tokenRecheckMs ?? TOKEN_RECHECK_MS);
  recheckTimer.unref();
  const formatAll = (errors: readonly GraphQLError[] | readonly GraphQLFormattedError[]) =>
    errors.map((e) => formatError(e instanceof GraphQLError ? e.toJSON() : e, e, logError));
  const disposable = useServer(
    {
      schema,
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const header = (params.authorization ?? params.Authorization) as string | undefined;
        try {
          const who = await identify(deps.sql, auth, header);
          identities.set(ctx, who);
          if (who.tokenId !== null) {
            const socket = (ctx.extra as { socket: WebSocket }).socket;
            tokenSockets.set(socket, { tokenId: who.tokenId, expiresAt: who.expiresAt });
            socket.once('close', () => tokenSockets.delete(socket));
          }
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
        try {
          await options.rateLimiter.take(who);
        } catch (err) {
          if (!(err instanceof BasinError)) throw err;
          return [err];
        }
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
    clearInterval(recheckTimer);
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
