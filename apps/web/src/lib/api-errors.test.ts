import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CombinedError } from '@urql/core';
import { GraphQLError } from 'graphql';
import { fieldErrors } from './api-errors';

test('API errors that name a field land on that field; the rest are shown above the form', () => {
  const error = new CombinedError({
    graphQLErrors: [
      new GraphQLError('input.initCheckpointId: expected an id, got "x"', {
        extensions: { code: 'BAD_USER_INPUT', field: 'input.initCheckpointId' },
      }),
      new GraphQLError('input.params.examples: expected an integer', {
        extensions: { field: 'input.params.examples' },
      }),
      new GraphQLError('not allowed', { extensions: { code: 'FORBIDDEN' } }),
    ],
  });
  const out = fieldErrors(error);
  assert.deepEqual(Object.keys(out.fields).sort(), ['examples', 'initCheckpointId']);
  assert.deepEqual(out.other, ['not allowed']);
  assert.deepEqual(fieldErrors(null), { fields: {}, other: [] });
});
