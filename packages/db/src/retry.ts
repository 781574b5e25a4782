/**
 * Riding out a database that went away for a while (a PostgreSQL restart or failover, a network blip): which
 * errors mean "the connection was lost" rather than "the statement is wrong", and retrying through them.
 */

/** postgres.js' own connection codes, Node's socket errors, and the SQLSTATEs of a server going away. */
const CONNECTION_LOSS = new Set([
  // postgres.js
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  // sockets
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  // SQLSTATE class 08 (connection exception) and 57P01–57P03 (admin shutdown, crash shutdown, cannot connect now)
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '57P01',
  '57P02',
  '57P03',
]);

/** True when `err` says the connection to the database was lost or refused, not that the statement failed. */
export function isConnectionLoss(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_LOSS.has(code)) return true;
    if (e instanceof AggregateError && e.errors.some(isConnectionLoss)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** The database stayed away longer than a caller was prepared to wait. */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
}

/** How long {@link retryWhileDatabaseAway} keeps trying by default: two minutes, a server restart with room. */
export const DATABASE_OUTAGE_MS = 120_000;

/**
 * Runs `fn`, and while it fails because the connection is lost, waits (100 ms doubling to 5 s) and runs it again,
 * for at most `maxWaitMs`. Any other error is thrown at once. `fn` must be safe to repeat: an idempotent write, or a
 * transaction (rolled back by the server when its connection dies).
 * @throws DatabaseUnavailableError naming `what` and the last error once `maxWaitMs` has passed.
 */
export async function retryWhileDatabaseAway<T>(
  what: string,
  fn: () => Promise<T>,
  options: {
    maxWaitMs?: number;
    onRetry?: (err: unknown, attempt: number) => void;
    signal?: AbortSignal;
  } = {},
): Promise<T> {
  const maxWaitMs = options.maxWaitMs ?? DATABASE_OUTAGE_MS;
  const t0 = Date.now();
  let delay = 100;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isConnectionLoss(err) || options.signal?.aborted) throw err;
      const waited = Date.now() - t0;
      if (waited >= maxWaitMs) {
        throw new DatabaseUnavailableError(
          `the database was unreachable for ${Math.round(waited / 1000)} s while ${what}: ${(err as Error).message}`,
          { cause: err },
        );
      }
      options.onRetry?.(err, attempt);
      await new Promise((r) => setTimeout(r, Math.min(delay, maxWaitMs - waited)));
      delay = Math.min(delay * 2, 5_000);
    }
  }
}
