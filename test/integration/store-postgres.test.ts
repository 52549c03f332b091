/**
 * The store conformance suite on PostgreSQL, and the PostgreSQL migrations. Needs
 * `MADO_TEST_DATABASE_URL` (test/support/postgres.ts); each test gets a schema of its own.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeStoreConformance } from '../../src/store/conformance/store-conformance.js';
import { openPostgresStore, parsePostgresUrl, redactPostgresUrl } from '../../src/store/postgres/postgres-store.js';
import { aWindow } from '../support/builders.js';
import {
  adminQuery,
  dropSchema,
  newSchemaName,
  POSTGRES_SKIP_REASON,
  TEST_DATABASE_URL,
  urlWithSchema,
} from '../support/postgres.js';

const NOW = Date.UTC(2024, 0, 15, 12, 0, 0);
const SHIPPED_VERSIONS = readdirSync(
  join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'store', 'migrations', 'postgres'),
)
  .filter((file) => /^\d{4}-.+\.sql$/.test(file))
  .map((file) => Number(file.slice(0, 4)));
const NEWEST_SHIPPED = Math.max(...SHIPPED_VERSIONS);

if (TEST_DATABASE_URL === undefined) {
  describe.skip(`PostgreSQL store (${POSTGRES_SKIP_REASON})`, () => {
    it('is not run', () => {});
  });
} else {
  describeStoreConformance('postgres', async () => {
    const schema = newSchemaName();
    const { store } = await openPostgresStore({ url: urlWithSchema(schema), poolSize: 4 }, NOW);
    return {
      store,
      dispose: async () => {
        await store.close();
        await dropSchema(schema);
      },
    };
  });

  describe('PostgreSQL migrations', () => {
    let schema: string;

    beforeEach(() => {
      schema = newSchemaName();
    });

    afterEach(async () => {
      await dropSchema(schema);
    });

    it('applies every shipped migration to a new schema, once, and keeps the data', async () => {
      const window = aWindow();
      const first = await openPostgresStore({ url: urlWithSchema(schema) }, NOW);
      expect(first.migrations).toEqual({
        applied: SHIPPED_VERSIONS.map((version) =>
          expect.stringMatching(new RegExp(`^${String(version).padStart(4, '0')}-`)),
        ),
        version: NEWEST_SHIPPED,
      });
      await first.store.insertWindow(window);
      await first.store.close();

      const second = await openPostgresStore({ url: urlWithSchema(schema) }, NOW + 1);
      try {
        expect(second.migrations).toEqual({ applied: [], version: NEWEST_SHIPPED });
        expect(await second.store.getWindow(window.windowId)).toEqual(window);
        const recorded = await adminQuery(
          `SELECT version, applied_at FROM ${schema}.schema_migrations ORDER BY version`,
        );
        expect(recorded.rows).toEqual(SHIPPED_VERSIONS.map((version) => ({ version, applied_at: String(NOW) })));
      } finally {
        await second.store.close();
      }
    });

    it('migrates once when several servers open the same schema together', async () => {
      const opened = await Promise.all(
        Array.from({ length: 4 }, () => openPostgresStore({ url: urlWithSchema(schema), poolSize: 2 }, NOW)),
      );
      try {
        expect(opened.filter((one) => one.migrations.applied.length > 0)).toHaveLength(1);
        const recorded = await adminQuery(`SELECT COUNT(*)::int AS n FROM ${schema}.schema_migrations`);
        expect(recorded.rows).toEqual([{ n: SHIPPED_VERSIONS.length }]);
      } finally {
        await Promise.all(opened.map((one) => one.store.close()));
      }
    });

    it('refuses a schema written by a newer Mado, with a clear message, and changes nothing', async () => {
      await adminQuery(`CREATE SCHEMA ${schema}`);
      await adminQuery(
        `CREATE TABLE ${schema}.schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`,
      );
      await adminQuery(`INSERT INTO ${schema}.schema_migrations VALUES ($1, 'future.sql', $2)`, [9999, NOW]);
      await expect(openPostgresStore({ url: urlWithSchema(schema) }, NOW)).rejects.toThrow(
        `The database is at schema version 9999, newer than this Mado knows (${NEWEST_SHIPPED}); upgrade Mado or use another database.`,
      );
      const tables = await adminQuery('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [
        schema,
      ]);
      expect(tables.rows).toEqual([{ table_name: 'schema_migrations' }]);
    });

    it('declares what PostgreSQL can do', async () => {
      const { store } = await openPostgresStore({ url: urlWithSchema(schema) }, NOW);
      try {
        expect(store.capabilities).toEqual({
          backend: 'postgres',
          singleWriter: false,
          supportsSkipLocked: true,
          supportsNotify: true,
        });
      } finally {
        await store.close();
      }
    });
  });
}

describe('PostgreSQL database URLs', () => {
  it('takes the schema out of the URL and keeps the rest for the driver', () => {
    expect(parsePostgresUrl('postgres://mado@db.example:5433/fleet?schema=mado&sslmode=require')).toEqual({
      connectionString: 'postgres://mado@db.example:5433/fleet?sslmode=require',
      schema: 'mado',
    });
    expect(parsePostgresUrl('postgresql://127.0.0.1/test')).toEqual({
      connectionString: 'postgresql://127.0.0.1/test',
    });
  });

  it('refuses what is not a PostgreSQL URL or names an unsafe schema, saying which part is wrong', () => {
    expect(() => parsePostgresUrl('not a url')).toThrow('database URL: not a URL');
    expect(() => parsePostgresUrl('mysql://db/x')).toThrow('database URL: scheme must be postgres:// or postgresql://');
    expect(() => parsePostgresUrl('postgres://db/x?schema=a;drop')).toThrow('database URL: schema must be');
  });

  it('never shows the password', () => {
    expect(redactPostgresUrl('postgres://mado:s3cret@db/fleet')).toBe('postgres://mado:***@db/fleet');
    expect(redactPostgresUrl('postgres://mado@db/fleet')).toBe('postgres://mado@db/fleet');
  });
});
