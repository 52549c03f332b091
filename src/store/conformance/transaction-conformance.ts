/**
 * The transactions part of the store conformance suite (`describeStoreConformance` calls it inside its
 * own describe block, with the fresh store of each test).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../store.js';
import { aWindow, aWindowExecution, aWindowTarget, aWindowTask } from './records.js';
import { Abort, T0, uuidOf, windowIdOf } from './support.js';

export function describeTransactionConformance(current: () => Store): void {
  let store: Store;
  beforeEach(() => {
    store = current();
  });

  describe('transactions', () => {
    it('commits every write and returns the result when the function resolves', async () => {
      const window = aWindow();
      const result = await store.transaction(async (trx) => {
        await trx.insertWindow(window);
        await trx.replaceTags('MaintenanceWindow', window.windowId, [{ Key: 'Env', Value: 'Prod' }]);
        return 'done';
      });
      expect(result).toBe('done');
      expect(await store.getWindow(window.windowId)).toEqual(window);
      expect(await store.getTags('MaintenanceWindow', window.windowId)).toEqual([{ Key: 'Env', Value: 'Prod' }]);
    });

    it('sees its own writes before it commits', async () => {
      const window = aWindow();
      await store.transaction(async (trx) => {
        await trx.insertWindow(window);
        expect(await trx.getWindow(window.windowId)).toEqual(window);
        expect(await trx.countWindows()).toBe(1);
      });
    });

    it('leaves nothing behind when the function throws, and rethrows its error', async () => {
      const window = aWindow();
      const target = aWindowTarget({ windowId: window.windowId });
      const task = aWindowTask({ windowId: window.windowId });
      const execution = aWindowExecution({ windowId: window.windowId });
      const abort = new Abort('changed my mind');
      await expect(
        store.transaction(async (trx) => {
          await trx.insertWindow(window);
          await trx.insertWindowTarget(target);
          await trx.insertWindowTask(task);
          await trx.insertWindowExecution(execution);
          await trx.replaceTags('MaintenanceWindow', window.windowId, [{ Key: 'Env', Value: 'Prod' }]);
          await trx.putIdempotencyRecord({
            scope: 'CreateMaintenanceWindow',
            token: 'token-1',
            requestHash: 'h',
            response: '"x"',
            createdAt: T0,
          });
          await trx.putSettingIfAbsent('example-setting', 'value');
          await trx.insertAccessKey({
            accessKeyId: 'AKIAMADO000000000001',
            sealedSecret: 'v1:s',
            role: 'admin',
            createdAt: T0,
          });
          await trx.appendAudit({
            auditId: uuidOf(1),
            at: T0,
            operation: 'CreateMaintenanceWindow',
            outcome: 'allowed',
          });
          throw abort;
        }),
      ).rejects.toBe(abort);

      expect(await store.getWindow(window.windowId)).toBeUndefined();
      expect(await store.countWindows()).toBe(0);
      expect(await store.getWindowTarget(window.windowId, target.windowTargetId)).toBeUndefined();
      expect(await store.getWindowTask(window.windowId, task.windowTaskId)).toBeUndefined();
      expect(await store.getWindowExecution(execution.windowExecutionId)).toBeUndefined();
      expect(await store.getTags('MaintenanceWindow', window.windowId)).toEqual([]);
      expect(await store.getIdempotencyRecord('CreateMaintenanceWindow', 'token-1')).toBeUndefined();
      expect(await store.getSetting('example-setting')).toBeUndefined();
      expect(await store.listAccessKeys()).toEqual([]);
      // The audit id is free again, so the entry was rolled back too.
      await store.appendAudit({
        auditId: uuidOf(1),
        at: T0,
        operation: 'CreateMaintenanceWindow',
        outcome: 'allowed',
      });
    });

    it('rolls back earlier writes when a later statement fails', async () => {
      const windowId = windowIdOf(1);
      const execution = aWindowExecution({ windowId, scheduledAt: T0 });
      await store.insertWindowExecution(execution);
      const window = aWindow({ windowId });
      await expect(
        store.transaction(async (trx) => {
          await trx.insertWindow(window);
          // The same execution id again: a primary-key violation.
          await trx.insertWindowExecution({ ...execution, scheduledAt: T0 + 1 });
        }),
      ).rejects.toThrow();
      expect(await store.getWindow(windowId)).toBeUndefined();
    });

    it('undoes a deletion when the transaction throws', async () => {
      const window = aWindow();
      const target = aWindowTarget({ windowId: window.windowId });
      await store.insertWindow(window);
      await store.insertWindowTarget(target);
      await store.replaceTags('MaintenanceWindow', window.windowId, [{ Key: 'Env', Value: 'Prod' }]);
      await expect(
        store.transaction(async (trx) => {
          expect(await trx.deleteWindow(window.windowId)).toBe(true);
          throw new Abort('no');
        }),
      ).rejects.toBeInstanceOf(Abort);
      expect(await store.getWindow(window.windowId)).toEqual(window);
      expect(await store.getWindowTarget(window.windowId, target.windowTargetId)).toEqual(target);
      expect(await store.getTags('MaintenanceWindow', window.windowId)).toEqual([{ Key: 'Env', Value: 'Prod' }]);
    });

    it('runs a nested transaction inside the outer one, so the outer rollback undoes it', async () => {
      const outer = aWindow();
      const inner = aWindow();
      await expect(
        store.transaction(async (trx) => {
          await trx.insertWindow(outer);
          await trx.transaction(async (nested) => {
            await nested.insertWindow(inner);
          });
          expect(await trx.getWindow(inner.windowId)).toEqual(inner);
          throw new Abort('undo both');
        }),
      ).rejects.toBeInstanceOf(Abort);
      expect(await store.getWindow(outer.windowId)).toBeUndefined();
      expect(await store.getWindow(inner.windowId)).toBeUndefined();
    });

    it('completes concurrent transactions without losing writes', async () => {
      const windows = Array.from({ length: 5 }, () => aWindow());
      await Promise.all(
        windows.map((window) =>
          store.transaction(async (trx) => {
            await trx.countWindows();
            await trx.insertWindow(window);
          }),
        ),
      );
      expect(await store.countWindows()).toBe(5);
    });
  });
}
