/**
 * The store: every persistent fact of Mado behind one interface in domain terms, composed of
 * one interface per area (`areas/`). Backends (`sqlite/`, `postgres/`) implement it, declare what
 * they can do (`StoreCapabilities`), and pass the same conformance suite, area by area.
 *
 * Conventions:
 * - Times are UTC epoch milliseconds supplied by the caller; no backend reads its own clock.
 * - Lists are keyset-paginated: a `Page` carries the items and, when more exist, the cursor of
 *   the last item; callers pass it back as `after`. Sort keys are immutable, so pages are stable
 *   under concurrent inserts.
 * - Methods that change several rows are atomic. `transaction(fn)` runs `fn` with a store bound
 *   to one transaction; anything thrown rolls it all back.
 */
import type { CommandStore } from './areas/commands.js';
import type { DocumentStore } from './areas/documents.js';
import type { FleetStore } from './areas/fleet.js';
import type { HistoryStore } from './areas/history.js';
import type { KeyStore } from './areas/keys.js';
import type { PackageStore } from './areas/packages.js';
import type { WindowStore, WindowTargetTaskStore } from './areas/windows.js';

export type * from './areas/commands.js';
export type * from './areas/documents.js';
export type * from './areas/fleet.js';
export type * from './areas/history.js';
export type * from './areas/keys.js';
export type * from './areas/packages.js';
export type * from './areas/paging.js';
export type * from './areas/windows.js';

/**
 * What a backend can do, declared by the backend itself (never sniffed from its connection), so
 * the engine chooses how to coordinate: one process on a single-writer file, or several servers
 * claiming work on a shared database.
 */
export interface StoreCapabilities {
  readonly backend: 'sqlite' | 'postgres';
  /** Every write is serialised by the backend: a transaction never races another writer. */
  readonly singleWriter: boolean;
  /** `SELECT … FOR UPDATE SKIP LOCKED`, for claiming work with leases. */
  readonly supportsSkipLocked: boolean;
  /** Notifications between the servers sharing the store (PostgreSQL `LISTEN/NOTIFY`). */
  readonly supportsNotify: boolean;
}

export interface Store
  extends
    WindowStore,
    WindowTargetTaskStore,
    HistoryStore,
    FleetStore,
    CommandStore,
    DocumentStore,
    PackageStore,
    KeyStore {
  readonly capabilities: StoreCapabilities;

  /** Runs `fn` in one transaction (serialised with every other write on single-writer backends). */
  transaction<T>(fn: (store: Store) => Promise<T>): Promise<T>;

  /**
   * Housekeeping, safe at any time: forgets idempotency records created before
   * `idempotencyBefore` and refreshes the query planner's statistics.
   */
  maintain(idempotencyBefore: number): Promise<void>;

  /**
   * Forgets window executions (with their tasks and invocations) that ended before `before`, and
   * finished commands (with their invocations and output) requested before it.
   */
  pruneHistory(before: number): Promise<{ readonly windowExecutions: number; readonly commands: number }>;

  close(): Promise<void>;
}
