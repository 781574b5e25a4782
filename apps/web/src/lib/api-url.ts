/** The GraphQL endpoint, read from the server's environment at request time (BASIN_API_URL). */
export function apiUrl(): string {
  return process.env.BASIN_API_URL?.trim() || 'http://localhost:4000/graphql';
}
