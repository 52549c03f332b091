/**
 * The PostgreSQL backend: the shared Kysely queries on Kysely's PostgreSQL dialect over a `pg`
 * pool, its own numbered migrations (`migrations/postgres`), chosen with
 * `--database-url postgres://…` / `MADO_DATABASE_URL`. Several Mado servers may share one
 * database.
 *
 * What it guarantees beyond single statements:
 * - `Store.transaction(fn)` first takes a transaction-scoped advisory lock that every server
 *   sharing the database takes, so transactions are serialised exactly as on SQLite's single
 *   writer: the services' check-then-write sequences (quotas, "already exists") stay atomic
 *   across servers. Single statements and the store's own multi-row writes run concurrently.
 * - Migrations run under a session advisory lock: servers starting together migrate once.
 * - BIGINT comes back as a JavaScript number (epoch milliseconds and counts fit a double).
 */
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { KyselyStore } from '../common/kysely-store.js';
import { migrationsDir, planMigrations, readMigrationFiles } from '../common/migration-files.js';
import type { Database } from '../common/schema.js';
import type { Store, StoreCapabilities } from '../store.js';

const MIGRATIONS_DIR = migrationsDir('postgres');

/** Advisory lock keys (one 64-bit space per database): "mado" in ASCII, then a purpose. */
const MIGRATION_LOCK = 0x6d61646f_0001n;
const TRANSACTION_LOCK = 0x6d61646f_0002n;

const INT8_OID = 20;

export const POSTGRES_CAPABILITIES: StoreCapabilities = {
  backend: 'postgres',
  singleWriter: false,
  supportsSkipLocked: true,
  supportsNotify: true,
};

export interface PostgresStoreOptions {
  /** `postgres://user@host:port/database`; `?schema=name` keeps Mado's tables in that schema. */
  readonly url: string;
  /** Connections in the pool; default 10. */
  readonly poolSize?: number;
}

export interface PostgresMigrationOutcome {
  readonly applied: readonly string[];
  readonly version: number;
}

/** The parts of a database URL: what `pg` connects with, and the schema Mado's tables live in. */
export interface PostgresTarget {
  readonly connectionString: string;
  readonly schema?: string;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** @throws Error naming the URL's problem (never echoing a password). */
export function parsePostgresUrl(url: string): PostgresTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('database URL: not a URL (expected postgres://user@host:port/database)');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new Error(`database URL: scheme must be postgres:// or postgresql://, not ${parsed.protocol}//`);
  }
  const schema = parsed.searchParams.get('schema') ?? undefined;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new Error(
      `database URL: schema must be a lower-case SQL identifier (a-z, 0-9, _), not ${JSON.stringify(schema)}`,
    );
  }
  parsed.searchParams.delete('schema');
  return { connectionString: parsed.toString(), ...(schema === undefined ? {} : { schema }) };
}

/** The URL with its password replaced, for logs and banners. */
export function redactPostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') {
      parsed.password = '***';
    }
    return parsed.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

function newPool(target: PostgresTarget, poolSize: number): pg.Pool {
  return new pg.Pool({
    connectionString: target.connectionString,
    max: poolSize,
    ...(target.schema === undefined ? {} : { options: `-c search_path=${target.schema}` }),
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as never,
    },
  });
}

/**
 * Applies the migrations the database does not have yet, each in its own transaction, under a
 * lock so that servers starting together do it once. Refuses a database written by a newer Mado.
 */
export async function migratePostgres(pool: pg.Pool, schema: string | undefined, now: number) {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK.toString()]);
    try {
      if (schema !== undefined) {
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      }
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
      );
      const done = new Set(
        (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map(
          (row) => row.version,
        ),
      );
      const plan = planMigrations(readMigrationFiles(MIGRATIONS_DIR), done, 'database');
      const applied: string[] = [];
      for (const file of plan.pending) {
        await client.query('BEGIN');
        try {
          await client.query(file.sql);
          await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
            file.version,
            file.name,
            now,
          ]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
        applied.push(file.name);
      }
      return { applied, version: plan.version } satisfies PostgresMigrationOutcome;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK.toString()]);
    }
  } finally {
    client.release();
  }
}

/** Opens (and migrates) the store in the database `options.url` names. */
export async function openPostgresStore(
  options: PostgresStoreOptions,
  now: number,
): Promise<{ store: Store; migrations: PostgresMigrationOutcome }> {
  const target = parsePostgresUrl(options.url);
  const pool = newPool(target, options.poolSize ?? 10);
  let migrations: PostgresMigrationOutcome;
  try {
    migrations = await migratePostgres(pool, target.schema, now);
  } catch (error) {
    await pool.end();
    throw error;
  }
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const store = new KyselyStore(kysely, {
    capabilities: POSTGRES_CAPABILITIES,
    serialise: async (trx: Transaction<Database>) => {
      await sql`SELECT pg_advisory_xact_lock(${TRANSACTION_LOCK.toString()}::bigint)`.execute(trx);
    },
    optimize: async (database) => {
      await sql`ANALYZE`.execute(database);
    },
    close: () => kysely.destroy(),
  });
  return { store, migrations };
}
