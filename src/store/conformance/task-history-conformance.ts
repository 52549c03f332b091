/**
 * The task executions and task invocations part of the store conformance suite (`describeStoreConformance` calls it inside its
 * own describe block, with the fresh store of each test).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { TaskExecution, TaskInvocation } from '../../domain/window-execution.js';
import type { Store } from '../store.js';
import { aTaskExecution, aTaskInvocation } from './records.js';
import { MINUTE, T0, allPages, itemsOf, uuidOf } from './support.js';

export function describeTaskHistoryConformance(current: () => Store): void {
  let store: Store;
  beforeEach(() => {
    store = current();
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
      expect(await store.getTaskInvocation(other.windowExecutionId, other.taskExecutionId, other.invocationId)).toEqual(
        other,
      );
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
}
