import type { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ping } from '@basin/db';
import cors from 'cors';
import express, { type ErrorRequestHandler, type Express } from 'express';
import { type AuthConfig, type Identity, identify } from '../auth';
import { type Context, type ContextDeps, createContext } from '../context';
import { BasinError } from '../errors';
import { originAllowed, originRefusal } from '../origins';
import type { TokenRateLimiter } from '../rate-limit';

/**
 * The Express app: `GET /healthz` (checks the database) and Apollo on `/graphql`. A caller over its token's rate
 * limit gets HTTP 429 with `Retry-After` and a RATE_LIMITED error before its operation is parsed.
 */
export function httpApp(
  apollo: ApolloServer<Context>,
  deps: ContextDeps,
  auth: AuthConfig,
  logError: (message: string, err: unknown) => void,
  origins: readonly string[],
  rateLimiter: TokenRateLimiter,
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
    async (req, res, next) => {
      // who is calling, once per request: a bad token is Apollo's to answer (401 from the context function);
      // a good one spends its budget here, so a flood is refused before parsing or touching the database further
      let who: Identity | BasinError;
      try {
        who = await identify(deps.sql, auth, req.headers.authorization);
        await rateLimiter.take(who);
      } catch (err) {
        if (!(err instanceof BasinError)) return next(err);
        if (err.code === 'RATE_LIMITED') {
          res.setHeader('Retry-After', String(err.extensions.retryAfter));
          res.status(429).json({
            errors: [
              {
                message: err.message,
                extensions: { code: err.code, retryAfter: err.extensions.retryAfter },
              },
            ],
          });
          return;
        }
        who = err;
      }
      res.locals.identity = who;
      next();
    },
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ res }) => {
        const who = res.locals.identity as Identity | BasinError;
        if (who instanceof BasinError) throw who;
        return createContext(deps, who);
      },
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
          ? 'request body is not a JSON object ({"query": "…", "variables": {…}})'
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
