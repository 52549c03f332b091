/**
 * The queries of what the server keeps about itself and its callers: access keys (sealed
 * secrets), settings, and remembered idempotent requests. Dialect-neutral.
 */
import type { StoredAccessKey } from '../../domain/access-key.js';
import type { IdempotencyRecord } from '../store.js';
import type { Db } from './query-kit.js';
import { accessKeyToRow, rowToAccessKey } from './rows.js';

export async function getIdempotencyRecord(
  db: Db,
  scope: string,
  token: string,
): Promise<IdempotencyRecord | undefined> {
  const row = await db
    .selectFrom('idempotency_records')
    .selectAll()
    .where('scope', '=', scope)
    .where('token', '=', token)
    .executeTakeFirst();
  return row === undefined
    ? undefined
    : {
        scope: row.scope,
        token: row.token,
        requestHash: row.request_hash,
        response: row.response,
        createdAt: Number(row.created_at),
      };
}

export async function putIdempotencyRecord(db: Db, record: IdempotencyRecord): Promise<void> {
  await db
    .insertInto('idempotency_records')
    .values({
      scope: record.scope,
      token: record.token,
      request_hash: record.requestHash,
      response: record.response,
      created_at: record.createdAt,
    })
    .execute();
}

export async function pruneIdempotencyRecords(db: Db, before: number): Promise<number> {
  const result = await db.deleteFrom('idempotency_records').where('created_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function insertAccessKey(db: Db, key: StoredAccessKey): Promise<void> {
  await db.insertInto('access_keys').values(accessKeyToRow(key)).execute();
}

export async function upsertAccessKey(db: Db, key: StoredAccessKey): Promise<void> {
  const row = accessKeyToRow(key);
  const { access_key_id: _id, ...rest } = row;
  await db
    .insertInto('access_keys')
    .values(row)
    .onConflict((oc) => oc.column('access_key_id').doUpdateSet(rest))
    .execute();
}

export async function deleteAccessKey(db: Db, accessKeyId: string): Promise<boolean> {
  const result = await db.deleteFrom('access_keys').where('access_key_id', '=', accessKeyId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function listAccessKeys(db: Db): Promise<StoredAccessKey[]> {
  const rows = await db.selectFrom('access_keys').selectAll().orderBy('created_at').orderBy('access_key_id').execute();
  return rows.map(rowToAccessKey);
}

export async function getSetting(db: Db, name: string): Promise<string | undefined> {
  const row = await db.selectFrom('settings').select('value').where('name', '=', name).executeTakeFirst();
  return row?.value;
}

export async function putSettingIfAbsent(db: Db, name: string, value: string): Promise<string> {
  await db
    .insertInto('settings')
    .values({ name, value })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  return (await getSetting(db, name))!;
}

export async function putSetting(db: Db, name: string, value: string): Promise<void> {
  await db
    .insertInto('settings')
    .values({ name, value })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value }))
    .execute();
}
