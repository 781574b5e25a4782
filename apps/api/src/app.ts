import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  BlobStore,
  createEventBus,
  dataRoots,
  type EventBus,
  isWildcardHost,
  LOOPBACK_HOST,
  resolveBasinHome,
  type Sql,
  urlHostOf,
} from '@basin/db';
import type { GraphQLFormattedError } from 'graphql';
import { type AuthConfig, identify } from './auth';
import { type Context, createContext } from './context';
import { formatError } from './errors';
import { DEFAULT_LIMITS, type Limits } from './limits';
import { LiveEvents } from './live';
import { allowedOrigins } from './origins';
import { type RateLimit, rateLimitFromEnv, TokenRateLimiter } from './rate-limit';
import { basinSchema } from './schema';
import { httpApp } from './server/http';
import { limitsPlugin } from './server/limits.plugin';
import { attachGraphqlWs } from './server/ws';

/** Where log lines go; main.ts passes the service logger, tests pass nothing (silent). */
export interface Logger {
  info(message: string): void;
  error(message: string, err?: unknown): void;
}

/** What {@link createApp} needs: the database pool and how callers authenticate; the rest has defaults. */
export interface AppConfig {
  /** The database pool (postgres.js). The app does not close it. */
  sql: Sql;
  auth: AuthConfig;
  /** Event bus the runners publish on. Default: `createEventBus(sql)` (closed on stop). */
  bus?: EventBus;
  /** TCP port; 0 picks a free one. Default 4000. */
  port?: number;
  /** Interface to listen on. Default loopback (127.0.0.1): main.ts decides with @basin/db's resolveBindHost. */
  host?: string;
  limits?: Partial<Limits>;
  logger?: Logger;
  /** Whether the schema may be introspected (HTTP and WebSocket alike). Default: unless NODE_ENV is production. */
  introspection?: boolean;
  /** The blob store imported weights must be in. Default: `<BASIN_HOME>/blobs`, as the runners use. */
  blobs?: BlobStore;
  /** Origins whose browser pages may call the API. Default: the dashboard's and BASIN_ALLOWED_ORIGINS. */
  allowedOrigins?: readonly string[];
  /** Folders datasets may be registered in. Default: BASIN_DATA_ROOTS. */
  dataRoots?: readonly string[];
  /** Operations per token per window; null: unlimited. Default: BASIN_RATE_LIMIT, else DEFAULT_RATE_LIMIT. */
  rateLimit?: RateLimit | null;
  /** How often open WebSocket connections' tokens are checked for revocation and expiry. Default 2 s. */
  tokenRecheckMs?: number;
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
  const deps = {
    sql,
    bus,
    live,
    dataRoots: config.dataRoots ?? dataRoots(process.env),
    blobs: config.blobs ?? new BlobStore(join(resolveBasinHome(process.env), 'blobs')),
  };
  const introspection = config.introspection ?? process.env.NODE_ENV !== 'production';
  const origins = config.allowedOrigins ?? allowedOrigins(process.env);
  const logError = (message: string, err: unknown) => logger.error(message, err);
  const rateLimiter = new TokenRateLimiter(
    config.rateLimit === undefined ? rateLimitFromEnv(process.env) : config.rateLimit,
  );

  const httpServer: Server = createServer();
  let closeWs: (() => Promise<void>) | null = null;
  let apollo: Promise<ApolloServer<Context>> | null = null;
  let url = '';

  const ensureApollo = () => {
    apollo ??= (async () => {
      const server = new ApolloServer<Context>({
        schema: await basinSchema(),
        introspection,
        includeStacktraceInErrorResponses: false,
        formatError: (formatted, error) => formatError(formatted, error, logError),
        plugins: [
          ApolloServerPluginDrainHttpServer({ httpServer }),
          limitsPlugin(limits),
          {
            async serverWillStart() {
              return {
                async drainServer() {
                  await closeWs?.();
                },
              };
            },
          },
        ],
      });
      await server.start();
      return server;
    })();
    return apollo;
  };

  return {
    live,
    get url() {
      return url;
    },

    async start() {
      const server = await ensureApollo();
      httpServer.on('request', httpApp(server, deps, auth, logError, origins, rateLimiter));
      closeWs = attachGraphqlWs(httpServer, await basinSchema(), deps, auth, limits, logError, {
        introspection,
        origins,
        rateLimiter,
        tokenRecheckMs: config.tokenRecheckMs,
      });
      const port = config.port ?? 4000;
      const bound = config.host ?? LOOPBACK_HOST;
      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, bound, () => {
          httpServer.off('error', reject);
          resolve();
        });
      });
      const address = httpServer.address() as AddressInfo;
      url = `http://${isWildcardHost(bound) ? 'localhost' : urlHostOf(bound)}:${address.port}/graphql`;
    },

    async stop() {
      const server = apollo;
      apollo = null;
      if (server) await (await server).stop(); // drains HTTP, closes the WebSocket server
      if (httpServer.listening) await new Promise((r) => httpServer.close(r));
      await live.close();
      if (ownBus) await bus.close();
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
}
