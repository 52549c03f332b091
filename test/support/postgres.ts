/**
 * The PostgreSQL server the tests use: `MADO_TEST_DATABASE_URL` (CI sets it to the local server,
 * `postgres://postgres@127.0.0.1:5432/test`). Without it the PostgreSQL suites are skipped and
 * say so; with it set, an unreachable server fails them. Every store a test opens lives in a
 * schema of its own, dropped when the test is done.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEST_DATABASE_URL = process.env.MADO_TEST_DATABASE_URL;

export const POSTGRES_SKIP_REASON =
  'MADO_TEST_DATABASE_URL is not set: the PostgreSQL suites need a server (CI runs them against 127.0.0.1:5432)';

/** A fresh schema name, unique across concurrent test processes. */
export function newSchemaName(): string {
  return `mado_test_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** The test database's URL with `?schema=` set. */
export function urlWithSchema(schema: string): string {
  const url = new URL(TEST_DATABASE_URL!);
  url.searchParams.set('schema', schema);
  return url.toString();
}

/** Runs one statement on the test database outside any store (schema setup and teardown). */
export async function adminQuery(text: string, values: readonly unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await client.query(text, [...values]);
  } finally {
    await client.end();
  }
}

export async function dropSchema(schema: string): Promise<void> {
  await adminQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
}

/** A store a server process runs on, for suites that run once per backend. */
export interface StoreBackend {
  readonly name: 'sqlite' | 'postgres';
  /** The server's environment for this backend (a fresh schema for PostgreSQL). */
  env(): Record<string, string>;
  /** Removes what `env` created. */
  cleanUp(): Promise<void>;
}

/** SQLite always; PostgreSQL when MADO_TEST_DATABASE_URL is set. */
export function storeBackends(): StoreBackend[] {
  const sqlite: StoreBackend = { name: 'sqlite', env: () => ({}), cleanUp: async () => {} };
  if (TEST_DATABASE_URL === undefined) {
    return [sqlite];
  }
  const schemas: string[] = [];
  const postgres: StoreBackend = {
    name: 'postgres',
    env: () => {
      const schema = newSchemaName();
      schemas.push(schema);
      return { MADO_DATABASE_URL: urlWithSchema(schema) };
    },
    cleanUp: async () => {
      for (const schema of schemas.splice(0)) {
        await dropSchema(schema);
      }
    },
  };
  return [sqlite, postgres];
}
