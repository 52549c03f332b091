/**
 * The window executions part of the store conformance suite (`describeStoreConformance` calls it inside its
 * own describe block, with the fresh store of each test).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { WindowExecution } from '../../domain/window-execution.js';
import type { Store } from '../store.js';
import { aWindowExecution } from './records.js';
import { MINUTE, T0, aPlan, allPages, itemsOf, uuidOf, windowIdOf } from './support.js';

export function describeWindowExecutionConformance(current: () => Store): void {
  let store: Store;
  beforeEach(() => {
    store = current();
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
      expect(await ids({ startedAtOrAfter: T0 + 4 * MINUTE + 1, startedAtOrBefore: T0 + 5 * MINUTE - 1 })).toEqual([]);
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
}
