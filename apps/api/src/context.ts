import type { BlobStore, EventBus, Sql } from '@basin/db';
import type { Identity } from './auth';
import type { LiveEvents } from './live';
import { createLoaders, type Loaders } from './loaders';

/** What every resolver gets: the caller's team, per-request loaders, the database and the live events. */
export interface Context {
  sql: Sql;
  identity: Identity;
  loaders: Loaders;
  bus: EventBus;
  live: LiveEvents;
  /** The folders datasets may be registered in (BASIN_DATA_ROOTS). */
  dataRoots: readonly string[];
  /** The blob store (checkpoint weights), shared with the runners. */
  blobs: BlobStore;
}

/** What every context shares: the database, the event bus and the live-event relay. */
export interface ContextDeps {
  sql: Sql;
  bus: EventBus;
  live: LiveEvents;
  dataRoots: readonly string[];
  blobs: BlobStore;
}

/** A fresh context for one request or one subscription. */
export function createContext(deps: ContextDeps, identity: Identity): Context {
  return { ...deps, identity, loaders: createLoaders(deps.sql, identity.teamId) };
}
