import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BasinEvent, EventBus, EventFilter } from '@basin/db';
import { LiveEvents } from './live';

/** A stand-in for the database event bus: records subscriptions, lets the test emit events. */
function stubBus() {
  const handlers: { filter: EventFilter; handler: (e: BasinEvent) => void }[] = [];
  const bus: EventBus = {
    async publish(e) {
      for (const h of handlers) h.handler(e);
    },
    async subscribe(filter, handler) {
      handlers.push({ filter, handler });
      return async () => {};
    },
    async close() {},
  };
  return { bus, handlers };
}

const progress = (runId: string, step: number, studyId: string | null = 's1'): BasinEvent => ({
  type: 'run.progress',
  runId,
  studyId,
  step,
  epoch: 0,
  metrics: {},
});

test('one bus subscription serves every GraphQL subscriber; events reach only their run or study', async () => {
  const { bus, handlers } = stubBus();
  const live = new LiveEvents(bus);
  const runA = await Promise.all(Array.from({ length: 1000 }, () => live.subscribe({ runId: '1' })));
  const runB = await live.subscribe({ runId: '2' });
  const study = await live.subscribe({ studyId: 's1' });
  assert.equal(handlers.length, 1, 'one bus subscription per process');
  assert.equal(live.size, 1002);
  await bus.publish(progress('1', 10));
  await bus.publish(progress('2', 20, null));
  for (const it of runA) assert.equal(((await it.next()).value as { step: number }).step, 10);
  assert.equal(((await runB.next()).value as { step: number }).step, 20);
  assert.equal(((await study.next()).value as { step: number }).step, 10, 'the run-2 event had no study');
  await Promise.all(runA.map((it) => it.return?.()));
  assert.equal(live.size, 2, 'unsubscribing detaches');
  await runB.return?.();
  await study.return?.();
  await live.close();
});

test('a subscriber that reads late gets buffered events in order; return() ends a pending next()', async () => {
  const { bus } = stubBus();
  const live = new LiveEvents(bus);
  const it = await live.subscribe({ runId: '7' });
  for (let s = 1; s <= 3; s++) await bus.publish(progress('7', s));
  const steps = [];
  for (let i = 0; i < 3; i++) steps.push(((await it.next()).value as { step: number }).step);
  assert.deepEqual(steps, [1, 2, 3]);
  const pending = it.next();
  await it.return?.();
  assert.equal((await pending).done, true);
  await live.close();
});
