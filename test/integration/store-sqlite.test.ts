import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeStoreConformance } from '../../src/store/conformance/store-conformance.js';
import { migrateSqlite, openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { aWindow } from '../support/builders.js';

const NOW = Date.UTC(2024, 0, 15, 12, 0, 0);
const MIGRATIONS_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'src',
  'store',
  'migrations',
  'sqlite',
);
const SHIPPED_VERSIONS = readdirSync(MIGRATIONS_DIR)
  .filter((file) => /^\d{4}-.+\.sql$/.test(file))
  .map((file) => Number(file.slice(0, 4)));
const NEWEST_SHIPPED = Math.max(...SHIPPED_VERSIONS);

describeStoreConformance('sqlite', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'mado-store-'));
  const { store } = openSqliteStore({ filename: join(directory, 'mado.db') }, NOW);
  return {
    store,
    dispose: async () => {
      await store.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
});

describe('SQLite migrations', () => {
  let directory: string;
  let filename: string;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'mado-migrations-'));
    filename = join(directory, 'mado.db');
  });

  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it('applies every shipped migration to a new database', () => {
    const db = new BetterSqlite3(filename);
    try {
      const outcome = migrateSqlite(db, NOW);
      expect(outcome.applied).toHaveLength(SHIPPED_VERSIONS.length);
      expect(outcome.version).toBe(NEWEST_SHIPPED);
      const recorded = db.prepare('SELECT version, applied_at FROM schema_migrations ORDER BY version').all();
      expect(recorded).toEqual(SHIPPED_VERSIONS.sort((a, b) => a - b).map((version) => ({ version, applied_at: NOW })));
    } finally {
      db.close();
    }
  });

  it('does nothing when the migrations are applied a second time', () => {
    const db = new BetterSqlite3(filename);
    try {
      migrateSqlite(db, NOW);
      const schemaBefore = db.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all();
      const again = migrateSqlite(db, NOW + 1);
      expect(again).toEqual({ applied: [], version: NEWEST_SHIPPED });
      expect(db.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all()).toEqual(schemaBefore);
      expect(db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get()).toEqual({ n: SHIPPED_VERSIONS.length });
    } finally {
      db.close();
    }
  });

  it('keeps the data of an existing database when it is opened again', async () => {
    const window = aWindow();
    const first = openSqliteStore({ filename }, NOW);
    expect(first.migrations.applied).toHaveLength(SHIPPED_VERSIONS.length);
    await first.store.insertWindow(window);
    await first.store.close();

    const second = openSqliteStore({ filename }, NOW + 1);
    try {
      expect(second.migrations).toEqual({ applied: [], version: NEWEST_SHIPPED });
      expect(await second.store.getWindow(window.windowId)).toEqual(window);
    } finally {
      await second.store.close();
    }
  });

  it('refuses a database at a newer schema version than this build knows, with a clear message', () => {
    const db = new BetterSqlite3(filename);
    migrateSqlite(db, NOW);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
      NEWEST_SHIPPED + 1,
      'from-the-future.sql',
      NOW,
    );
    db.close();

    expect(() => openSqliteStore({ filename }, NOW)).toThrow(
      `The database is at schema version ${NEWEST_SHIPPED + 1}, newer than this Mado knows (${NEWEST_SHIPPED}); upgrade Mado or use another data directory.`,
    );
  });

  it('leaves a newer database untouched when refusing it', () => {
    const db = new BetterSqlite3(filename);
    try {
      db.exec(
        'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
      );
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        9999,
        'future.sql',
        NOW,
      );
      expect(() => migrateSqlite(db, NOW)).toThrow(/schema version 9999/);
      expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all()).toEqual([
        { name: 'schema_migrations' },
      ]);
    } finally {
      db.close();
    }
  });
});
