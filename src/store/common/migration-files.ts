/**
 * The numbered plain-SQL migrations a backend ships (`NNNN-name.sql` in its directory under
 * `src/store/migrations/`), read in order. Each backend applies them its own way.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface MigrationFile {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** The directory of a backend's migrations (`sqlite`, `postgres`). */
export function migrationsDir(backend: string): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', 'migrations', backend);
}

/** The migrations in `dir`, by ascending version. */
export function readMigrationFiles(dir: string): MigrationFile[] {
  return readdirSync(dir)
    .filter((file) => /^\d{4}-.+\.sql$/.test(file))
    .sort()
    .map((file) => ({ version: Number(file.slice(0, 4)), name: file, sql: readFileSync(join(dir, file), 'utf8') }));
}

export interface MigrationPlan {
  /** Files to apply, in order. */
  readonly pending: readonly MigrationFile[];
  /** The schema version once they are applied. */
  readonly version: number;
}

/**
 * What to apply to a store that has the versions `done`.
 * @throws Error when the database was written by a newer Mado (`elsewhere` says what else to use:
 *   "data directory", "database").
 */
export function planMigrations(
  files: readonly MigrationFile[],
  done: ReadonlySet<number>,
  elsewhere: string,
): MigrationPlan {
  const newest = Math.max(0, ...done);
  const known = files.length === 0 ? 0 : files[files.length - 1]!.version;
  if (newest > known) {
    throw new Error(
      `The database is at schema version ${newest}, newer than this Mado knows (${known}); upgrade Mado or use another ${elsewhere}.`,
    );
  }
  return { pending: files.filter((file) => !done.has(file.version)), version: Math.max(newest, known) };
}
