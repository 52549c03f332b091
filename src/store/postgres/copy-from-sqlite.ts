/**
 * `mado migrate-store`: copies a SQLite store (a data directory's `mado.db`) into an empty
 * PostgreSQL store, table by table, as one PostgreSQL transaction: a copy that fails leaves the
 * target as empty as it was.
 *
 * - The source is first brought to this build's schema (its migrations, as a server start would),
 *   then read inside one read transaction, so the copy is one consistent snapshot even if a
 *   server still writes (stop it first all the same: later writes are not copied).
 * - The target is migrated to this build's schema and must hold no Mado data: copying into a
 *   store in use would mix two histories.
 * - Rows go over in batches that stay below PostgreSQL's 65,535 bound parameters and, for the
 *   tables of bytes (agent bundles, package pieces), below a few MiB per statement.
 * - Afterwards every table's row count is compared; a difference aborts the copy.
 */
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import type { Database } from '../common/schema.js';
import { migrateSqlite } from '../sqlite/sqlite-store.js';
import { migratePostgres, parsePostgresUrl } from './postgres-store.js';

/** Every table of the schema, in the order they are copied. */
export const STORE_TABLES: readonly (keyof Database)[] = [
  'settings',
  'access_keys',
  'idempotency_records',
  'audit_log',
  'tags',
  'activations',
  'managed_nodes',
  'resource_groups',
  'node_inventory',
  'windows',
  'window_targets',
  'window_tasks',
  'window_executions',
  'task_executions',
  'task_invocations',
  'commands',
  'command_invocations',
  'invocation_outputs',
  'documents',
  'document_versions',
  'agent_releases',
  'package_versions',
  'package_chunks',
];

/** Rows per INSERT for tables whose rows carry bytes of up to 1 MiB (or more, for bundles). */
const BYTES_BATCH_ROWS: Partial<Record<keyof Database, number>> = { agent_releases: 1, package_chunks: 4 };
const MAX_PARAMETERS = 60_000;
const MAX_BATCH_ROWS = 500;

export interface CopyOutcome {
  /** Rows copied per table, in copy order. */
  readonly tables: readonly { readonly table: string; readonly rows: number }[];
  readonly totalRows: number;
  readonly elapsedMs: number;
}

export class CopyRefused extends Error {
  override readonly name = 'CopyRefused';
}

export interface CopyOptions {
  /** Path of the SQLite database file (`<data dir>/mado.db`). */
  readonly sqliteFile: string;
  readonly postgresUrl: string;
  readonly now: number;
  /** Told after each table. */
  readonly progress?: (table: string, rows: number) => void;
}

function quoted(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

/** Copies every table; @throws CopyRefused when the target already holds data. */
export async function copySqliteToPostgres(options: CopyOptions): Promise<CopyOutcome> {
  const started = Date.now();
  const source = new BetterSqlite3(options.sqliteFile, { fileMustExist: true });
  const target = parsePostgresUrl(options.postgresUrl);
  const pool = new pg.Pool({
    connectionString: target.connectionString,
    max: 1,
    ...(target.schema === undefined ? {} : { options: `-c search_path=${target.schema}` }),
  });
  try {
    migrateSqlite(source, options.now);
    await migratePostgres(pool, target.schema, options.now);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      try {
        const copied = await copyTables(source, client, options);
        await client.query('COMMIT');
        const totalRows = copied.reduce((sum, table) => sum + table.rows, 0);
        return { tables: copied, totalRows, elapsedMs: Date.now() - started };
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    } finally {
      client.release();
    }
  } finally {
    source.close();
    await pool.end();
  }
}

async function copyTables(
  source: BetterSqlite3.Database,
  client: pg.PoolClient,
  options: CopyOptions,
): Promise<{ table: string; rows: number }[]> {
  // Nothing may be written to the target while it is checked and filled.
  await client.query('LOCK TABLE ' + STORE_TABLES.map(quoted).join(', ') + ' IN EXCLUSIVE MODE');
  for (const table of STORE_TABLES) {
    const { rows } = await client.query<{ found: number }>(`SELECT 1 AS found FROM ${quoted(table)} LIMIT 1`);
    if (rows.length > 0) {
      throw new CopyRefused(
        `The PostgreSQL store already holds data (table ${table} is not empty); migrate-store copies only into an empty store.`,
      );
    }
  }
  const copied: { table: string; rows: number }[] = [];
  source.exec('BEGIN');
  try {
    for (const table of STORE_TABLES) {
      const rows = await copyTable(source, client, table);
      const { rows: counted } = await client.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${quoted(table)}`);
      if (Number(counted[0]!.n) !== rows) {
        throw new Error(`table ${table}: ${rows} rows read from SQLite but ${counted[0]!.n} stored in PostgreSQL`);
      }
      copied.push({ table, rows });
      options.progress?.(table, rows);
    }
  } finally {
    source.exec('COMMIT');
  }
  return copied;
}

async function copyTable(source: BetterSqlite3.Database, client: pg.PoolClient, table: keyof Database) {
  const columns = (source.prepare(`PRAGMA table_info(${quoted(table)})`).all() as { name: string }[]).map(
    (column) => column.name,
  );
  const batchRows = BYTES_BATCH_ROWS[table] ?? Math.min(MAX_BATCH_ROWS, Math.floor(MAX_PARAMETERS / columns.length));
  const select = source.prepare(`SELECT ${columns.map(quoted).join(', ')} FROM ${quoted(table)}`).raw(true);
  let batch: unknown[][] = [];
  let total = 0;
  const flush = async () => {
    if (batch.length === 0) {
      return;
    }
    const values: unknown[] = [];
    const tuples = batch.map((row) => {
      const placeholders = row.map((value) => {
        values.push(value);
        return `$${values.length}`;
      });
      return `(${placeholders.join(', ')})`;
    });
    await client.query(
      `INSERT INTO ${quoted(table)} (${columns.map(quoted).join(', ')}) VALUES ${tuples.join(', ')}`,
      values,
    );
    total += batch.length;
    batch = [];
  };
  for (const row of select.iterate() as Iterable<unknown[]>) {
    batch.push(row.map((value) => (typeof value === 'bigint' ? value.toString() : value)));
    if (batch.length >= batchRows) {
      await flush();
    }
  }
  await flush();
  return total;
}
