'use client';

import { createClient as createWsClient } from 'graphql-ws';
import { type ReactNode, useMemo } from 'react';
import { Client, cacheExchange, type Exchange, fetchExchange, Provider, subscriptionExchange } from 'urql';

/** The API URL the server rendered into the page (BASIN_API_URL at request time, not at build time). */
export function wsUrl(apiUrl: string): string {
  return apiUrl.replace(/^http/, 'ws');
}

/**
 * urql for the browser: queries and mutations over HTTP POST (Apollo's CSRF guard refuses a GET without a
 * preflight header, so `preferGetMethod: false`), subscriptions over graphql-ws on the same URL.
 * @remarks On the server this renders with no fetch exchange: client views show their loading state in the HTML and
 * fetch in the browser; server components that want data use `serverClient()` instead.
 */
export function Providers({ apiUrl, children }: { apiUrl: string; children: ReactNode }) {
  // one client for the page's lifetime (the root layout never unmounts; no dispose, which React's strict-mode
  // double effects would otherwise call on a client still in use)
  const client = useMemo(() => {
    if (typeof window === 'undefined') {
      return new Client({ url: apiUrl, exchanges: [cacheExchange] });
    }
    const ws = createWsClient({
      url: wsUrl(apiUrl),
      lazy: true,
      retryAttempts: 1000,
      shouldRetry: () => true,
    });
    const subs: Exchange = subscriptionExchange({
      forwardSubscription(request) {
        const input = { ...request, query: request.query ?? '' };
        return {
          subscribe(sink) {
            const unsubscribe = ws.subscribe(input, sink);
            return { unsubscribe };
          },
        };
      },
    });
    return new Client({
      url: apiUrl,
      preferGetMethod: false,
      requestPolicy: 'cache-and-network',
      exchanges: [cacheExchange, fetchExchange, subs],
    });
  }, [apiUrl]);
  return <Provider value={client}>{children}</Provider>;
}
