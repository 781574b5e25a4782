import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../context';
import { BasinError } from '../errors';
import { checkLimits, type Limits } from '../limits';

/**
 * Apollo plugin run once the operation is known (variables included): depth and complexity limits, subscriptions
 * sent over HTTP, and mutations with a read-only token are refused before anything executes.
 */
export function limitsPlugin(limits: Limits): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operationName, request, operation, contextValue, schema }) {
          checkLimits(schema, document, operationName, request.variables, limits);
          if (operation?.operation === 'subscription') {
            throw new BasinError(
              'BAD_USER_INPUT',
              'subscriptions run over WebSocket (graphql-ws) at this URL',
              {
                http: true,
              },
            );
          }
          if (operation?.operation === 'mutation' && contextValue.identity.scope !== 'write') {
            throw new BasinError(
              'FORBIDDEN',
              'this API token is read-only; mutations need a token with write scope',
              {
                http: true,
              },
            );
          }
        },
      };
    },
  };
}
