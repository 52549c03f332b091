/**
 * The history pruning part of the store conformance suite (`describeStoreConformance` calls it inside its
 * own describe block, with the fresh store of each test).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Command } from '../../domain/command.js';
import type { WindowExecution } from '../../domain/window-execution.js';
import type { Store } from '../store.js';
import { aCommand, aCommandInvocation, aTaskExecution, aTaskInvocation, aWindowExecution } from './records.js';
import { Abort, MINUTE, T0 } from './support.js';

export function describeHistoryPruningConformance(current: () => Store): void {
  let store: Store;
  beforeEach(() => {
    store = current();
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
}
