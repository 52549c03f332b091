/**
 * The window targets and tasks part of the store conformance suite (`describeStoreConformance` calls it inside its
 * own describe block, with the fresh store of each test).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { WindowTarget, WindowTask } from '../../domain/maintenance-window.js';
import type { Store } from '../store.js';
import { aWindowTarget, aWindowTask } from './records.js';
import { MINUTE, T0, allPages, itemsOf, uuidOf, windowIdOf } from './support.js';

export function describeTargetTaskConformance(current: () => Store): void {
  let store: Store;
  beforeEach(() => {
    store = current();
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
      const rest = await allPages((after) => store.listWindowTasks({ windowId, limit: 2, after: after ?? first.next }));
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
}
