import { ConfigError } from '@basin/db';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Identity } from './auth';
import { BasinError } from './errors';

/** How many GraphQL operations one API token may send per window. */
export interface RateLimit {
  requests: number;
  perSeconds: number;
}

/**
 * The default per-token budget: 600 operations a minute (10 a second sustained), HTTP requests and WebSocket
 * subscriptions counted together. Enough for a script paging through every run of a study; a loop that hammers
 * the API gets RATE_LIMITED with a Retry-After instead of slowing every other team down.
 */
export const DEFAULT_RATE_LIMIT: RateLimit = { requests: 600, perSeconds: 60 };

/**
 * BASIN_RATE_LIMIT: `<requests>/<seconds>s` (e.g. `600/60s`, `20/1s`), or `off`. Unset: {@link DEFAULT_RATE_LIMIT}.
 * @throws ConfigError naming the variable and the expected form.
 */
export function rateLimitFromEnv(env: NodeJS.ProcessEnv): RateLimit | null {
  const raw = env.BASIN_RATE_LIMIT?.trim();
  if (!raw) return DEFAULT_RATE_LIMIT;
  if (raw === 'off') return null;
  const m = /^([1-9][0-9]{0,6})\/([1-9][0-9]{0,5})s$/.exec(raw);
  if (!m)
    throw new ConfigError(
      `BASIN_RATE_LIMIT must be '<requests>/<seconds>s' (e.g. '600/60s') or 'off', got '${raw}'`,
    );
  return { requests: Number(m[1]), perSeconds: Number(m[2]) };
}

/**
 * Per-token request budgets, kept in this API process's memory (rate-limiter-flexible's fixed window). Single-user
 * mode (no token) is not limited: it serves loopback only. Several API processes each keep their own budget.
 */
export class TokenRateLimiter {
  private readonly limiter: RateLimiterMemory | null;

  constructor(readonly limit: RateLimit | null) {
    this.limiter = limit
      ? new RateLimiterMemory({ points: limit.requests, duration: limit.perSeconds })
      : null;
  }

  /** Spends one operation of the caller's budget. @throws BasinError RATE_LIMITED (with `retryAfter`, seconds). */
  async take(identity: Identity): Promise<void> {
    if (!this.limiter || identity.tokenId === null) return;
    try {
      await this.limiter.consume(identity.tokenId);
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      const retryAfter = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
      throw new BasinError(
        'RATE_LIMITED',
        `this API token sent more than ${this.limit!.requests} operations in ${this.limit!.perSeconds} s; retry after ${retryAfter} s`,
        { extensions: { retryAfter }, http: true },
      );
    }
  }
}
