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

/** Fragments F0…F(levels−1) on Query: F0 asks for the studies' ids, each next one spreads the one before `fan` times. */
function nestedFragments(levels: number, fan: number): string {
  const defs = ['fragment F0 on Query { studies { id } }'];
  for (let k = 1; k < levels; k++) defs.push(`fragment F${k} on Query { ${`...F${k - 1} `.repeat(fan)}}`);
  return `query { ...F${levels - 1} } ${defs.join(' ')}`;
}

const complexityOf = async (query: string): Promise<number> => {
  try {
    await check(query, {}, { ...DEFAULT_LIMITS, maxComplexity: 0 });
  } catch (e) {
    if (e instanceof BasinError) return e.extensions.complexity as number;
    throw e;
  }
  throw new Error('a query with a cost was not refused at maxComplexity 0');
};

test('a fragment is costed once however often it is spread: the same cost as written out, and no blow-up', {
  timeout: 10_000, // before, ten levels of ten spreads each walked 10^10 fields (hours)
}, async () => {
  // invariance: spreading fragments costs exactly what the same fields written out do
  const inlined = `query { ${'studies { id } '.repeat(9)}}`;
  assert.equal(await complexityOf(nestedFragments(3, 3)), await complexityOf(inlined));
  // the exponential query (~1 KB) is refused, its cost in closed form: 10^9 spreads of F0 (11 each: 1 + 10 × 1)
  const huge = nestedFragments(10, 10);
  assert.ok(huge.length < 1500);
  await assert.rejects(
    () => check(huge),
    (e: unknown) =>
      e instanceof BasinError && e.code === 'BAD_USER_INPUT' && e.extensions.complexity === 11 * 10 ** 9,
  );
});

test('a fragment that reaches deep counts its depth at every spread', async () => {
  const deep = `query { a: checkpoint(id: "1") { ...P } } fragment P on Checkpoint { ${'parent { '.repeat(11)}id${' }'.repeat(11)} }`;
  await assert.rejects(() => check(deep), /depth 13 is over the limit of 12/);
  await check(
    `query { a: checkpoint(id: "1") { ...P } } fragment P on Checkpoint { ${'parent { '.repeat(5)}id${' }'.repeat(5)} }`,
  );
});
