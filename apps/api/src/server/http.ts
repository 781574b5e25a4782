import type { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ping } from '@basin/db';
import cors from 'cors';
import express, { type ErrorRequestHandler, type Express } from 'express';
import { type AuthConfig, identify } from '../auth';
import { type Context, type ContextDeps, createContext } from '../context';
import { originAllowed, originRefusal } from '../origins';

/** The Express app: `GET /healthz` (checks the database) and Apollo on `/graphql`. */
export function httpApp(
  apollo: ApolloServer<Context>,
  deps: ContextDeps,
  auth: AuthConfig,
  logError: (message: string, err: unknown) => void,
  origins: readonly string[],
): Express {
  const web = express();
  web.disable('x-powered-by');
  web.use((req, res, next) => {
    const origin = req.headers.origin;
    if (originAllowed(origins, origin)) return next();
    res
      .status(403)
      .json({ errors: [{ message: originRefusal(origin!), extensions: { code: 'FORBIDDEN' } }] });
  });
  web.use(cors({ origin: [...origins] }));
  web.get('/healthz', async (_req, res) => {
    try {
      await ping(deps.sql);
      res.json({ status: 'ok', database: 'ok' });
    } catch (err) {
      logError('health check: database unreachable', err);
      res.status(503).json({ status: 'error', database: 'unreachable' });
    }
  });
  web.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) =>
        createContext(deps, await identify(deps.sql, auth, req.headers.authorization)),
    }),
  );
  web.use(jsonErrors(logError));
  return web;
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
