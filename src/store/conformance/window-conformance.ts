/**
 * The maintenance windows part of the store conformance suite (`describeStoreConformance` calls it inside its
 * own describe block, with the fresh store of each test).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { MaintenanceWindow } from '../../domain/maintenance-window.js';
import type { Store } from '../store.js';
import { aTaskExecution, aTaskInvocation, aWindow, aWindowExecution, aWindowTarget, aWindowTask } from './records.js';
import { MINUTE, T0, allPages, itemsOf, windowIdOf } from './support.js';

export function describeWindowConformance(current: () => Store): void {
  let store: Store;
  beforeEach(() => {
    store = current();
  });

  describe('maintenance windows', () => {
    const fullWindow = (): MaintenanceWindow =>
      aWindow({
        description: 'Patches every night',
        scheduleTimezone: 'Europe/Berlin',
        scheduleOffset: 2,
        startDate: '2024-01-01T00:00:00+01:00',
        endDate: '2030-01-01T00:00:00Z',
        allowUnassociatedTargets: true,
        enabled: false,
        scheduleAnchorAt: T0 - MINUTE,
        createdAt: T0,
        modifiedAt: T0 + MINUTE,
      });

    it('returns an inserted window with every member as stored', async () => {
      const window = fullWindow();
      await store.insertWindow(window);
      expect(await store.getWindow(window.windowId)).toEqual(window);
    });

    it('returns a window without optional members with those members absent', async () => {
      const window = aWindow();
      await store.insertWindow(window);
      const read = await store.getWindow(window.windowId);
      expect(read).toEqual(window);
      expect(read?.description).toBeUndefined();
      expect(read?.scheduleOffset).toBeUndefined();
    });

    it('returns undefined for an unknown window', async () => {
      expect(await store.getWindow(windowIdOf(404))).toBeUndefined();
    });

    it('refuses a second window with the same id', async () => {
      const window = aWindow();
      await store.insertWindow(window);
      await expect(store.insertWindow({ ...window, name: 'other' })).rejects.toThrow();
      expect((await store.getWindow(window.windowId))?.name).toBe(window.name);
    });

    it('replaces the stored window on update, clearing members the new record lacks', async () => {
      const window = fullWindow();
      await store.insertWindow(window);
      const updated: MaintenanceWindow = {
        ...window,
        name: 'renamed',
        description: undefined,
        scheduleOffset: undefined,
        enabled: true,
        duration: 8,
        modifiedAt: T0 + 2 * MINUTE,
      };
      expect(await store.updateWindow(updated)).toBe(true);
      expect(await store.getWindow(window.windowId)).toEqual(updated);
    });

    it('reports true for an update that changes nothing', async () => {
      const window = aWindow();
      await store.insertWindow(window);
      expect(await store.updateWindow(window)).toBe(true);
    });

    it('reports false when updating an unknown window and does not create it', async () => {
      const window = aWindow();
      expect(await store.updateWindow(window)).toBe(false);
      expect(await store.getWindow(window.windowId)).toBeUndefined();
    });

    it('deletes a window and reports whether it existed', async () => {
      const window = aWindow();
      await store.insertWindow(window);
      expect(await store.deleteWindow(window.windowId)).toBe(true);
      expect(await store.getWindow(window.windowId)).toBeUndefined();
      expect(await store.deleteWindow(window.windowId)).toBe(false);
    });

    it('deletes the targets, tasks and tags of a deleted window', async () => {
      const window = aWindow();
      await store.insertWindow(window);
      const target = aWindowTarget({ windowId: window.windowId });
      const task = aWindowTask({ windowId: window.windowId });
      await store.insertWindowTarget(target);
      await store.insertWindowTask(task);
      await store.replaceTags('MaintenanceWindow', window.windowId, [{ Key: 'Env', Value: 'Prod' }]);

      await store.deleteWindow(window.windowId);

      expect(await store.getWindowTarget(window.windowId, target.windowTargetId)).toBeUndefined();
      expect(await store.getWindowTask(window.windowId, task.windowTaskId)).toBeUndefined();
      expect(await store.countWindowTargets(window.windowId)).toBe(0);
      expect(await store.countWindowTasks(window.windowId)).toBe(0);
      expect(await store.getTags('MaintenanceWindow', window.windowId)).toEqual([]);
    });

    it('keeps the execution history of a deleted window', async () => {
      const window = aWindow();
      await store.insertWindow(window);
      const execution = aWindowExecution({ windowId: window.windowId, status: 'SUCCESS', endedAt: T0 + MINUTE });
      const taskExecution = aTaskExecution({ windowExecutionId: execution.windowExecutionId, status: 'SUCCESS' });
      const invocation = aTaskInvocation({
        windowExecutionId: execution.windowExecutionId,
        taskExecutionId: taskExecution.taskExecutionId,
        status: 'SUCCESS',
      });
      await store.insertWindowExecution(execution);
      await store.insertTaskExecution(taskExecution);
      await store.insertTaskInvocation(invocation);

      await store.deleteWindow(window.windowId);

      expect(await store.getWindowExecution(execution.windowExecutionId)).toEqual(execution);
      expect((await store.listWindowExecutions({ windowId: window.windowId, limit: 10 })).items).toEqual([execution]);
      expect(await store.getTaskExecution(execution.windowExecutionId, taskExecution.taskExecutionId)).toEqual(
        taskExecution,
      );
      expect(
        await store.getTaskInvocation(
          execution.windowExecutionId,
          taskExecution.taskExecutionId,
          invocation.invocationId,
        ),
      ).toEqual(invocation);
    });

    it('leaves the targets, tasks and tags of other windows alone when deleting one', async () => {
      const doomed = aWindow();
      const kept = aWindow();
      await store.insertWindow(doomed);
      await store.insertWindow(kept);
      const target = aWindowTarget({ windowId: kept.windowId });
      const task = aWindowTask({ windowId: kept.windowId });
      await store.insertWindowTarget(target);
      await store.insertWindowTask(task);
      await store.replaceTags('MaintenanceWindow', kept.windowId, [{ Key: 'Env', Value: 'Prod' }]);
      await store.replaceTags('Document', doomed.windowId, [{ Key: 'Env', Value: 'Prod' }]);

      await store.deleteWindow(doomed.windowId);

      expect(await store.getWindow(kept.windowId)).toEqual(kept);
      expect(await store.getWindowTarget(kept.windowId, target.windowTargetId)).toEqual(target);
      expect(await store.getWindowTask(kept.windowId, task.windowTaskId)).toEqual(task);
      expect(await store.getTags('MaintenanceWindow', kept.windowId)).toEqual([{ Key: 'Env', Value: 'Prod' }]);
      expect(await store.getTags('Document', doomed.windowId)).toEqual([{ Key: 'Env', Value: 'Prod' }]);
    });

    it('counts the windows', async () => {
      expect(await store.countWindows()).toBe(0);
      await store.insertWindow(aWindow());
      await store.insertWindow(aWindow());
      expect(await store.countWindows()).toBe(2);
    });

    it('lists all windows ordered by window id', async () => {
      const windows = [3, 1, 2].map((n) => aWindow({ windowId: windowIdOf(n), createdAt: T0 - n * MINUTE }));
      for (const window of windows) {
        await store.insertWindow(window);
      }
      expect((await store.listAllWindows()).map((window) => window.windowId)).toEqual([
        windowIdOf(1),
        windowIdOf(2),
        windowIdOf(3),
      ]);
    });

    it('lists windows oldest first in pages of the requested size', async () => {
      const windows = [4, 0, 2, 1, 3].map((n) => aWindow({ windowId: windowIdOf(10 - n), createdAt: T0 + n * MINUTE }));
      for (const window of windows) {
        await store.insertWindow(window);
      }
      const pages = await allPages((after) => store.listWindows({ limit: 2, after }));
      expect(pages.map((page) => page.items.length)).toEqual([2, 2, 1]);
      expect(itemsOf(pages).map((window) => window.createdAt)).toEqual([0, 1, 2, 3, 4].map((n) => T0 + n * MINUTE));
      expect(pages.at(-1)?.next).toBeUndefined();
    });

    it('omits the cursor when the last page is exactly full', async () => {
      for (let n = 0; n < 4; n++) {
        await store.insertWindow(aWindow({ createdAt: T0 + n }));
      }
      const pages = await allPages((after) => store.listWindows({ limit: 2, after }));
      expect(pages.map((page) => page.items.length)).toEqual([2, 2]);
      expect((await store.listWindows({ limit: 4 })).next).toBeUndefined();
    });

    it('returns an empty page without a cursor when there are no windows', async () => {
      expect(await store.listWindows({ limit: 10 })).toEqual({ items: [] });
    });

    it('breaks ties on creation time by window id across pages', async () => {
      const ids = [5, 2, 4, 1, 3].map(windowIdOf);
      for (const windowId of ids) {
        await store.insertWindow(aWindow({ windowId, createdAt: T0 }));
      }
      const pages = await allPages((after) => store.listWindows({ limit: 2, after }));
      expect(itemsOf(pages).map((window) => window.windowId)).toEqual([1, 2, 3, 4, 5].map(windowIdOf));
    });

    it('visits every window once when windows are inserted between pages', async () => {
      for (let n = 1; n <= 4; n++) {
        await store.insertWindow(aWindow({ windowId: windowIdOf(n), createdAt: T0 + n * MINUTE }));
      }
      const first = await store.listWindows({ limit: 2 });
      // One window sorts before the cursor (tie on time, smaller id), one after everything.
      await store.insertWindow(aWindow({ windowId: windowIdOf(0), createdAt: T0 + 2 * MINUTE }));
      await store.insertWindow(aWindow({ windowId: windowIdOf(9), createdAt: T0 + 9 * MINUTE }));
      const rest = await allPages((after) => store.listWindows({ limit: 2, after: after ?? first.next }));
      expect([...first.items, ...itemsOf(rest)].map((window) => window.windowId)).toEqual(
        [1, 2, 3, 4, 9].map(windowIdOf),
      );
    });

    it('filters windows by name prefixes, OR-ed', async () => {
      for (const name of ['web-blue', 'web-green', 'db-primary', 'website', 'api']) {
        await store.insertWindow(aWindow({ name }));
      }
      const names = async (namePrefixes: string[]) =>
        (await store.listWindows({ limit: 10, namePrefixes })).items.map((window) => window.name).sort();
      expect(await names(['web-'])).toEqual(['web-blue', 'web-green']);
      expect(await names(['web-', 'db'])).toEqual(['db-primary', 'web-blue', 'web-green']);
      expect(await names(['web'])).toEqual(['web-blue', 'web-green', 'website']);
      expect(await names(['api'])).toEqual(['api']);
      expect(await names(['apis'])).toEqual([]);
    });

    it('treats _ and % in a name prefix as plain characters, not wildcards', async () => {
      for (const name of ['patch_a', 'patch-b', 'patchXc', 'patch.d', 'other']) {
        await store.insertWindow(aWindow({ name }));
      }
      const names = async (prefix: string) =>
        (await store.listWindows({ limit: 10, namePrefixes: [prefix] })).items.map((window) => window.name).sort();
      expect(await names('patch_')).toEqual(['patch_a']);
      expect(await names('patch%')).toEqual([]);
      expect(await names('%')).toEqual([]);
      expect(await names('_')).toEqual([]);
      expect(await names('patch.')).toEqual(['patch.d']);
    });

    it('matches name prefixes case-sensitively', async () => {
      await store.insertWindow(aWindow({ name: 'Web-blue' }));
      await store.insertWindow(aWindow({ name: 'web-green' }));
      const page = await store.listWindows({ limit: 10, namePrefixes: ['web'] });
      expect(page.items.map((window) => window.name)).toEqual(['web-green']);
    });

    it('matches no window for an empty list of name prefixes', async () => {
      await store.insertWindow(aWindow({ name: 'web-blue' }));
      expect((await store.listWindows({ limit: 10, namePrefixes: [] })).items).toEqual([]);
    });

    it('filters windows by Enabled', async () => {
      const on = aWindow({ enabled: true, createdAt: T0 });
      const off = aWindow({ enabled: false, createdAt: T0 + 1 });
      await store.insertWindow(on);
      await store.insertWindow(off);
      expect((await store.listWindows({ limit: 10, enabled: true })).items).toEqual([on]);
      expect((await store.listWindows({ limit: 10, enabled: false })).items).toEqual([off]);
      expect((await store.listWindows({ limit: 10 })).items).toEqual([on, off]);
    });

    it('pages through the windows that match every filter', async () => {
      for (let n = 0; n < 9; n++) {
        await store.insertWindow(
          aWindow({ name: n % 3 === 0 ? `db-${n}` : `web-${n}`, enabled: n % 2 === 0, createdAt: T0 + n * MINUTE }),
        );
      }
      const pages = await allPages((after) =>
        store.listWindows({ limit: 1, after, namePrefixes: ['web-'], enabled: true }),
      );
      expect(itemsOf(pages).map((window) => window.name)).toEqual(['web-2', 'web-4', 'web-8']);
    });
  });
}
