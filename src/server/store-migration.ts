/**
 * Moving a data directory's SQLite store into PostgreSQL (`mado migrate-store`): the checks on
 * what the operator named, then the copy (src/store/postgres/copy-from-sqlite.ts).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { copySqliteToPostgres, type CopyOutcome } from '../store/postgres/copy-from-sqlite.js';
import { parsePostgresUrl } from '../store/postgres/postgres-store.js';

export { redactPostgresUrl } from '../store/postgres/postgres-store.js';

export interface StoreMigration {
  /** The data directory holding `mado.db`. */
  readonly from: string;
  /** The PostgreSQL store's URL. */
  readonly to: string;
  readonly now: number;
  readonly progress?: (table: string, rows: number) => void;
}

/** @throws Error naming `--from` or `--to` when either is not usable; the copy's own errors otherwise. */
export async function migrateStore(migration: StoreMigration): Promise<CopyOutcome & { readonly sqliteFile: string }> {
  const dataDir = resolve(migration.from);
  const sqliteFile = join(dataDir, 'mado.db');
  if (!existsSync(sqliteFile)) {
    throw new Error(`--from: no Mado store in ${dataDir} (${sqliteFile} does not exist)`);
  }
  try {
    parsePostgresUrl(migration.to);
  } catch (error) {
    throw new Error(`--to: ${(error as Error).message.replace(/^database URL: /, '')}`, { cause: error });
  }
  const outcome = await copySqliteToPostgres({
    sqliteFile,
    postgresUrl: migration.to,
    now: migration.now,
    ...(migration.progress === undefined ? {} : { progress: migration.progress }),
  });
  return { ...outcome, sqliteFile };
}
