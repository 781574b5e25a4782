import { print } from '@0no-co/graphql.web';
import type { TadaDocumentNode } from '@basin/schema';

/** A GraphQL error as the API sent it: message plus `extensions.code`. */
export class GraphQLRequestError extends Error {
  override name = 'GraphQLRequestError';
  constructor(
    message: string,
    readonly codes: string[],
  ) {
    super(message);
  }
}

/** How many times a request refused for the token's rate limit (HTTP 429) is retried after its Retry-After. */
const RATE_LIMIT_RETRIES = 3;

/**
 * The few lines of GraphQL-over-HTTP the CLI needs: POST (Apollo's CSRF guard refuses simple GETs), JSON in and out,
 * errors raised with their codes. A full client library would add nothing here.
 */
export class GraphQLClient {
  constructor(
    readonly url: string,
    private readonly token?: string,
  ) {}

  /** Sends a typed document (see `graphql` in ../graphql.ts); the result is typed by the schema. */
  async request<T, V>(
    document: TadaDocumentNode<T, V>,
    ...args: V extends Record<string, never> ? [] : [V]
  ): Promise<T> {
    const query = print(document);
    const variables = args[0] ?? {};
    let res: Response;
    for (let attempt = 1; ; attempt++) {
      try {
        res = await fetch(this.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
          },
          body: JSON.stringify({ query, variables }),
        });
      } catch (err) {
        throw new GraphQLRequestError(
          `cannot reach the Basin API at ${this.url} (${(err as Error).cause ?? (err as Error).message})`,
          ['UNREACHABLE'],
        );
      }
      // over the token's rate limit: wait as the API says (at most a minute a time, three times), then retry
      const wait = Number(res.headers.get('retry-after'));
      if (res.status !== 429 || attempt > RATE_LIMIT_RETRIES || !(wait > 0)) break;
      await res.body?.cancel();
      await new Promise((r) => setTimeout(r, Math.min(wait, 60) * 1000));
    }
    let body: { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
    try {
      body = (await res.json()) as typeof body;
    } catch {
      throw new GraphQLRequestError(`the Basin API at ${this.url} answered HTTP ${res.status} without JSON`, [
        'BAD_RESPONSE',
      ]);
    }
    if (body.errors?.length) {
      throw new GraphQLRequestError(
        body.errors.map((e) => e.message).join('; '),
        body.errors.map((e) => e.extensions?.code ?? 'UNKNOWN'),
      );
    }
    if (!body.data)
      throw new GraphQLRequestError(`the Basin API answered HTTP ${res.status} without data`, [
        'BAD_RESPONSE',
      ]);
    return body.data;
  }
}

/** Waits until `GET /healthz` next to the GraphQL endpoint answers 200. */
export async function waitForApi(
  graphqlUrl: string,
  signal: AbortSignal,
  timeoutMs = 120_000,
): Promise<void> {
  const health = new URL('/healthz', graphqlUrl).toString();
  const t0 = Date.now();
  while (!signal.aborted) {
    try {
      if ((await fetch(health)).ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() - t0 > timeoutMs)
      throw new Error(`the API at ${health} did not become healthy within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
