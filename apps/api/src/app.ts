import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import { createEventBus, type EventBus, type Sql } from '@basin/db';
import cors from 'cors';
import express, { type ErrorRequestHandler } from 'express';
import {
  type ExecutionArgs,
  GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  getOperationAST,
  parse,
  validate,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { type AuthConfig, type Identity, identify } from './auth';
import { type Context, createContext } from './context';
import { BasinError, formatError } from './errors';
import { checkLimits, DEFAULT_LIMITS, type Limits } from './limits';
import { LiveEvents } from './live';
import { basinSchema } from './schema';
import { sharedSubscribe } from './shared-execute';

/** Where log lines go; main.ts passes the console, tests pass nothing (silent). */
export interface Logger {
  info(message: string): void;
  error(message: string, err?: unknown): void;
}

export interface AppConfig {
  /** The database pool (postgres.js). The app does not close it. */
  sql: Sql;
  auth: AuthConfig;
  /** Event bus the runners publish on. Default: `createEventBus(sql)` (closed on stop). */
  bus?: EventBus;
  /** TCP port; 0 picks a free one. Default 4000. */
  port?: number;
  /** Interface to listen on. Default all interfaces. */
  host?: string;
  limits?: Partial<Limits>;
  logger?: Logger;
}

/** A built API server: start listening, stop (drains HTTP and WebSocket clients), and where it listens. */
export interface App {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** `http://host:port/graphql` once started. */
  readonly url: string;
  /** Runs an operation in-process (Apollo `executeOperation`) as the holder of `authorization`. */
  execute(
    query: string,
    variables?: Record<string, unknown>,
    authorization?: string,
  ): Promise<{ data?: Record<string, unknown> | null; errors?: readonly GraphQLFormattedError[] }>;
  /** The live-event relay (exposed for tests and metrics). */
  readonly live: LiveEvents;
}

const silent: Logger = { info: () => {}, error: () => {} };

/**
 * Builds Basin's API: Apollo Server 5 over Express 5 on `/graphql`, graphql-ws on the same port and path,
 * `GET /healthz`. Every operation is scoped to the caller's team and checked against depth/complexity limits.
 */
export function createApp(config: AppConfig): App {
  const { sql, auth } = config;
  const logger = config.logger ?? silent;
  const limits: Limits = { ...DEFAULT_LIMITS, ...config.limits };
  const ownBus = !config.bus;
  const bus = config.bus ?? createEventBus(sql);
  const live = new LiveEvents(bus);
  const deps = { sql, bus, live };
  const logError = (message: string, err: unknown) => logger.error(message, err);

  let httpServer: Server | null = null;
  let apollo: ApolloServer<Context> | null = null;
  let wsDispose: (() => Promise<void> | void) | null = null;
  let url = '';
  let ready: Promise<ApolloServer<Context>> | null = null;

  const limitsPlugin: ApolloServerPlugin<Context> = {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operationName, request, operation, contextValue, schema }) {
          checkLimits(schema, document, operationName, request.variables, limits);
          if (operation?.operation === 'subscription') {
            throw new BasinError(
              'BAD_USER_INPUT',
              'subscriptions run over WebSocket (graphql-ws) at this URL',
              {
                http: true,
              },
            );
          }
          if (operation?.operation === 'mutation' && contextValue.identity.scope !== 'write') {
            throw new BasinError(
              'FORBIDDEN',
              'this API token is read-only; mutations need a token with write scope',
              {
                http: true,
              },
            );
          }
        },
      };
    },
  };

  const build = async (schema: GraphQLSchema, server: Server) => {
    const a = new ApolloServer<Context>({
      schema,
      includeStacktraceInErrorResponses: false,
      formatError: (formatted, error) => formatError(formatted, error, logError),
      plugins: [
        ApolloServerPluginDrainHttpServer({ httpServer: server }),
        limitsPlugin,
        {
          async serverWillStart() {
            return {
              async drainServer() {
                await wsDispose?.();
              },
            };
          },
        },
      ],
    });
    await a.start();
    return a;
  };

  const ensureApollo = () => {
    ready ??= (async () => {
      const schema = await basinSchema();
      httpServer = createServer();
      apollo = await build(schema, httpServer);
      return apollo;
    })();
    return ready;
  };

  const app: App = {
    live,
    get url() {
      return url;
    },

    async start() {
      const server = await ensureApollo();
      const schema = await basinSchema();
      const http = httpServer!;
      const web = express();
      web.disable('x-powered-by');
      web.use(cors());
      web.get('/healthz', async (_req, res) => {
        try {
          await sql`select 1`;
          res.json({ status: 'ok', database: 'ok' });
        } catch (err) {
          logError('health check: database unreachable', err);
          res.status(503).json({ status: 'error', database: 'unreachable' });
        }
      });
      web.use(
        '/graphql',
        express.json({ limit: '1mb' }),
        expressMiddleware(server, {
          context: async ({ req }) =>
            createContext(deps, await identify(sql, auth, req.headers.authorization)),
        }),
      );
      web.use(jsonErrors(logError));
      http.on('request', web);

      const wss = new WebSocketServer({ server: http, path: '/graphql' });
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
              identities.set(ctx, await identify(sql, auth, header));
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
            const errors = validate(schema, document);
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
      wsDispose = async () => {
        await disposable.dispose();
      };

      const port = config.port ?? 4000;
      await new Promise<void>((resolve, reject) => {
        http.once('error', reject);
        http.listen(port, config.host, () => {
          http.off('error', reject);
          resolve();
        });
      });
      const address = http.address() as AddressInfo;
      const host =
        !config.host || config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
      url = `http://${host}:${address.port}/graphql`;
    },

    async stop() {
      if (apollo) await apollo.stop(); // drains HTTP, closes the WebSocket server
      if (httpServer?.listening) await new Promise((r) => httpServer!.close(r));
      await live.close();
      if (ownBus) await bus.close();
      apollo = null;
      ready = null;
    },

    async execute(query, variables, authorization) {
      const server = await ensureApollo();
      const identity = await identify(sql, auth, authorization);
      const res = await server.executeOperation(
        { query, variables },
        { contextValue: createContext(deps, identity) },
      );
      if (res.body.kind !== 'single') throw new Error('incremental delivery is not used by Basin');
      return res.body.singleResult as {
        data?: Record<string, unknown> | null;
        errors?: readonly GraphQLFormattedError[];
      };
    },
  };
  return app;
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

/** Express errors (a body that is not JSON, too large …) as GraphQL-shaped JSON, never an HTML stack trace. */
function jsonErrors(log: (m: string, e: unknown) => void): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    const status =
      typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) log('http error', err);
    const message =
      status === 500
        ? 'Internal server error'
        : err?.type === 'entity.parse.failed'
          ? 'request body is not valid JSON'
          : err?.type === 'entity.too.large'
            ? 'request body is over 1 MB'
            : String(err?.message ?? 'bad request');
    res.status(status).json({
      errors: [
        { message, extensions: { code: status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_USER_INPUT' } },
      ],
    });
  };
}
