/** The GraphQL endpoint the server uses (SSR), read at request time: BASIN_API_URL. */
export function apiUrl(): string {
  return process.env.BASIN_API_URL?.trim() || 'http://localhost:4000/graphql';
}

/**
 * The endpoint the browser uses: BASIN_PUBLIC_API_URL when the server reaches the API by an address browsers
 * cannot (`http://api:4000/graphql` inside Docker Compose), else the same as the server's.
 */
export function publicApiUrl(): string {
  return process.env.BASIN_PUBLIC_API_URL?.trim() || apiUrl();
}
