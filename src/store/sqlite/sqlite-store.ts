/**
 * The embedded SQLite backend: one file in the data directory, WAL mode, versioned plain-SQL
 * migrations applied at open. SQLite has a single writer; Kysely's SQLite driver serialises
 * every query and transaction on one connection, which is what makes check-then-write sequences
 * inside `Store.transaction` atomic here; callers queue for it first come, first served
 * (fifo-dialect.ts).
 */
import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, sql, type SqliteDatabase, type SqliteStatement } from 'kysely';
import { KyselyStore } from '../common/kysely-store.js';
import { migrationsDir, planMigrations, readMigrationFiles } from '../common/migration-files.js';
import { FifoSqliteDialect } from './fifo-dialect.js';
import type { Database } from '../common/schema.js';
import type { Store, StoreCapabilities } from '../store.js';

const MIGRATIONS_DIR = migrationsDir('sqlite');

/**
 * How SQLite makes commits durable (its `synchronous` pragma, in WAL mode):
 * - `FULL` (the default): every commit is on disk before it returns; a power loss or OS crash
 *   loses nothing that was acknowledged.
 * - `NORMAL`: commits reach the disk at WAL checkpoints; the database stays consistent, but a
 *   power loss or OS crash may lose the last transactions (a crash of the server process alone
 *   loses nothing). Faster for write-heavy fan-outs.
 */
export type SqliteSynchronous = 'FULL' | 'NORMAL';

export const SQLITE_SYNCHRONOUS_MODES: readonly SqliteSynchronous[] = ['FULL', 'NORMAL'];

export interface SqliteStoreOptions {
  /** Path of the database file, or ':memory:'. */
  readonly filename: string;
  /** Durability of commits; default `FULL`. */
  readonly synchronous?: SqliteSynchronous;
}

/** One writer, on one connection, in one process: nothing to claim or notify across servers. */
export const SQLITE_CAPABILITIES: StoreCapabilities = {
  backend: 'sqlite',
  singleWriter: true,
  supportsSkipLocked: false,
  supportsNotify: false,
};

export interface MigrationOutcome {
  readonly applied: readonly string[];
  readonly version: number;
}

/**
 * Applies the migrations the file does not have yet, each in its own transaction, recording
 * them in `schema_migrations`. Refuses a database written by a newer Mado.
 */
export function migrateSqlite(db: BetterSqlite3.Database, now: number): MigrationOutcome {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
  );
  const done = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((row) => row.version),
  );
  const plan = planMigrations(readMigrationFiles(MIGRATIONS_DIR), done, 'data directory');
  const applied: string[] = [];
  for (const file of plan.pending) {
    db.transaction(() => {
      db.exec(file.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        file.version,
        file.name,
        now,
      );
    })();
    applied.push(file.name);
  }
  return { applied, version: plan.version };
}

/**
 * better-sqlite3 behind Kysely's SqliteDatabase interface, with two speed-ups measured on the API
 * benchmark:
 * - prepared statements are cached by SQL text: Kysely prepares every query anew, and preparing
 *   costs more than running a simple indexed lookup;
 * - reading statements return rows as arrays, turned into objects here: better-sqlite3 builds
 *   row objects property by property through the V8 API, which takes longer than the query.
 * Kysely runs statements to completion one at a time, so reusing them is safe.
 */
function withStatementCache(db: BetterSqlite3.Database, capacity = 500): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => db.close(),
    prepare: (sql: string) => {
      let statement = cache.get(sql);
      if (statement === undefined) {
        statement = wrapStatement(db.prepare(sql));
        if (cache.size >= capacity) {
          cache.delete(cache.keys().next().value!);
        }
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}

function wrapStatement(statement: BetterSqlite3.Statement): SqliteStatement {
  if (!statement.reader) {
    return statement as unknown as SqliteStatement;
  }
  const columns = statement.columns().map((column) => column.name);
  const rows = statement.raw(true);
  const toObject = (values: unknown[]) => {
    const row: Record<string, unknown> = {};
    for (let index = 0; index < columns.length; index += 1) {
      row[columns[index]!] = values[index];
    }
    return row;
  };
  return {
    reader: true,
    all: (parameters) => (rows.all(...parameters) as unknown[][]).map(toObject),
    run: (parameters) => rows.run(...parameters),
    iterate: function* (parameters) {
      for (const values of rows.iterate(...parameters) as IterableIterator<unknown[]>) {
        yield toObject(values);
      }
    },
  };
}

function refreshStatistics(db: BetterSqlite3.Database): void {
  db.exec('ANALYZE windows');
  db.pragma('optimize = 0x10002');
}

/**
 * Creates the database file 0600 before SQLite does (SQLite gives its -wal and -shm files the
 * database file's mode) and takes group/other access away from files an older build left.
 */
function restrictDatabaseFiles(filename: string): void {
  if (filename === ':memory:' || process.platform === 'win32') {
    return;
  }
  closeSync(openSync(filename, 'a', 0o600));
  for (const path of [filename, `${filename}-wal`, `${filename}-shm`]) {
    if (existsSync(path)) {
      chmodSync(path, 0o600);
    }
  }
}

/** Opens (creating if needed) and migrates the SQLite store; its files are 0600. */
export function openSqliteStore(
  options: SqliteStoreOptions,
  now: number,
): { store: Store; migrations: MigrationOutcome } {
  restrictDatabaseFiles(options.filename);
  const db = new BetterSqlite3(options.filename);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
  db.pragma('foreign_keys = ON');
  // Deleted or moved row content is zeroed within its page rather than left in free space, so a
  // value replaced in place (e.g. a secret in clear sealed by migration 0008) does not linger in
  // the file. FAST costs no extra I/O: only pages written anyway are cleared.
  db.pragma('secure_delete = FAST');
  db.pragma('busy_timeout = 5000');
  // 64 MiB of page cache (the default is 2 MiB): windows, targets and tasks are read at random.
  db.pragma('cache_size = -65536');
  let migrations: MigrationOutcome;
  try {
    migrations = migrateSqlite(db, now);
  } catch (error) {
    db.close();
    throw error;
  }
  // Statistics let the planner choose between indexes by the values bound (STAT4 samples), e.g.
  // the name index for a narrow name prefix, the creation index for a broad one. `windows` is
  // small (bounded by the quota) and is where the choice matters, so it is analysed in full.
  refreshStatistics(db);
  const kysely = new Kysely<Database>({ dialect: new FifoSqliteDialect({ database: withStatementCache(db) }) });
  const store = new KyselyStore(kysely, {
    capabilities: SQLITE_CAPABILITIES,
    optimize: async (database) => {
      await sql`ANALYZE windows`.execute(database);
      await sql`PRAGMA optimize`.execute(database);
    },
    close: () => kysely.destroy(),
  });
  return { store, migrations };
}
