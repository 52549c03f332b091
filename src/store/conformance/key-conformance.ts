/**
 * The tags, idempotency records, access keys, settings and the audit log part of the store conformance suite (`describeStoreConformance` calls it inside its
 * own describe block, with the fresh store of each test).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { StoredAccessKey } from '../../domain/access-key.js';
import type { IdempotencyRecord, Store } from '../store.js';
import { T0, uuidOf, windowIdOf } from './support.js';

export function describeKeyConformance(current: () => Store): void {
  let store: Store;
  beforeEach(() => {
    store = current();
  });

  describe('tags', () => {
    it('returns the tags of a resource sorted by key', async () => {
      await store.replaceTags('MaintenanceWindow', windowIdOf(1), [
        { Key: 'Owner', Value: 'team-web' },
        { Key: 'CostCenter', Value: '42' },
        { Key: 'Env', Value: '' },
      ]);
      expect(await store.getTags('MaintenanceWindow', windowIdOf(1))).toEqual([
        { Key: 'CostCenter', Value: '42' },
        { Key: 'Env', Value: '' },
        { Key: 'Owner', Value: 'team-web' },
      ]);
    });

    it('replaces the whole tag set of a resource', async () => {
      await store.replaceTags('MaintenanceWindow', windowIdOf(1), [
        { Key: 'Env', Value: 'Dev' },
        { Key: 'Owner', Value: 'me' },
      ]);
      await store.replaceTags('MaintenanceWindow', windowIdOf(1), [{ Key: 'Env', Value: 'Prod' }]);
      expect(await store.getTags('MaintenanceWindow', windowIdOf(1))).toEqual([{ Key: 'Env', Value: 'Prod' }]);
      await store.replaceTags('MaintenanceWindow', windowIdOf(1), []);
      expect(await store.getTags('MaintenanceWindow', windowIdOf(1))).toEqual([]);
    });

    it('keeps the tags of each resource type and id apart', async () => {
      await store.replaceTags('MaintenanceWindow', 'shared-id', [{ Key: 'Kind', Value: 'window' }]);
      await store.replaceTags('Document', 'shared-id', [{ Key: 'Kind', Value: 'document' }]);
      await store.replaceTags('ManagedInstance', 'mi-0123456789abcdef0', [{ Key: 'Kind', Value: 'node' }]);
      expect(await store.getTags('MaintenanceWindow', 'shared-id')).toEqual([{ Key: 'Kind', Value: 'window' }]);
      expect(await store.getTags('Document', 'shared-id')).toEqual([{ Key: 'Kind', Value: 'document' }]);
      expect(await store.getTags('ManagedInstance', 'mi-0123456789abcdef0')).toEqual([{ Key: 'Kind', Value: 'node' }]);
      expect(await store.getTags('ManagedInstance', 'mi-0123456789abcdef1')).toEqual([]);
    });

    it('keeps the previous tags when a replacement fails', async () => {
      await store.replaceTags('MaintenanceWindow', windowIdOf(1), [{ Key: 'Env', Value: 'Dev' }]);
      await expect(
        store.replaceTags('MaintenanceWindow', windowIdOf(1), [
          { Key: 'Env', Value: 'Prod' },
          { Key: 'Env', Value: 'Test' },
        ]),
      ).rejects.toThrow();
      expect(await store.getTags('MaintenanceWindow', windowIdOf(1))).toEqual([{ Key: 'Env', Value: 'Dev' }]);
    });
  });

  describe('idempotency records', () => {
    const record = (overrides: Partial<IdempotencyRecord> = {}): IdempotencyRecord => ({
      scope: 'CreateMaintenanceWindow',
      token: 'token-1',
      requestHash: 'a'.repeat(64),
      response: JSON.stringify('mw-0123456789abcdef0'),
      createdAt: T0,
      ...overrides,
    });

    it('returns a stored record by scope and token', async () => {
      await store.putIdempotencyRecord(record());
      expect(await store.getIdempotencyRecord('CreateMaintenanceWindow', 'token-1')).toEqual(record());
      expect(await store.getIdempotencyRecord('CreateMaintenanceWindow', 'token-2')).toBeUndefined();
      expect(await store.getIdempotencyRecord('RegisterTargetWithMaintenanceWindow:mw-0', 'token-1')).toBeUndefined();
    });

    it('keeps records with the same token in different scopes apart', async () => {
      await store.putIdempotencyRecord(record({ scope: 'a', response: '"first"' }));
      await store.putIdempotencyRecord(record({ scope: 'b', response: '"second"' }));
      expect((await store.getIdempotencyRecord('a', 'token-1'))?.response).toBe('"first"');
      expect((await store.getIdempotencyRecord('b', 'token-1'))?.response).toBe('"second"');
    });

    it('prunes only records created before the given instant and reports how many', async () => {
      await store.putIdempotencyRecord(record({ token: 'old', createdAt: T0 - 2 }));
      await store.putIdempotencyRecord(record({ token: 'older', createdAt: T0 - 1 }));
      await store.putIdempotencyRecord(record({ token: 'boundary', createdAt: T0 }));
      await store.putIdempotencyRecord(record({ token: 'new', createdAt: T0 + 1 }));
      expect(await store.pruneIdempotencyRecords(T0)).toBe(2);
      expect(await store.getIdempotencyRecord('CreateMaintenanceWindow', 'old')).toBeUndefined();
      expect(await store.getIdempotencyRecord('CreateMaintenanceWindow', 'older')).toBeUndefined();
      expect(await store.getIdempotencyRecord('CreateMaintenanceWindow', 'boundary')).toBeDefined();
      expect(await store.getIdempotencyRecord('CreateMaintenanceWindow', 'new')).toBeDefined();
      expect(await store.pruneIdempotencyRecords(T0)).toBe(0);
    });
  });

  describe('access keys', () => {
    const key = (overrides: Partial<StoredAccessKey> = {}): StoredAccessKey => ({
      accessKeyId: 'AKIAMADO000000000001',
      sealedSecret: 'v1:sealed-1',
      role: 'operator',
      description: 'CI pipeline',
      createdAt: T0,
      ...overrides,
    });

    it('lists inserted keys oldest first', async () => {
      const second = key({
        accessKeyId: 'AKIAMADO000000000002',
        createdAt: T0 + 1,
        description: undefined,
        role: 'read-only',
      });
      const first = key();
      await store.insertAccessKey(second);
      await store.insertAccessKey(first);
      expect(await store.listAccessKeys()).toEqual([first, second]);
    });

    it('refuses to insert a second key with the same id', async () => {
      await store.insertAccessKey(key());
      await expect(store.insertAccessKey(key({ sealedSecret: 'v1:other' }))).rejects.toThrow();
      expect((await store.listAccessKeys()).map((stored) => stored.sealedSecret)).toEqual(['v1:sealed-1']);
    });

    it('inserts a new key on upsert', async () => {
      await store.upsertAccessKey(key());
      expect(await store.listAccessKeys()).toEqual([key()]);
    });

    it('replaces an existing key on upsert', async () => {
      await store.insertAccessKey(key());
      const replaced = key({ sealedSecret: 'v1:rotated', role: 'admin', description: undefined, createdAt: T0 + 5 });
      await store.upsertAccessKey(replaced);
      expect(await store.listAccessKeys()).toEqual([replaced]);
    });

    it('deletes a key and reports whether it existed', async () => {
      await store.insertAccessKey(key());
      expect(await store.deleteAccessKey('AKIAMADO000000000001')).toBe(true);
      expect(await store.listAccessKeys()).toEqual([]);
      expect(await store.deleteAccessKey('AKIAMADO000000000001')).toBe(false);
    });
  });

  describe('settings', () => {
    it('returns undefined for a setting never stored', async () => {
      expect(await store.getSetting('example-setting')).toBeUndefined();
    });

    it('stores a setting that is absent and returns it', async () => {
      expect(await store.putSettingIfAbsent('example-setting', 'first')).toBe('first');
      expect(await store.getSetting('example-setting')).toBe('first');
    });

    it('keeps the first value of a setting and returns it to later writers', async () => {
      await store.putSettingIfAbsent('example-setting', 'first');
      expect(await store.putSettingIfAbsent('example-setting', 'second')).toBe('first');
      expect(await store.getSetting('example-setting')).toBe('first');
    });

    it('replaces a stored setting on put and creates an absent one', async () => {
      await store.putSetting('example-setting', 'first');
      expect(await store.getSetting('example-setting')).toBe('first');
      await store.putSetting('example-setting', 'second');
      expect(await store.getSetting('example-setting')).toBe('second');
    });
  });

  describe('audit log', () => {
    it('appends entries with and without optional members', async () => {
      await expect(
        store.appendAudit({
          auditId: uuidOf(1),
          at: T0,
          accessKeyId: 'AKIAMADO000000000001',
          operation: 'DeleteMaintenanceWindow',
          resourceId: windowIdOf(1),
          outcome: 'allowed',
          detail: 'role operator',
        }),
      ).resolves.toBeUndefined();
      await expect(
        store.appendAudit({ auditId: uuidOf(2), at: T0, operation: 'CreateAccessKey', outcome: 'denied' }),
      ).resolves.toBeUndefined();
    });

    it('lists audit entries newest first, filtered by key, operation, outcome and time, in pages', async () => {
      const key = 'AKIAMADO000000000001';
      for (let i = 1; i <= 5; i++) {
        await store.appendAudit({
          auditId: uuidOf(i),
          at: T0 + i * 1000,
          accessKeyId: i % 2 === 0 ? key : undefined,
          operation: i <= 3 ? 'SendCommand' : 'CreateDocument',
          outcome: i === 5 ? 'refused' : 'allowed',
          sourceIp: '127.0.0.1',
          target: 'AmazonSSM.SendCommand',
          requestId: `request-${i}`,
        });
      }
      const first = await store.listAudit({ limit: 2 });
      expect(first.items.map((entry) => entry.auditId)).toEqual([uuidOf(5), uuidOf(4)]);
      expect(first.items[0]).toMatchObject({ sourceIp: '127.0.0.1', requestId: 'request-5', outcome: 'refused' });
      const second = await store.listAudit({ limit: 10, after: first.next });
      expect(second.items.map((entry) => entry.auditId)).toEqual([uuidOf(3), uuidOf(2), uuidOf(1)]);
      expect(second.next).toBeUndefined();
      expect((await store.listAudit({ limit: 10, accessKeyId: key })).items.map((e) => e.auditId)).toEqual([
        uuidOf(4),
        uuidOf(2),
      ]);
      expect((await store.listAudit({ limit: 10, operation: 'CreateDocument' })).items).toHaveLength(2);
      expect((await store.listAudit({ limit: 10, outcome: 'refused' })).items).toHaveLength(1);
      const window = await store.listAudit({ limit: 10, atOrAfter: T0 + 2000, atOrBefore: T0 + 3000 });
      expect(window.items.map((e) => e.auditId)).toEqual([uuidOf(3), uuidOf(2)]);
      expect(await store.pruneAudit(T0 + 3000)).toBe(2);
      expect((await store.listAudit({ limit: 10 })).items).toHaveLength(3);
    });
  });
}
