import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'graphql';
import { BasinError } from './errors';
import { checkLimits, DEFAULT_LIMITS } from './limits';
import { basinSchema } from './schema';

const check = async (query: string, variables: Record<string, unknown> = {}, limits = DEFAULT_LIMITS) =>
  checkLimits(await basinSchema(), parse(query), undefined, variables, limits);

test('an ordinary query passes', async () => {
  await check(
    '{ runs(first: 50) { edges { node { id dataset { name } model { name } checkpoints { id } } } } }',
  );
});

test('a query nested deeper than the limit is refused with BAD_USER_INPUT', async () => {
  const deep = `{ checkpoint(id: "1") { ${'children { '.repeat(12)}id${' }'.repeat(12)} } }`;
  await assert.rejects(
    () => check(deep),
    (e: unknown) =>
      e instanceof BasinError &&
      e.code === 'BAD_USER_INPUT' &&
      /depth 14 is over the limit of 12/.test(e.message),
  );
});

test('list sizes multiply: 100 runs × 10 children × 10 … is over the complexity limit, variables included', async () => {
  const q = `query($n: Int!) { runs(first: $n) { edges { node { checkpoints { children { runsStartedFrom { checkpoints { id step epoch } } } } } } } }`;
  await assert.rejects(
    () => check(q, { n: 100 }),
    (e: unknown) => e instanceof BasinError && /complexity \d+ is over the limit/.test(e.message),
  );
  const shallow =
    'query($n: Int!) { runs(first: $n) { edges { node { checkpoints { children { id } } } } } }';
  await check(shallow, { n: 100 }); // 100 × (1 + 10 × (1 + 10)) is fine
});

test('fragments are followed and introspection is free', async () => {
  await check(
    '{ __schema { types { name fields { name type { ofType { ofType { ofType { name } } } } } } } }',
  );
  const deep = `query { ...F } fragment F on Query { checkpoint(id: "1") { ${'parent { '.repeat(12)}id${' }'.repeat(12)} } }`;
  await assert.rejects(() => check(deep), /depth/);
});
