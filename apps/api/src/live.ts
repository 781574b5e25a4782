import type { BasinEvent, EventBus } from '@basin/db';

/** Events buffered for a subscriber that reads slower than they arrive; older ones are dropped beyond this. */
const MAX_BUFFER = 1_000;

interface Sink {
  push(e: BasinEvent): void;
}

/**
 * Relays the event bus to GraphQL subscriptions: ONE bus subscription per process, indexed in memory by run and
 * by study, so an event reaches its subscribers with a map lookup however many there are.
 */
export class LiveEvents {
  private readonly byKey = new Map<string, Set<Sink>>();
  private listening: Promise<() => Promise<void>> | null = null;

  constructor(private readonly bus: EventBus) {}

  /** Subscribers currently attached (for tests and metrics). */
  get size(): number {
    let n = 0;
    for (const s of this.byKey.values()) n += s.size;
    return n;
  }

  /** Subscribers attached to one run or study. */
  listeners(target: { runId: string } | { studyId: string }): number {
    return this.byKey.get('runId' in target ? `run:${target.runId}` : `study:${target.studyId}`)?.size ?? 0;
  }

  /** Events of one run, or of one study, as an async iterator that detaches when the client unsubscribes. */
  async subscribe(
    target: { runId: string } | { studyId: string },
  ): Promise<AsyncIterableIterator<BasinEvent>> {
    await this.listen();
    const key = 'runId' in target ? `run:${target.runId}` : `study:${target.studyId}`;
    const queue: BasinEvent[] = [];
    let wake: ((r: IteratorResult<BasinEvent>) => void) | null = null;
    let done = false;
    const sink: Sink = {
      push: (e) => {
        if (wake) {
          const w = wake;
          wake = null;
          w({ value: e, done: false });
        } else {
          queue.push(e);
          if (queue.length > MAX_BUFFER) queue.shift();
        }
      },
    };
    let set = this.byKey.get(key);
    if (!set) {
      set = new Set();
      this.byKey.set(key, set);
    }
    set.add(sink);
    const detach = () => {
      done = true;
      const s = this.byKey.get(key);
      s?.delete(sink);
      if (s && s.size === 0) this.byKey.delete(key);
      queue.length = 0;
      if (wake) {
        wake({ value: undefined, done: true });
        wake = null;
      }
    };
    const iterator: AsyncIterableIterator<BasinEvent> = {
      next: () => {
        if (done) return Promise.resolve({ value: undefined, done: true });
        const e = queue.shift();
        if (e) return Promise.resolve({ value: e, done: false });
        return new Promise((resolve) => {
          wake = resolve;
        });
      },
      return: () => {
        detach();
        return Promise.resolve({ value: undefined, done: true });
      },
      throw: (err) => {
        detach();
        return Promise.reject(err);
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  /** Stops listening; open iterators end. */
  async close(): Promise<void> {
    for (const set of this.byKey.values()) for (const s of set) s.push = () => {};
    this.byKey.clear();
    const l = this.listening;
    this.listening = null;
    if (l) await (await l)();
  }

  private listen(): Promise<() => Promise<void>> {
    if (!this.listening) {
      this.listening = this.bus.subscribe({}, (e) => this.dispatch(e));
      this.listening.catch(() => {
        this.listening = null;
      });
    }
    return this.listening;
  }

  private dispatch(e: BasinEvent): void {
    if ('runId' in e) this.deliver(`run:${e.runId}`, e);
    if (e.studyId !== null && e.studyId !== undefined) this.deliver(`study:${e.studyId}`, e);
  }

  private deliver(key: string, e: BasinEvent): void {
    const set = this.byKey.get(key);
    if (set) for (const s of set) s.push(e);
  }
}
