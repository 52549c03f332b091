import BetterSqlite3 from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { FifoSqliteDialect } from './fifo-dialect.js';

describe('FifoSqliteDialect', () => {
  it('keeps a transaction whole while many queries wait for the connection', async () => {
    const db = new Kysely<{ counter: { id: number; value: number } }>({
      dialect: new FifoSqliteDialect({ database: new BetterSqlite3(':memory:') }),
    });
    try {
      await sql`create table counter (id integer primary key, value integer not null)`.execute(db);
      await db.insertInto('counter').values({ id: 1, value: 0 }).execute();
      // Read-modify-write in transactions, interleaved with plain reads: a lost update would
      // show as a final value below the number of increments.
      await Promise.all(
        Array.from({ length: 400 }, (_, i) =>
          i % 2 === 0
            ? db.transaction().execute(async (trx) => {
                const { value } = await trx
                  .selectFrom('counter')
                  .select('value')
                  .where('id', '=', 1)
                  .executeTakeFirstOrThrow();
                await Promise.resolve();
                await trx
                  .updateTable('counter')
                  .set({ value: value + 1 })
                  .where('id', '=', 1)
                  .execute();
              })
            : db.selectFrom('counter').select('value').execute(),
        ),
      );
      const { value } = await db.selectFrom('counter').select('value').executeTakeFirstOrThrow();
      expect(value).toBe(200);
    } finally {
      await db.destroy();
    }
  });

  it('gives the connection back when a transaction fails', async () => {
    const db = new Kysely<{ t: { id: number } }>({
      dialect: new FifoSqliteDialect({ database: new BetterSqlite3(':memory:') }),
    });
    try {
      await sql`create table t (id integer primary key)`.execute(db);
      await expect(
        db.transaction().execute(async (trx) => {
          await trx.insertInto('t').values({ id: 1 }).execute();
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(await db.selectFrom('t').selectAll().execute()).toEqual([]);
    } finally {
      await db.destroy();
    }
  });
});
