/**
 * The behaviour every Store backend must show, as one vitest suite. A backend's test file calls
 * `describeStoreConformance(name, makeStore)`; each test gets a fresh, empty, migrated store from
 * `makeStore` and disposes of it afterwards. The suite speaks only the Store interface, in domain
 * terms, so SQLite and PostgreSQL run exactly the same checks.
 *
 * Conventions checked throughout:
 * - lists are keyset-paginated: `next` is present only when more items exist, and following it
 *   visits every item exactly once, even when sort times tie and when rows are inserted between
 *   pages;
 * - list filters are OR-ed within one filter and AND-ed across filters; an empty value list
 *   matches nothing;
 * - `transaction(fn)` is all or nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredAccessKey } from '../../domain/access-key.js';
import type { MaintenanceWindow, WindowTarget, WindowTask } from '../../domain/maintenance-window.js';
import type { Command } from '../../domain/command.js';
import type { RunPlan, TaskExecution, TaskInvocation, WindowExecution } from '../../domain/window-execution.js';
import type { Cursor, IdempotencyRecord, Page, Store } from '../store.js';
import { describeAgentReleaseConformance } from './agent-release-conformance.js';
import { describeDocumentConformance } from './document-conformance.js';
import { describePackageConformance } from './package-conformance.js';
import {
  aCommand,
  aCommandInvocation,
  aTaskExecution,
  aTaskInvocation,
  aWindow,
  aWindowExecution,
  aWindowTarget,
  aWindowTask,
} from './records.js';

export interface StoreUnderTest {
  readonly store: Store;
  /** Closes the store and removes whatever `makeStore` created. */
  dispose(): Promise<void>;
}

const T0 = Date.UTC(2024, 0, 15, 12, 0, 0);
const MINUTE = 60_000;

/** `mw-` ids that sort in the order of `n`. */
function windowIdOf(n: number): string {
  return `mw-${n.toString(16).padStart(17, '0')}`;
}

/** UUIDs that sort in the order of `n`. */
function uuidOf(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

/** A run plan with two tasks, as the window engine writes it when a run starts. */
function aPlan(): RunPlan {
  const windowId = windowIdOf(1);
  return {
    duration: 3,
    cutoff: 1,
    allowUnassociatedTargets: true,
    tasks: [
      aWindowTask({
        windowId,
        windowTaskId: uuidOf(1),
        priority: 0,
        taskParameters: { commands: { Values: ['uptime'] } },
        cutoffBehavior: 'CANCEL_TASK',
      }),
      aWindowTask({
        windowId,
        windowTaskId: uuidOf(2),
        taskType: 'AUTOMATION',
        taskArn: 'AWS-RestartEC2Instance',
        targets: [],
        priority: 1,
      }),
    ],
  };
}

/** Follows `next` from the first page to the last; returns every page. */
async function allPages<T>(list: (after: Cursor | undefined) => Promise<Page<T>>): Promise<Page<T>[]> {
  const pages: Page<T>[] = [];
  let after: Cursor | undefined;
  do {
    const page = await list(after);
    pages.push(page);
    after = page.next;
    if (pages.length > 100) {
      throw new Error('pagination does not end');
    }
  } while (after !== undefined);
  return pages;
}

function itemsOf<T>(pages: readonly Page<T>[]): T[] {
  return pages.flatMap((page) => page.items);
}

/** A stand-in for anything a test throws on purpose. */
class Abort extends Error {
  override readonly name = 'Abort';
}

export function describeStoreConformance(name: string, makeStore: () => Promise<StoreUnderTest>): void {
  describe(`Store conformance: ${name}`, () => {
    let subject: StoreUnderTest;
    let store: Store;

    beforeEach(async () => {
      subject = await makeStore();
      store = subject.store;
    });

    afterEach(async () => {
      await subject.dispose();
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
        const windows = [4, 0, 2, 1, 3].map((n) =>
          aWindow({ windowId: windowIdOf(10 - n), createdAt: T0 + n * MINUTE }),
        );
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

    describe('window targets', () => {
      const fullTarget = (windowId: string): WindowTarget =>
        aWindowTarget({
          windowId,
          resourceType: 'RESOURCE_GROUP',
          targets: [
            { Key: 'resource-groups:Name', Values: ['web-servers'] },
            { Key: 'resource-groups:ResourceTypeFilters', Values: ['AWS::SSM::ManagedInstance'] },
          ],
          ownerInformation: 'team-web',
          name: 'web',
          description: 'Web servers',
        });

      it('returns an inserted target with every member as stored', async () => {
        const target = fullTarget(windowIdOf(1));
        await store.insertWindowTarget(target);
        expect(await store.getWindowTarget(target.windowId, target.windowTargetId)).toEqual(target);
      });

      it('returns a target without optional members with those members absent', async () => {
        const target = aWindowTarget();
        await store.insertWindowTarget(target);
        const read = await store.getWindowTarget(target.windowId, target.windowTargetId);
        expect(read).toEqual(target);
        expect(read?.ownerInformation).toBeUndefined();
      });

      it('does not find a target under another window', async () => {
        const target = aWindowTarget({ windowId: windowIdOf(1) });
        await store.insertWindowTarget(target);
        expect(await store.getWindowTarget(windowIdOf(2), target.windowTargetId)).toBeUndefined();
      });

      it('replaces a stored target on update and reports whether it existed', async () => {
        const target = fullTarget(windowIdOf(1));
        await store.insertWindowTarget(target);
        const updated: WindowTarget = {
          ...target,
          resourceType: 'INSTANCE',
          targets: [{ Key: 'InstanceIds', Values: ['mi-0123456789abcdef0'] }],
          ownerInformation: undefined,
          name: 'renamed',
        };
        expect(await store.updateWindowTarget(updated)).toBe(true);
        expect(await store.getWindowTarget(target.windowId, target.windowTargetId)).toEqual(updated);
        expect(await store.updateWindowTarget(aWindowTarget())).toBe(false);
      });

      it('deletes a target only under its own window', async () => {
        const target = aWindowTarget({ windowId: windowIdOf(1) });
        await store.insertWindowTarget(target);
        expect(await store.deleteWindowTarget(windowIdOf(2), target.windowTargetId)).toBe(false);
        expect(await store.getWindowTarget(target.windowId, target.windowTargetId)).toEqual(target);
        expect(await store.deleteWindowTarget(target.windowId, target.windowTargetId)).toBe(true);
        expect(await store.getWindowTarget(target.windowId, target.windowTargetId)).toBeUndefined();
        expect(await store.deleteWindowTarget(target.windowId, target.windowTargetId)).toBe(false);
      });

      it('lists the targets of one window oldest first, breaking time ties by id', async () => {
        const windowId = windowIdOf(1);
        const targets = [
          aWindowTarget({ windowId, windowTargetId: uuidOf(4), createdAt: T0 }),
          aWindowTarget({ windowId, windowTargetId: uuidOf(2), createdAt: T0 + MINUTE }),
          aWindowTarget({ windowId, windowTargetId: uuidOf(3), createdAt: T0 }),
          aWindowTarget({ windowId, windowTargetId: uuidOf(1), createdAt: T0 }),
          aWindowTarget({ windowId: windowIdOf(2), windowTargetId: uuidOf(0), createdAt: T0 }),
        ];
        for (const target of targets) {
          await store.insertWindowTarget(target);
        }
        const pages = await allPages((after) => store.listWindowTargets({ windowId, limit: 2, after }));
        expect(pages.map((page) => page.items.length)).toEqual([2, 2]);
        expect(itemsOf(pages).map((target) => target.windowTargetId)).toEqual([1, 3, 4, 2].map(uuidOf));
      });

      it('visits every target once when targets are registered between pages', async () => {
        const windowId = windowIdOf(1);
        for (let n = 1; n <= 3; n++) {
          await store.insertWindowTarget(aWindowTarget({ windowId, windowTargetId: uuidOf(n), createdAt: T0 + n }));
        }
        const first = await store.listWindowTargets({ windowId, limit: 2 });
        await store.insertWindowTarget(aWindowTarget({ windowId, windowTargetId: uuidOf(9), createdAt: T0 + 9 }));
        const rest = await allPages((after) =>
          store.listWindowTargets({ windowId, limit: 2, after: after ?? first.next }),
        );
        expect([...first.items, ...itemsOf(rest)].map((target) => target.windowTargetId)).toEqual(
          [1, 2, 3, 9].map(uuidOf),
        );
      });

      it('filters targets by resource type, target id and owner information', async () => {
        const windowId = windowIdOf(1);
        const web = aWindowTarget({ windowId, windowTargetId: uuidOf(1), ownerInformation: 'team-web', createdAt: T0 });
        const api = aWindowTarget({
          windowId,
          windowTargetId: uuidOf(2),
          ownerInformation: 'team-api',
          createdAt: T0 + 1,
        });
        const group = aWindowTarget({
          windowId,
          windowTargetId: uuidOf(3),
          resourceType: 'RESOURCE_GROUP',
          targets: [{ Key: 'resource-groups:Name', Values: ['web-servers'] }],
          ownerInformation: 'team-web',
          createdAt: T0 + 2,
        });
        const unowned = aWindowTarget({ windowId, windowTargetId: uuidOf(4), createdAt: T0 + 3 });
        for (const target of [web, api, group, unowned]) {
          await store.insertWindowTarget(target);
        }
        const ids = async (filters: Partial<Parameters<Store['listWindowTargets']>[0]>) =>
          (await store.listWindowTargets({ windowId, limit: 10, ...filters })).items.map(
            (target) => target.windowTargetId,
          );

        expect(await ids({ resourceTypes: ['INSTANCE'] })).toEqual([1, 2, 4].map(uuidOf));
        expect(await ids({ resourceTypes: ['RESOURCE_GROUP'] })).toEqual([uuidOf(3)]);
        expect(await ids({ windowTargetIds: [uuidOf(2), uuidOf(4), uuidOf(99)] })).toEqual([2, 4].map(uuidOf));
        expect(await ids({ ownerInformation: ['team-web'] })).toEqual([1, 3].map(uuidOf));
        expect(await ids({ ownerInformation: ['team-web', 'team-api'] })).toEqual([1, 2, 3].map(uuidOf));
        expect(await ids({ resourceTypes: ['INSTANCE'], ownerInformation: ['team-web'] })).toEqual([uuidOf(1)]);
      });

      it('matches no target for an empty filter value list', async () => {
        const windowId = windowIdOf(1);
        await store.insertWindowTarget(aWindowTarget({ windowId, ownerInformation: 'team-web' }));
        for (const filter of [{ resourceTypes: [] }, { windowTargetIds: [] }, { ownerInformation: [] }]) {
          expect((await store.listWindowTargets({ windowId, limit: 10, ...filter })).items).toEqual([]);
        }
      });

      it('lists the targets of every window and counts them per window', async () => {
        const first = aWindowTarget({ windowId: windowIdOf(1) });
        const second = aWindowTarget({ windowId: windowIdOf(1), createdAt: T0 + 1 });
        const other = aWindowTarget({ windowId: windowIdOf(2) });
        for (const target of [first, second, other]) {
          await store.insertWindowTarget(target);
        }
        const all = await store.listAllWindowTargets();
        expect(all).toHaveLength(3);
        expect(all).toEqual(expect.arrayContaining([first, second, other]));
        expect(await store.countWindowTargets(windowIdOf(1))).toBe(2);
        expect(await store.countWindowTargets(windowIdOf(2))).toBe(1);
        expect(await store.countWindowTargets(windowIdOf(3))).toBe(0);
      });
    });

    describe('window tasks', () => {
      const fullTask = (windowId: string): WindowTask =>
        aWindowTask({
          windowId,
          targets: [{ Key: 'InstanceIds', Values: ['mi-0123456789abcdef0', 'mi-0123456789abcdef1'] }],
          serviceRoleArn: 'arn:aws:iam::123456789012:role/MaintenanceWindows',
          taskParameters: { commands: { Values: ['uptime', 'df -h'] } },
          taskInvocationParameters: {
            RunCommand: {
              Comment: 'nightly {{WINDOW_EXECUTION_ID}}',
              Parameters: { commands: ['echo "ünïcode"'] },
              TimeoutSeconds: 600,
              NotificationConfig: { NotificationEvents: ['Failed'], NotificationType: 'Command' },
            },
          },
          priority: 0,
          maxConcurrency: '10%',
          maxErrors: '0',
          loggingInfo: { S3BucketName: 'logs', S3KeyPrefix: 'mw/', S3Region: 'eu-central-1' },
          name: 'patch-web',
          description: 'Patches the web tier',
          cutoffBehavior: 'CANCEL_TASK',
          alarmConfiguration: { IgnorePollAlarmFailure: true, Alarms: [{ Name: 'cpu-high' }] },
        });

      it('returns an inserted task with every member as stored', async () => {
        const task = fullTask(windowIdOf(1));
        await store.insertWindowTask(task);
        expect(await store.getWindowTask(task.windowId, task.windowTaskId)).toEqual(task);
      });

      it('returns a task without optional members with those members absent', async () => {
        const task = aWindowTask();
        await store.insertWindowTask(task);
        const read = await store.getWindowTask(task.windowId, task.windowTaskId);
        expect(read).toEqual(task);
        expect(read?.taskInvocationParameters).toBeUndefined();
        expect(read?.cutoffBehavior).toBeUndefined();
      });

      it('does not find a task under another window', async () => {
        const task = aWindowTask({ windowId: windowIdOf(1) });
        await store.insertWindowTask(task);
        expect(await store.getWindowTask(windowIdOf(2), task.windowTaskId)).toBeUndefined();
      });

      it('replaces a stored task on update and reports whether it existed', async () => {
        const task = fullTask(windowIdOf(1));
        await store.insertWindowTask(task);
        const updated: WindowTask = {
          ...task,
          taskArn: 'AWS-RunPowerShellScript',
          taskInvocationParameters: { RunCommand: { OutputS3BucketName: 'new-bucket' } },
          loggingInfo: undefined,
          alarmConfiguration: undefined,
          priority: 7,
        };
        expect(await store.updateWindowTask(updated)).toBe(true);
        expect(await store.getWindowTask(task.windowId, task.windowTaskId)).toEqual(updated);
        expect(await store.updateWindowTask(aWindowTask())).toBe(false);
      });

      it('deletes a task only under its own window', async () => {
        const task = aWindowTask({ windowId: windowIdOf(1) });
        await store.insertWindowTask(task);
        expect(await store.deleteWindowTask(windowIdOf(2), task.windowTaskId)).toBe(false);
        expect(await store.deleteWindowTask(task.windowId, task.windowTaskId)).toBe(true);
        expect(await store.getWindowTask(task.windowId, task.windowTaskId)).toBeUndefined();
        expect(await store.deleteWindowTask(task.windowId, task.windowTaskId)).toBe(false);
      });

      it('lists the tasks of one window in registration order, breaking time ties by id', async () => {
        const windowId = windowIdOf(1);
        const tasks = [
          aWindowTask({ windowId, windowTaskId: uuidOf(3), createdAt: T0 }),
          aWindowTask({ windowId, windowTaskId: uuidOf(1), createdAt: T0 + MINUTE }),
          aWindowTask({ windowId, windowTaskId: uuidOf(2), createdAt: T0 }),
          aWindowTask({ windowId, windowTaskId: uuidOf(5), createdAt: T0 }),
          aWindowTask({ windowId: windowIdOf(2), windowTaskId: uuidOf(0), createdAt: T0 }),
        ];
        for (const task of tasks) {
          await store.insertWindowTask(task);
        }
        const pages = await allPages((after) => store.listWindowTasks({ windowId, limit: 3, after }));
        expect(pages.map((page) => page.items.length)).toEqual([3, 1]);
        expect(itemsOf(pages).map((task) => task.windowTaskId)).toEqual([2, 3, 5, 1].map(uuidOf));
        expect((await store.listAllWindowTasks(windowId)).map((task) => task.windowTaskId)).toEqual(
          [2, 3, 5, 1].map(uuidOf),
        );
      });

      it('visits every task once when tasks are registered between pages', async () => {
        const windowId = windowIdOf(1);
        for (let n = 1; n <= 3; n++) {
          await store.insertWindowTask(aWindowTask({ windowId, windowTaskId: uuidOf(n), createdAt: T0 }));
        }
        const first = await store.listWindowTasks({ windowId, limit: 2 });
        await store.insertWindowTask(aWindowTask({ windowId, windowTaskId: uuidOf(0), createdAt: T0 }));
        await store.insertWindowTask(aWindowTask({ windowId, windowTaskId: uuidOf(9), createdAt: T0 }));
        const rest = await allPages((after) =>
          store.listWindowTasks({ windowId, limit: 2, after: after ?? first.next }),
        );
        expect([...first.items, ...itemsOf(rest)].map((task) => task.windowTaskId)).toEqual([1, 2, 3, 9].map(uuidOf));
      });

      it('filters tasks by task id, task ARN, priority and task type', async () => {
        const windowId = windowIdOf(1);
        const tasks = [
          aWindowTask({ windowId, windowTaskId: uuidOf(1), taskArn: 'AWS-RunShellScript', priority: 1, createdAt: T0 }),
          aWindowTask({
            windowId,
            windowTaskId: uuidOf(2),
            taskArn: 'AWS-RunPowerShellScript',
            priority: 2,
            createdAt: T0 + 1,
          }),
          aWindowTask({
            windowId,
            windowTaskId: uuidOf(3),
            taskType: 'AUTOMATION',
            taskArn: 'AWS-RestartEC2Instance',
            targets: [],
            priority: 1,
            createdAt: T0 + 2,
          }),
          aWindowTask({
            windowId,
            windowTaskId: uuidOf(4),
            taskArn: 'AWS-RunShellScript',
            priority: 0,
            createdAt: T0 + 3,
          }),
        ];
        for (const task of tasks) {
          await store.insertWindowTask(task);
        }
        const ids = async (filters: Partial<Parameters<Store['listWindowTasks']>[0]>) =>
          (await store.listWindowTasks({ windowId, limit: 10, ...filters })).items.map((task) => task.windowTaskId);

        expect(await ids({ windowTaskIds: [uuidOf(4), uuidOf(2)] })).toEqual([2, 4].map(uuidOf));
        expect(await ids({ taskArns: ['AWS-RunShellScript'] })).toEqual([1, 4].map(uuidOf));
        expect(await ids({ priorities: [1] })).toEqual([1, 3].map(uuidOf));
        expect(await ids({ priorities: [0, 2] })).toEqual([2, 4].map(uuidOf));
        expect(await ids({ taskTypes: ['AUTOMATION'] })).toEqual([uuidOf(3)]);
        expect(await ids({ taskTypes: ['RUN_COMMAND'], priorities: [1] })).toEqual([uuidOf(1)]);
        expect(await ids({ taskArns: ['aws-runshellscript'] })).toEqual([]);
      });

      it('matches no task for an empty filter value list', async () => {
        const windowId = windowIdOf(1);
        await store.insertWindowTask(aWindowTask({ windowId }));
        for (const filter of [{ windowTaskIds: [] }, { taskArns: [] }, { priorities: [] }, { taskTypes: [] }]) {
          expect((await store.listWindowTasks({ windowId, limit: 10, ...filter })).items).toEqual([]);
        }
      });

      it('lists the tasks of every window that target node ids directly', async () => {
        const direct = aWindowTask({
          windowId: windowIdOf(1),
          targets: [{ Key: 'InstanceIds', Values: ['mi-0123456789abcdef0'] }],
        });
        const lowerCase = aWindowTask({
          windowId: windowIdOf(2),
          targets: [{ Key: 'instanceids', Values: ['mi-0123456789abcdef1'] }],
        });
        const viaTarget = aWindowTask({ windowId: windowIdOf(1) });
        const targetless = aWindowTask({ windowId: windowIdOf(1), taskType: 'AUTOMATION', targets: [] });
        for (const task of [direct, lowerCase, viaTarget, targetless]) {
          await store.insertWindowTask(task);
        }
        const found = await store.listTasksWithInstanceTargets();
        expect(found.map((task) => task.windowTaskId).sort()).toEqual(
          [direct.windowTaskId, lowerCase.windowTaskId].sort(),
        );
      });

      it('stops listing a task among direct node targeters once an update removes its node ids', async () => {
        const task = aWindowTask({ targets: [{ Key: 'InstanceIds', Values: ['mi-0123456789abcdef0'] }] });
        await store.insertWindowTask(task);
        await store.updateWindowTask({ ...task, targets: [{ Key: 'WindowTargetIds', Values: [uuidOf(1)] }] });
        expect(await store.listTasksWithInstanceTargets()).toEqual([]);
      });

      it('counts the tasks of each window', async () => {
        await store.insertWindowTask(aWindowTask({ windowId: windowIdOf(1) }));
        await store.insertWindowTask(aWindowTask({ windowId: windowIdOf(1) }));
        await store.insertWindowTask(aWindowTask({ windowId: windowIdOf(2) }));
        expect(await store.countWindowTasks(windowIdOf(1))).toBe(2);
        expect(await store.countWindowTasks(windowIdOf(2))).toBe(1);
        expect(await store.countWindowTasks(windowIdOf(3))).toBe(0);
      });
    });

    describe('window executions', () => {
      it('returns an inserted execution with every member as stored', async () => {
        const execution = aWindowExecution({
          status: 'FAILED',
          statusDetails: 'One or more tasks failed.',
          scheduledAt: T0,
          startedAt: T0 + 1_234,
          endedAt: T0 + 5 * MINUTE,
        });
        await store.insertWindowExecution(execution);
        expect(await store.getWindowExecution(execution.windowExecutionId)).toEqual(execution);
      });

      it('stores a SKIPPED_OVERLAPPING execution like any other', async () => {
        const skipped: WindowExecution = aWindowExecution({
          status: 'SKIPPED_OVERLAPPING',
          statusDetails: 'The previous execution was still running.',
          endedAt: T0,
        });
        await store.insertWindowExecution(skipped);
        expect(await store.getWindowExecution(skipped.windowExecutionId)).toEqual(skipped);
      });

      it('returns undefined for an unknown execution', async () => {
        expect(await store.getWindowExecution(uuidOf(404))).toBeUndefined();
      });

      it('refuses a second execution of one window for the same scheduled time', async () => {
        const windowId = windowIdOf(1);
        expect(await store.insertWindowExecution(aWindowExecution({ windowId, scheduledAt: T0, startedAt: T0 }))).toBe(
          true,
        );
        const duplicate = aWindowExecution({ windowId, scheduledAt: T0, startedAt: T0 + 5 });
        expect(await store.insertWindowExecution(duplicate)).toBe(false);
        expect(await store.getWindowExecution(duplicate.windowExecutionId)).toBeUndefined();
      });

      it('accepts executions of different windows for the same scheduled time', async () => {
        await store.insertWindowExecution(aWindowExecution({ windowId: windowIdOf(1), scheduledAt: T0 }));
        await store.insertWindowExecution(aWindowExecution({ windowId: windowIdOf(2), scheduledAt: T0 }));
        expect((await store.listWindowExecutions({ windowId: windowIdOf(2), limit: 10 })).items).toHaveLength(1);
      });

      it('lists the executions of one window newest first, breaking time ties by id', async () => {
        const windowId = windowIdOf(1);
        const executions = [
          aWindowExecution({ windowId, windowExecutionId: uuidOf(1), scheduledAt: T0, startedAt: T0 }),
          aWindowExecution({ windowId, windowExecutionId: uuidOf(2), scheduledAt: T0 + 1, startedAt: T0 + MINUTE }),
          aWindowExecution({ windowId, windowExecutionId: uuidOf(3), scheduledAt: T0 + 2, startedAt: T0 + MINUTE }),
          aWindowExecution({ windowId, windowExecutionId: uuidOf(4), scheduledAt: T0 + 3, startedAt: T0 + 2 * MINUTE }),
          aWindowExecution({ windowId, windowExecutionId: uuidOf(5), scheduledAt: T0 + 4, startedAt: T0 + MINUTE }),
          aWindowExecution({ windowId: windowIdOf(2), windowExecutionId: uuidOf(6), startedAt: T0 + 9 * MINUTE }),
        ];
        for (const execution of executions) {
          await store.insertWindowExecution(execution);
        }
        const pages = await allPages((after) => store.listWindowExecutions({ windowId, limit: 2, after }));
        expect(pages.map((page) => page.items.length)).toEqual([2, 2, 1]);
        expect(itemsOf(pages).map((execution) => execution.windowExecutionId)).toEqual([4, 5, 3, 2, 1].map(uuidOf));
      });

      it('visits every execution once when an execution starts between pages', async () => {
        const windowId = windowIdOf(1);
        for (let n = 1; n <= 4; n++) {
          await store.insertWindowExecution(
            aWindowExecution({
              windowId,
              windowExecutionId: uuidOf(n),
              scheduledAt: T0 + n,
              startedAt: T0 + n * MINUTE,
            }),
          );
        }
        const first = await store.listWindowExecutions({ windowId, limit: 2 });
        await store.insertWindowExecution(
          aWindowExecution({ windowId, windowExecutionId: uuidOf(9), scheduledAt: T0 + 9, startedAt: T0 + 9 * MINUTE }),
        );
        const rest = await allPages((after) =>
          store.listWindowExecutions({ windowId, limit: 2, after: after ?? first.next }),
        );
        expect([...first.items, ...itemsOf(rest)].map((execution) => execution.windowExecutionId)).toEqual(
          [4, 3, 2, 1].map(uuidOf),
        );
      });

      it('filters executions by inclusive bounds on the start time', async () => {
        const windowId = windowIdOf(1);
        for (let n = 1; n <= 5; n++) {
          await store.insertWindowExecution(
            aWindowExecution({
              windowId,
              windowExecutionId: uuidOf(n),
              scheduledAt: T0 + n,
              startedAt: T0 + n * MINUTE,
            }),
          );
        }
        const ids = async (bounds: { startedAtOrAfter?: number; startedAtOrBefore?: number }) =>
          (await store.listWindowExecutions({ windowId, limit: 10, ...bounds })).items.map(
            (execution) => execution.windowExecutionId,
          );
        expect(await ids({ startedAtOrAfter: T0 + 2 * MINUTE })).toEqual([5, 4, 3, 2].map(uuidOf));
        expect(await ids({ startedAtOrBefore: T0 + 2 * MINUTE })).toEqual([2, 1].map(uuidOf));
        expect(await ids({ startedAtOrAfter: T0 + 2 * MINUTE, startedAtOrBefore: T0 + 4 * MINUTE })).toEqual(
          [4, 3, 2].map(uuidOf),
        );
        expect(await ids({ startedAtOrAfter: T0 + 4 * MINUTE + 1, startedAtOrBefore: T0 + 5 * MINUTE - 1 })).toEqual(
          [],
        );
      });

      it('pages through the executions within start-time bounds', async () => {
        const windowId = windowIdOf(1);
        for (let n = 1; n <= 6; n++) {
          await store.insertWindowExecution(
            aWindowExecution({
              windowId,
              windowExecutionId: uuidOf(n),
              scheduledAt: T0 + n,
              startedAt: T0 + n * MINUTE,
            }),
          );
        }
        const pages = await allPages((after) =>
          store.listWindowExecutions({
            windowId,
            limit: 2,
            after,
            startedAtOrAfter: T0 + 2 * MINUTE,
            startedAtOrBefore: T0 + 5 * MINUTE,
          }),
        );
        expect(itemsOf(pages).map((execution) => execution.windowExecutionId)).toEqual([5, 4, 3, 2].map(uuidOf));
        expect(pages.at(-1)?.next).toBeUndefined();
      });

      it('returns an execution with its plan and a requested cancel as stored', async () => {
        const execution = aWindowExecution({
          scheduledAt: T0,
          startedAt: T0 + 1_234,
          cancelRequested: true,
          plan: aPlan(),
        });
        await store.insertWindowExecution(execution);
        expect(await store.getWindowExecution(execution.windowExecutionId)).toEqual(execution);
        expect((await store.listWindowExecutions({ windowId: execution.windowId, limit: 10 })).items).toEqual([
          execution,
        ]);
      });

      it('returns an execution without plan or cancel request with no plan and no cancel requested', async () => {
        const execution = aWindowExecution();
        await store.insertWindowExecution(execution);
        const read = await store.getWindowExecution(execution.windowExecutionId);
        expect(read).toEqual(execution);
        expect(read?.plan).toBeUndefined();
        expect(read?.cancelRequested ?? false).toBe(false);
      });

      it('changes only the given members of an execution on update', async () => {
        const execution = aWindowExecution({
          status: 'PENDING',
          statusDetails: 'Waiting to start.',
          scheduledAt: T0,
          startedAt: T0,
        });
        const other = aWindowExecution({ windowId: execution.windowId, scheduledAt: T0 + MINUTE, status: 'PENDING' });
        await store.insertWindowExecution(execution);
        await store.insertWindowExecution(other);

        await store.updateWindowExecution({ windowExecutionId: execution.windowExecutionId, status: 'IN_PROGRESS' });
        let expected: WindowExecution = { ...execution, status: 'IN_PROGRESS' };
        expect(await store.getWindowExecution(execution.windowExecutionId)).toEqual(expected);

        const plan = aPlan();
        await store.updateWindowExecution({
          windowExecutionId: execution.windowExecutionId,
          startedAt: T0 + 5_000,
          plan,
        });
        expected = { ...expected, startedAt: T0 + 5_000, plan };
        expect(await store.getWindowExecution(execution.windowExecutionId)).toEqual(expected);

        await store.updateWindowExecution({ windowExecutionId: execution.windowExecutionId, cancelRequested: true });
        expected = { ...expected, cancelRequested: true };
        expect(await store.getWindowExecution(execution.windowExecutionId)).toEqual(expected);

        await store.updateWindowExecution({
          windowExecutionId: execution.windowExecutionId,
          status: 'CANCELLED',
          statusDetails: 'Cancelled by the caller.',
          endedAt: T0 + MINUTE,
        });
        expected = {
          ...expected,
          status: 'CANCELLED',
          statusDetails: 'Cancelled by the caller.',
          endedAt: T0 + MINUTE,
        };
        expect(await store.getWindowExecution(execution.windowExecutionId)).toEqual(expected);

        await store.updateWindowExecution({ windowExecutionId: execution.windowExecutionId });
        expect(await store.getWindowExecution(execution.windowExecutionId)).toEqual(expected);
        expect(await store.getWindowExecution(other.windowExecutionId)).toEqual(other);
      });

      it('withdraws a cancel request on an update that sets it to false', async () => {
        const execution = aWindowExecution({ cancelRequested: true });
        await store.insertWindowExecution(execution);
        await store.updateWindowExecution({ windowExecutionId: execution.windowExecutionId, cancelRequested: false });
        const read = await store.getWindowExecution(execution.windowExecutionId);
        expect(read?.cancelRequested ?? false).toBe(false);
        expect(read?.status).toBe(execution.status);
      });

      it('ignores an update of an unknown execution', async () => {
        const execution = aWindowExecution();
        await store.insertWindowExecution(execution);
        await store.updateWindowExecution({ windowExecutionId: uuidOf(404), status: 'FAILED', endedAt: T0 });
        expect(await store.getWindowExecution(uuidOf(404))).toBeUndefined();
        expect(await store.getWindowExecution(execution.windowExecutionId)).toEqual(execution);
      });

      it('lists the unfinished executions of every window oldest due time first, without terminal ones', async () => {
        const statuses = [
          'SUCCESS',
          'CANCELLING',
          'FAILED',
          'IN_PROGRESS',
          'TIMED_OUT',
          'PENDING',
          'CANCELLED',
          'SKIPPED_OVERLAPPING',
        ] as const;
        const executions = statuses.map((status, n) =>
          aWindowExecution({
            windowId: windowIdOf(n % 3),
            windowExecutionId: uuidOf(n),
            status,
            // Due times descend as n grows; start times ascend, so the order shows which one counts.
            scheduledAt: T0 - n * MINUTE,
            startedAt: T0 + n * MINUTE,
            ...(status === 'PENDING' ? {} : { plan: aPlan() }),
          }),
        );
        for (const execution of executions) {
          await store.insertWindowExecution(execution);
        }
        const unfinished = await store.listUnfinishedWindowExecutions();
        expect(unfinished).toEqual([executions[5], executions[3], executions[1]]);

        await store.updateWindowExecution({ windowExecutionId: uuidOf(3), status: 'SUCCESS', endedAt: T0 });
        await store.updateWindowExecution({ windowExecutionId: uuidOf(0), status: 'IN_PROGRESS' });
        expect((await store.listUnfinishedWindowExecutions()).map((execution) => execution.windowExecutionId)).toEqual(
          [5, 1, 0].map(uuidOf),
        );
      });

      it('lists no unfinished executions when every execution has ended', async () => {
        expect(await store.listUnfinishedWindowExecutions()).toEqual([]);
        await store.insertWindowExecution(aWindowExecution({ status: 'SUCCESS', endedAt: T0 }));
        expect(await store.listUnfinishedWindowExecutions()).toEqual([]);
      });

      it('reports the latest due time of each window, whatever the status and start time', async () => {
        expect(await store.lastDueTimes()).toEqual(new Map());
        const executions = [
          aWindowExecution({ windowId: windowIdOf(1), scheduledAt: T0, startedAt: T0 + 9 * MINUTE, status: 'SUCCESS' }),
          aWindowExecution({
            windowId: windowIdOf(1),
            scheduledAt: T0 + 2 * MINUTE,
            startedAt: T0 + 2 * MINUTE,
            status: 'SKIPPED_OVERLAPPING',
            endedAt: T0 + 2 * MINUTE,
          }),
          aWindowExecution({ windowId: windowIdOf(1), scheduledAt: T0 + MINUTE, startedAt: T0 + MINUTE }),
          aWindowExecution({ windowId: windowIdOf(2), scheduledAt: T0 - MINUTE, status: 'PENDING' }),
          aWindowExecution({ windowId: windowIdOf(3), scheduledAt: T0 + 5 * MINUTE, status: 'FAILED' }),
          aWindowExecution({ windowId: windowIdOf(3), scheduledAt: T0 + 4 * MINUTE, startedAt: T0 + 6 * MINUTE }),
        ];
        for (const execution of executions) {
          await store.insertWindowExecution(execution);
        }
        expect(await store.lastDueTimes()).toEqual(
          new Map([
            [windowIdOf(1), T0 + 2 * MINUTE],
            [windowIdOf(2), T0 - MINUTE],
            [windowIdOf(3), T0 + 5 * MINUTE],
          ]),
        );
      });
    });

    describe('task executions', () => {
      it('returns an inserted task execution with every member as stored', async () => {
        const execution = aTaskExecution({
          taskParameters: { commands: { Values: ['uptime'] }, 'aws:InstanceId': { Values: ['mi-0123456789abcdef0'] } },
          status: 'TIMED_OUT',
          statusDetails: 'Cutoff reached.',
          endedAt: T0 + MINUTE,
          alarmConfiguration: { Alarms: [{ Name: 'cpu-high' }] },
          triggeredAlarms: [{ Name: 'cpu-high', State: 'ALARM' }],
        });
        await store.insertTaskExecution(execution);
        expect(await store.getTaskExecution(execution.windowExecutionId, execution.taskExecutionId)).toEqual(execution);
      });

      it('does not find a task execution under another window execution', async () => {
        const execution = aTaskExecution();
        await store.insertTaskExecution(execution);
        expect(await store.getTaskExecution(uuidOf(404), execution.taskExecutionId)).toBeUndefined();
      });

      it('lists the task executions of one window execution in start order with their ids', async () => {
        const windowExecutionId = uuidOf(100);
        const executions = [
          aTaskExecution({ windowExecutionId, taskExecutionId: uuidOf(3), startedAt: T0 }),
          aTaskExecution({ windowExecutionId, taskExecutionId: uuidOf(1), startedAt: T0 + MINUTE }),
          aTaskExecution({ windowExecutionId, taskExecutionId: uuidOf(2), startedAt: T0 }),
          aTaskExecution({ windowExecutionId: uuidOf(101), taskExecutionId: uuidOf(0), startedAt: T0 }),
        ];
        for (const execution of executions) {
          await store.insertTaskExecution(execution);
        }
        const pages = await allPages((after) => store.listTaskExecutions({ windowExecutionId, limit: 2, after }));
        expect(pages.map((page) => page.items.length)).toEqual([2, 1]);
        expect(itemsOf(pages).map((execution) => execution.taskExecutionId)).toEqual([2, 3, 1].map(uuidOf));
        expect(await store.listTaskExecutionIds(windowExecutionId)).toEqual([2, 3, 1].map(uuidOf));
        expect(await store.listTaskExecutionIds(uuidOf(404))).toEqual([]);
      });

      it('filters task executions by status', async () => {
        const windowExecutionId = uuidOf(100);
        const statuses = ['SUCCESS', 'FAILED', 'IN_PROGRESS', 'FAILED'] as const;
        for (const [n, status] of statuses.entries()) {
          await store.insertTaskExecution(
            aTaskExecution({ windowExecutionId, taskExecutionId: uuidOf(n), status, startedAt: T0 + n }),
          );
        }
        const ids = async (filter: TaskExecution['status'][]) =>
          (await store.listTaskExecutions({ windowExecutionId, limit: 10, statuses: filter })).items.map(
            (execution) => execution.taskExecutionId,
          );
        expect(await ids(['FAILED'])).toEqual([1, 3].map(uuidOf));
        expect(await ids(['SUCCESS', 'IN_PROGRESS'])).toEqual([0, 2].map(uuidOf));
        expect(await ids(['CANCELLED'])).toEqual([]);
        expect(await ids([])).toEqual([]);
      });

      it('returns a task execution with its cutoff behaviour, run targets and end inside the window as stored', async () => {
        const execution = aTaskExecution({
          status: 'SUCCESS',
          endedAt: T0 + MINUTE,
          cutoffBehavior: 'CANCEL_TASK',
          runTargets: [
            {
              instanceId: 'mi-0123456789abcdef1',
              windowTargetId: uuidOf(7),
              resourceType: 'INSTANCE',
              ownerInformation: 'team-web',
            },
            { instanceId: 'mi-0123456789abcdef0', windowTargetId: uuidOf(8), resourceType: 'RESOURCE_GROUP' },
            { instanceId: 'mi-0123456789abcdef2', resourceType: 'INSTANCE' },
          ],
          endedInsideWindow: true,
        });
        await store.insertTaskExecution(execution);
        expect(await store.getTaskExecution(execution.windowExecutionId, execution.taskExecutionId)).toEqual(execution);
      });

      it('tells a task that ended outside the window from one that has not ended', async () => {
        const late = aTaskExecution({
          status: 'TIMED_OUT',
          endedAt: T0 + MINUTE,
          cutoffBehavior: 'CONTINUE_TASK',
          runTargets: [],
          endedInsideWindow: false,
        });
        const bare = aTaskExecution();
        await store.insertTaskExecution(late);
        await store.insertTaskExecution(bare);

        const readLate = await store.getTaskExecution(late.windowExecutionId, late.taskExecutionId);
        expect(readLate).toEqual(late);
        expect(readLate?.endedInsideWindow).toBe(false);
        expect(readLate?.runTargets).toEqual([]);

        const readBare = await store.getTaskExecution(bare.windowExecutionId, bare.taskExecutionId);
        expect(readBare).toEqual(bare);
        expect(readBare?.endedInsideWindow).toBeUndefined();
        expect(readBare?.runTargets).toBeUndefined();
        expect(readBare?.cutoffBehavior).toBeUndefined();
      });

      it('changes only the given members of a task execution on update', async () => {
        const execution = aTaskExecution({ statusDetails: 'Starting.', cutoffBehavior: 'CANCEL_TASK' });
        const other = aTaskExecution({ windowExecutionId: execution.windowExecutionId, startedAt: T0 + 1 });
        await store.insertTaskExecution(execution);
        await store.insertTaskExecution(other);
        const read = () => store.getTaskExecution(execution.windowExecutionId, execution.taskExecutionId);

        const taskParameters = {
          commands: { Values: ['uptime'] },
          'aws:InstanceId': { Values: ['mi-0123456789abcdef0', 'mi-0123456789abcdef1'] },
        };
        const runTargets = [
          { instanceId: 'mi-0123456789abcdef0', windowTargetId: uuidOf(1), resourceType: 'INSTANCE' as const },
          { instanceId: 'mi-0123456789abcdef1', windowTargetId: uuidOf(1), resourceType: 'INSTANCE' as const },
        ];
        await store.updateTaskExecution({ taskExecutionId: execution.taskExecutionId, taskParameters, runTargets });
        let expected: TaskExecution = { ...execution, taskParameters, runTargets };
        expect(await read()).toEqual(expected);

        await store.updateTaskExecution({ taskExecutionId: execution.taskExecutionId, status: 'CANCELLING' });
        expected = { ...expected, status: 'CANCELLING' };
        expect(await read()).toEqual(expected);

        await store.updateTaskExecution({
          taskExecutionId: execution.taskExecutionId,
          status: 'CANCELLED',
          statusDetails: 'Cancelled at the cutoff.',
          endedAt: T0 + MINUTE,
          endedInsideWindow: false,
        });
        expected = {
          ...expected,
          status: 'CANCELLED',
          statusDetails: 'Cancelled at the cutoff.',
          endedAt: T0 + MINUTE,
          endedInsideWindow: false,
        };
        expect(await read()).toEqual(expected);
        expect((await read())?.endedInsideWindow).toBe(false);

        await store.updateTaskExecution({ taskExecutionId: execution.taskExecutionId });
        expect(await read()).toEqual(expected);
        expect(await store.getTaskExecution(other.windowExecutionId, other.taskExecutionId)).toEqual(other);
      });

      it('records on update that a task ended inside the window', async () => {
        const execution = aTaskExecution();
        await store.insertTaskExecution(execution);
        await store.updateTaskExecution({
          taskExecutionId: execution.taskExecutionId,
          status: 'SUCCESS',
          endedAt: T0 + MINUTE,
          endedInsideWindow: true,
        });
        expect(await store.getTaskExecution(execution.windowExecutionId, execution.taskExecutionId)).toEqual({
          ...execution,
          status: 'SUCCESS',
          endedAt: T0 + MINUTE,
          endedInsideWindow: true,
        });
      });

      it('lists every task execution of one window execution in start order, breaking time ties by id', async () => {
        const windowExecutionId = uuidOf(100);
        const executions = [
          aTaskExecution({ windowExecutionId, taskExecutionId: uuidOf(3), startedAt: T0 }),
          aTaskExecution({ windowExecutionId, taskExecutionId: uuidOf(1), startedAt: T0 + MINUTE, runTargets: [] }),
          aTaskExecution({
            windowExecutionId,
            taskExecutionId: uuidOf(2),
            startedAt: T0,
            cutoffBehavior: 'CANCEL_TASK',
          }),
          aTaskExecution({ windowExecutionId: uuidOf(101), taskExecutionId: uuidOf(0), startedAt: T0 }),
        ];
        for (const execution of executions) {
          await store.insertTaskExecution(execution);
        }
        expect(await store.listAllTaskExecutions(windowExecutionId)).toEqual([
          executions[2],
          executions[0],
          executions[1],
        ]);
        expect(await store.listAllTaskExecutions(uuidOf(101))).toEqual([executions[3]]);
        expect(await store.listAllTaskExecutions(uuidOf(404))).toEqual([]);
      });
    });

    describe('task invocations', () => {
      it('returns an inserted invocation with every member as stored', async () => {
        const invocation = aTaskInvocation({
          executionId: uuidOf(77),
          status: 'SUCCESS',
          statusDetails: 'Success',
          endedAt: T0 + MINUTE,
          ownerInformation: 'team-web',
          windowTargetId: uuidOf(5),
          instanceId: 'mi-0123456789abcdef0',
        });
        await store.insertTaskInvocation(invocation);
        expect(
          await store.getTaskInvocation(
            invocation.windowExecutionId,
            invocation.taskExecutionId,
            invocation.invocationId,
          ),
        ).toEqual(invocation);
      });

      it('does not find an invocation under another task execution or window execution', async () => {
        const invocation = aTaskInvocation();
        await store.insertTaskInvocation(invocation);
        expect(
          await store.getTaskInvocation(invocation.windowExecutionId, uuidOf(404), invocation.invocationId),
        ).toBeUndefined();
        expect(
          await store.getTaskInvocation(uuidOf(404), invocation.taskExecutionId, invocation.invocationId),
        ).toBeUndefined();
      });

      it('lists the invocations of one task execution in start order, filtered by status', async () => {
        const windowExecutionId = uuidOf(100);
        const taskExecutionId = uuidOf(200);
        const invocations: TaskInvocation[] = [
          aTaskInvocation({
            windowExecutionId,
            taskExecutionId,
            invocationId: uuidOf(4),
            status: 'SUCCESS',
            startedAt: T0,
          }),
          aTaskInvocation({
            windowExecutionId,
            taskExecutionId,
            invocationId: uuidOf(1),
            status: 'FAILED',
            startedAt: T0 + MINUTE,
          }),
          aTaskInvocation({
            windowExecutionId,
            taskExecutionId,
            invocationId: uuidOf(3),
            status: 'SUCCESS',
            startedAt: T0,
          }),
          aTaskInvocation({
            windowExecutionId,
            taskExecutionId,
            invocationId: uuidOf(2),
            status: 'FAILED',
            startedAt: T0,
          }),
          aTaskInvocation({ windowExecutionId, taskExecutionId: uuidOf(201), invocationId: uuidOf(0), startedAt: T0 }),
        ];
        for (const invocation of invocations) {
          await store.insertTaskInvocation(invocation);
        }
        const pages = await allPages((after) =>
          store.listTaskInvocations({ windowExecutionId, taskExecutionId, limit: 3, after }),
        );
        expect(pages.map((page) => page.items.length)).toEqual([3, 1]);
        expect(itemsOf(pages).map((invocation) => invocation.invocationId)).toEqual([2, 3, 4, 1].map(uuidOf));

        const failed = await allPages((after) =>
          store.listTaskInvocations({ windowExecutionId, taskExecutionId, limit: 1, after, statuses: ['FAILED'] }),
        );
        expect(itemsOf(failed).map((invocation) => invocation.invocationId)).toEqual([2, 1].map(uuidOf));
        expect(
          (await store.listTaskInvocations({ windowExecutionId, taskExecutionId, limit: 10, statuses: [] })).items,
        ).toEqual([]);
      });

      it('lists no invocations of a task execution under another window execution', async () => {
        const invocation = aTaskInvocation();
        await store.insertTaskInvocation(invocation);
        const page = await store.listTaskInvocations({
          windowExecutionId: uuidOf(404),
          taskExecutionId: invocation.taskExecutionId,
          limit: 10,
        });
        expect(page).toEqual({ items: [] });
      });

      it('changes only the given members of an invocation on update', async () => {
        const invocation = aTaskInvocation({
          executionId: uuidOf(77),
          statusDetails: 'Pending',
          ownerInformation: 'team-web',
          windowTargetId: uuidOf(5),
          instanceId: 'mi-0123456789abcdef0',
        });
        const other = aTaskInvocation({
          windowExecutionId: invocation.windowExecutionId,
          taskExecutionId: invocation.taskExecutionId,
          startedAt: T0 + 1,
        });
        await store.insertTaskInvocation(invocation);
        await store.insertTaskInvocation(other);
        const read = () =>
          store.getTaskInvocation(invocation.windowExecutionId, invocation.taskExecutionId, invocation.invocationId);

        await store.updateTaskInvocation({ invocationId: invocation.invocationId, status: 'CANCELLING' });
        let expected: TaskInvocation = { ...invocation, status: 'CANCELLING' };
        expect(await read()).toEqual(expected);

        await store.updateTaskInvocation({
          invocationId: invocation.invocationId,
          status: 'CANCELLED',
          statusDetails: 'Cancelled',
          endedAt: T0 + MINUTE,
        });
        expected = { ...expected, status: 'CANCELLED', statusDetails: 'Cancelled', endedAt: T0 + MINUTE };
        expect(await read()).toEqual(expected);
        expect(
          await store.getTaskInvocation(other.windowExecutionId, other.taskExecutionId, other.invocationId),
        ).toEqual(other);
      });

      it('lists every invocation of one task execution in start order, breaking time ties by id', async () => {
        const windowExecutionId = uuidOf(100);
        const taskExecutionId = uuidOf(200);
        const invocations = [
          aTaskInvocation({ windowExecutionId, taskExecutionId, invocationId: uuidOf(4), startedAt: T0 }),
          aTaskInvocation({
            windowExecutionId,
            taskExecutionId,
            invocationId: uuidOf(1),
            startedAt: T0 + MINUTE,
            instanceId: 'mi-0123456789abcdef1',
          }),
          aTaskInvocation({
            windowExecutionId,
            taskExecutionId,
            invocationId: uuidOf(3),
            startedAt: T0,
            status: 'SUCCESS',
            endedAt: T0 + 1,
          }),
          aTaskInvocation({ windowExecutionId, taskExecutionId: uuidOf(201), invocationId: uuidOf(0), startedAt: T0 }),
        ];
        for (const invocation of invocations) {
          await store.insertTaskInvocation(invocation);
        }
        expect(await store.listAllTaskInvocations(taskExecutionId)).toEqual([
          invocations[2],
          invocations[0],
          invocations[1],
        ]);
        expect(await store.listAllTaskInvocations(uuidOf(201))).toEqual([invocations[3]]);
        expect(await store.listAllTaskInvocations(uuidOf(404))).toEqual([]);
      });
    });

    describe('history pruning', () => {
      const NODES = ['mi-0123456789abcdef0', 'mi-0123456789abcdef1'];
      const STEP = 'aws:runShellScript';

      /** A window execution with one task execution and one invocation of it. */
      const storeRun = async (overrides: Partial<WindowExecution>) => {
        const execution = aWindowExecution(overrides);
        const taskExecution = aTaskExecution({
          windowExecutionId: execution.windowExecutionId,
          status: execution.status,
          startedAt: execution.startedAt,
          endedAt: execution.endedAt,
        });
        const invocation = aTaskInvocation({
          windowExecutionId: execution.windowExecutionId,
          taskExecutionId: taskExecution.taskExecutionId,
          status: execution.status,
          startedAt: execution.startedAt,
          endedAt: execution.endedAt,
        });
        await store.insertWindowExecution(execution);
        await store.insertTaskExecution(taskExecution);
        await store.insertTaskInvocation(invocation);
        return { execution, taskExecutions: [taskExecution], invocations: [invocation] };
      };

      const readRun = async (run: Awaited<ReturnType<typeof storeRun>>) => ({
        execution: await store.getWindowExecution(run.execution.windowExecutionId),
        taskExecutions: await store.listAllTaskExecutions(run.execution.windowExecutionId),
        invocations: await store.listAllTaskInvocations(run.taskExecutions[0]!.taskExecutionId),
      });

      const GONE = { execution: undefined, taskExecutions: [], invocations: [] };
      const LONG_AGO = T0 - 10 * 24 * 60 * MINUTE;

      /** A command on two nodes, each invocation with the full output of its step. */
      const storeCommand = async (overrides: Partial<Command>) => {
        const command = aCommand({ instanceIds: NODES, targetCount: NODES.length, ...overrides });
        const finished = ['Success', 'Cancelled', 'Failed', 'TimedOut'].includes(command.status);
        await store.insertCommand(
          command,
          NODES.map((instanceId) =>
            aCommandInvocation({ commandId: command.commandId, instanceId, requestedAt: command.requestedAt }),
          ),
        );
        await store.applyInvocationChanges(
          NODES.map((instanceId) => ({
            commandId: command.commandId,
            instanceId,
            statusDetails: finished ? 'Success' : 'InProgress',
            ...(finished ? { endedAt: command.requestedAt + MINUTE } : {}),
            outputs: [{ pluginName: STEP, stdout: `${instanceId} up 3 days\n`, stderr: '' }],
          })),
        );
        return command;
      };

      const readCommand = async (command: Command) => ({
        command: await store.getCommand(command.commandId),
        invocations: (await store.listInvocationsOfCommand(command.commandId)).length,
        outputs: (
          await Promise.all(NODES.map((instanceId) => store.getInvocationOutput(command.commandId, instanceId, STEP)))
        ).filter((output) => output !== undefined).length,
      });

      it('reports nothing pruned in an empty store', async () => {
        expect(await store.pruneHistory(T0)).toEqual({ windowExecutions: 0, commands: 0 });
      });

      it('forgets window executions that ended before the instant with their task executions and invocations', async () => {
        const old = await storeRun({ status: 'SUCCESS', startedAt: T0 - 60 * MINUTE, endedAt: T0 - 30 * MINUTE });
        const skipped = await storeRun({ status: 'SKIPPED_OVERLAPPING', startedAt: T0 - MINUTE, endedAt: T0 - 1 });
        const boundary = await storeRun({ status: 'FAILED', startedAt: T0 - 60 * MINUTE, endedAt: T0 });
        const recent = await storeRun({ status: 'CANCELLED', startedAt: T0 - 60 * MINUTE, endedAt: T0 + 1 });
        // Started long before the instant but not ended: still running, never pruned.
        const running = await storeRun({ status: 'IN_PROGRESS', startedAt: LONG_AGO });
        const pending = await storeRun({ status: 'PENDING', startedAt: LONG_AGO + MINUTE });
        const cancelling = await storeRun({
          status: 'CANCELLING',
          startedAt: LONG_AGO + 2 * MINUTE,
          cancelRequested: true,
        });

        expect(await store.pruneHistory(T0)).toEqual({ windowExecutions: 2, commands: 0 });

        expect(await readRun(old)).toEqual(GONE);
        expect(await readRun(skipped)).toEqual(GONE);
        for (const kept of [boundary, recent, running, pending, cancelling]) {
          expect(await readRun(kept)).toEqual(kept);
        }
        expect(await store.listUnfinishedWindowExecutions()).toEqual([
          running.execution,
          pending.execution,
          cancelling.execution,
        ]);
        expect(await store.pruneHistory(T0)).toEqual({ windowExecutions: 0, commands: 0 });
      });

      it('forgets finished commands requested before the instant with their invocations and output', async () => {
        const finished = [
          await storeCommand({ status: 'Success', statusDetails: 'Success', requestedAt: T0 - MINUTE }),
          await storeCommand({ status: 'Cancelled', statusDetails: 'Cancelled', requestedAt: T0 - 2 * MINUTE }),
          await storeCommand({ status: 'Failed', statusDetails: 'Incomplete', requestedAt: T0 - 3 * MINUTE }),
          await storeCommand({ status: 'TimedOut', statusDetails: 'DeliveryTimedOut', requestedAt: T0 - 4 * MINUTE }),
        ];
        const running = [
          await storeCommand({ status: 'Pending', statusDetails: 'Pending', requestedAt: T0 - 10 * MINUTE }),
          await storeCommand({ status: 'InProgress', statusDetails: 'InProgress', requestedAt: T0 - 11 * MINUTE }),
          await storeCommand({
            status: 'Cancelling',
            statusDetails: 'Cancelling',
            requestedAt: T0 - 12 * MINUTE,
            cancelRequested: true,
          }),
        ];
        const boundary = await storeCommand({ status: 'Success', statusDetails: 'Success', requestedAt: T0 });
        const recent = await storeCommand({ status: 'Failed', statusDetails: 'Failed', requestedAt: T0 + 1 });

        expect(await store.pruneHistory(T0)).toEqual({ windowExecutions: 0, commands: 4 });

        for (const command of finished) {
          expect(await readCommand(command)).toEqual({ command: undefined, invocations: 0, outputs: 0 });
        }
        for (const command of [...running, boundary, recent]) {
          expect(await readCommand(command)).toEqual({ command, invocations: 2, outputs: 2 });
        }
        expect((await store.listUnfinishedCommands()).map((command) => command.commandId).sort()).toEqual(
          running.map((command) => command.commandId).sort(),
        );
        expect(await store.pruneHistory(T0)).toEqual({ windowExecutions: 0, commands: 0 });
      });

      it('prunes window executions and commands in one call and reports both counts', async () => {
        const oldRun = await storeRun({ status: 'SUCCESS', startedAt: T0 - 2 * MINUTE, endedAt: T0 - MINUTE });
        const newRun = await storeRun({ status: 'SUCCESS', startedAt: T0 - 2 * MINUTE, endedAt: T0 + MINUTE });
        const oldCommand = await storeCommand({ status: 'Success', statusDetails: 'Success', requestedAt: T0 - 1 });
        const newCommand = await storeCommand({ status: 'Success', statusDetails: 'Success', requestedAt: T0 + 1 });

        expect(await store.pruneHistory(T0)).toEqual({ windowExecutions: 1, commands: 1 });

        expect(await readRun(oldRun)).toEqual(GONE);
        expect(await readRun(newRun)).toEqual(newRun);
        expect((await readCommand(oldCommand)).command).toBeUndefined();
        expect((await readCommand(newCommand)).command).toEqual(newCommand);
      });

      it('undoes a prune when the transaction around it throws', async () => {
        const run = await storeRun({ status: 'SUCCESS', startedAt: T0 - 2 * MINUTE, endedAt: T0 - MINUTE });
        const command = await storeCommand({ status: 'Success', statusDetails: 'Success', requestedAt: T0 - 1 });
        await expect(
          store.transaction(async (trx) => {
            expect(await trx.pruneHistory(T0)).toEqual({ windowExecutions: 1, commands: 1 });
            throw new Abort('keep it');
          }),
        ).rejects.toBeInstanceOf(Abort);
        expect(await readRun(run)).toEqual(run);
        expect(await readCommand(command)).toEqual({ command, invocations: 2, outputs: 2 });
      });
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
        expect(await store.getTags('ManagedInstance', 'mi-0123456789abcdef0')).toEqual([
          { Key: 'Kind', Value: 'node' },
        ]);
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

    describeDocumentConformance(() => store);
    describePackageConformance(() => store);
    describeAgentReleaseConformance(() => store);

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
  });
}
