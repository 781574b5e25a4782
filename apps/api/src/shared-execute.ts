import {
  createSourceEventStream,
  type ExecutionArgs,
  type ExecutionResult,
  execute,
  type GraphQLError,
} from 'graphql';
import type { Context } from './context';

/** Subscription contexts carry a key naming what they select: same key, same result for the same event. */
export interface SharedKey {
  /** team + query text + variables + operation name */
  operationKey?: string;
}

const results = new WeakMap<object, Map<string, Promise<ExecutionResult> | ExecutionResult>>();

/**
 * graphql-ws's `subscribe`, with one execution per event shared by every subscriber whose operation has the same
 * key: 1,000 clients watching one run with the same query cost one execution per event, not 1,000.
 * @remarks Equivalent to graphql-js `subscribe` (source stream, then `execute` with the event as root value). The
 * key includes the team, and contexts of one team resolve the same rows, so sharing cannot leak across teams.
 */
export async function sharedSubscribe(
  args: ExecutionArgs,
): Promise<AsyncGenerator<ExecutionResult> | AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const stream = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in (stream as object))) return stream as ExecutionResult;
  const source = stream as AsyncIterableIterator<unknown>;
  const key = (args.contextValue as Context & SharedKey).operationKey;
  const run = (event: unknown) => execute({ ...args, rootValue: event });
  const resultFor = (event: unknown): Promise<ExecutionResult> | ExecutionResult => {
    if (!key || event === null || typeof event !== 'object') return run(event);
    let perEvent = results.get(event);
    if (!perEvent) {
      perEvent = new Map();
      results.set(event, perEvent);
    }
    let r = perEvent.get(key);
    if (!r) {
      r = run(event);
      perEvent.set(key, r);
    }
    return r;
  };
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      const n = await source.next();
      if (n.done) return { value: undefined, done: true };
      return { value: await resultFor(n.value), done: false };
    },
    async return() {
      await source.return?.();
      return { value: undefined, done: true };
    },
    async throw(err: unknown) {
      await source.return?.();
      throw err as GraphQLError;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
