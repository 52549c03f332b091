/**
 * Kysely's SQLite dialect with a first-come, first-served queue for its one connection.
 *
 * Kysely's SQLite driver guards the connection with a mutex whose waiters all await the same
 * promise: each release wakes every waiter, all but one find it taken again and wait anew. With
 * N queries waiting that is N wake-ups per query, so a fleet-wide minute (thousands of window
 * runs and commands reading and writing at once) spends its CPU in the mutex, quadratically.
 * This queue hands the connection to exactly one waiter per release, in arrival order (which
 * also keeps a query from being overtaken indefinitely), and the driver's own mutex then never
 * has a waiter.
 *
 * Invariant: every `acquireConnection` is matched by one `releaseConnection` (Kysely's
 * connection provider does this for queries and transactions alike), and the connection is
 * held by at most one caller at a time.
 */
import {
  SqliteDialect,
  type DatabaseConnection,
  type Driver,
  type QueryCompiler,
  type TransactionSettings,
} from 'kysely';
import { FifoGate } from '../../shared/fifo-gate.js';

class FifoDriver implements Driver {
  private readonly gate = new FifoGate();

  constructor(private readonly inner: Driver) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.gate.acquire();
    try {
      return await this.inner.acquireConnection();
    } catch (error) {
      this.gate.release();
      throw error;
    }
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    try {
      await this.inner.releaseConnection(connection);
    } finally {
      this.gate.release();
    }
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(connection, settings);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(connection);
  }

  async savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) {
    if (this.inner.savepoint === undefined) {
      throw new Error('this SQLite driver has no savepoints');
    }
    await this.inner.savepoint(connection, name, compile);
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) {
    if (this.inner.rollbackToSavepoint === undefined) {
      throw new Error('this SQLite driver has no savepoints');
    }
    await this.inner.rollbackToSavepoint(connection, name, compile);
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) {
    if (this.inner.releaseSavepoint === undefined) {
      throw new Error('this SQLite driver has no savepoints');
    }
    await this.inner.releaseSavepoint(connection, name, compile);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

export class FifoSqliteDialect extends SqliteDialect {
  override createDriver(): Driver {
    return new FifoDriver(super.createDriver());
  }
}
