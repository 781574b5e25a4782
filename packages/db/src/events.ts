import type { Sql } from './connect';

import type { RunStatus } from './domain';

export type { RunStatus };

interface EventBase {
  /** The study the run or analysis belongs to, if any: `studyEvents` subscribers filter on it. */
  studyId: string | null;
  /** ISO-8601 time the event was published (filled in by `publish` when absent). */
  at?: string;
}

/** Everything runners announce; the API relays these as GraphQL subscriptions. */
export type BasinEvent =
  | (EventBase & {
      type: 'run.progress';
      runId: string;
      step: number;
      epoch: number;
      /** Latest values, e.g. `{ "train/loss": 0.31, "train/acc": 0.9 }`. */
      metrics: Record<string, number>;
    })
  | (EventBase & {
      type: 'run.status';
      runId: string;
      status: RunStatus;
      error?: string | null;
      backend?: string | null;
    })
  | (EventBase & {
      type: 'checkpoint.saved';
      runId: string;
      checkpointId: string;
      step: number;
      epoch: number;
    })
  | (EventBase & { type: 'analysis.progress'; analysisId: string; progress: number; message?: string })
  | (EventBase & { type: 'analysis.status'; analysisId: string; status: RunStatus; error?: string | null });

export type EventType = BasinEvent['type'];

/** Which events a subscriber wants: all given fields must match. */
export interface EventFilter {
  runId?: string;
  analysisId?: string;
  studyId?: string;
  types?: readonly EventType[];
}

export interface EventBus {
  /**
   * Publishes an event. Pass a transaction to publish only if it commits (PostgreSQL delivers NOTIFY at commit).
   * @throws if the JSON form exceeds PostgreSQL's 8,000-byte NOTIFY payload limit.
   */
  publish(event: BasinEvent, tx?: Sql): Promise<void>;
  /** Calls `handler` for each matching event; resolves once listening, to a function that unsubscribes. */
  subscribe(filter: EventFilter, handler: (event: BasinEvent) => void): Promise<() => Promise<void>>;
  /** Stops listening. */
  close(): Promise<void>;
}

/** The one NOTIFY channel every Basin process uses. */
export const EVENT_CHANNEL = 'basin_events';
const MAX_PAYLOAD = 7900;

export function matches(filter: EventFilter, e: BasinEvent): boolean {
  if (filter.types && !filter.types.includes(e.type)) return false;
  if (filter.studyId !== undefined && e.studyId !== filter.studyId) return false;
  if (filter.runId !== undefined && (!('runId' in e) || e.runId !== filter.runId)) return false;
  if (filter.analysisId !== undefined && (!('analysisId' in e) || e.analysisId !== filter.analysisId))
    return false;
  return true;
}

/**
 * The event bus on PostgreSQL LISTEN/NOTIFY: works across processes and machines on a real server, and on the
 * embedded database too (its wire server routes notifications between connections).
 * @remarks One LISTEN per process however many subscribers: events fan out in memory, so 1,000 GraphQL
 * subscriptions on one run cost one database connection.
 */
export function createEventBus(sql: Sql): EventBus {
  const subscribers = new Set<{ filter: EventFilter; handler: (e: BasinEvent) => void }>();
  let listening: Promise<{ unlisten: () => Promise<void> }> | null = null;

  const dispatch = (payload: string) => {
    let event: BasinEvent;
    try {
      event = JSON.parse(payload) as BasinEvent;
    } catch {
      return; // not ours
    }
    for (const s of subscribers) {
      if (!matches(s.filter, event)) continue;
      try {
        s.handler(event);
      } catch {
        // a failing subscriber must not starve the others
      }
    }
  };

  return {
    async publish(event, tx) {
      const payload = JSON.stringify({ ...event, at: event.at ?? new Date().toISOString() });
      if (Buffer.byteLength(payload) > MAX_PAYLOAD) {
        throw new Error(
          `event ${event.type} is ${Buffer.byteLength(payload)} bytes; NOTIFY payloads must stay under ${MAX_PAYLOAD}`,
        );
      }
      await (tx ?? sql)`select pg_notify(${EVENT_CHANNEL}, ${payload})`;
    },
    async subscribe(filter, handler) {
      const entry = { filter, handler };
      subscribers.add(entry);
      if (!listening)
        listening = sql.listen(EVENT_CHANNEL, dispatch) as Promise<{ unlisten: () => Promise<void> }>;
      try {
        await listening;
      } catch (err) {
        subscribers.delete(entry);
        listening = null;
        throw err;
      }
      return async () => {
        subscribers.delete(entry);
      };
    },
    async close() {
      subscribers.clear();
      const l = listening;
      listening = null;
      if (l) await (await l).unlisten();
    },
  };
}
