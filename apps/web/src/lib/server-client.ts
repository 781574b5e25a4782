import { cacheExchange, createClient, fetchExchange } from '@urql/core';
import { registerUrql } from '@urql/next/rsc';
import { apiUrl } from './api-url';

/**
 * urql for server components: one client per request (React's cache), POST only (Apollo's CSRF guard), nothing
 * cached across requests, so server-rendered lists are always current.
 */
export const { getClient: serverClient } = registerUrql(() =>
  createClient({
    url: apiUrl(),
    preferGetMethod: false,
    requestPolicy: 'network-only',
    exchanges: [cacheExchange, fetchExchange],
    fetchOptions: { cache: 'no-store' },
  }),
);
