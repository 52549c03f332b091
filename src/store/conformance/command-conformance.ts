/**
 * The Run Command part of the store conformance suite (`describeStoreConformance` calls it inside
 * its own describe block, with the fresh store of each test): commands with their invocations,
 * progress, cancel requests, batched invocation changes and step output.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Command, CommandInvocation, PluginResult } from '../../domain/command.js';
import type { Cursor, InvocationQuery, Store } from '../store.js';
import { aCommand, aCommandInvocation } from './records.js';
import { allPages, itemsOf, MINUTE, T0, uuidOf } from './support.js';

const NODE_A = 'mi-0000000000000000a';
const NODE_B = 'mi-0000000000000000b';
const NODE_C = 'mi-0000000000000000c';

const finished: PluginResult = {
  name: 'run',
  action: 'aws:runShellScript',
  status: 'Success',
  statusDetails: 'Success',
  responseCode: 0,
  startedAt: T0 + 1_000,
  endedAt: T0 + 2_000,
  output: 'up 3 days',
};

export function describeCommandConformance(current: () => Store): void {
  let store: Store;
  beforeEach(() => {
    store = current();
  });

  /** Stores a command for `nodes` with one Pending invocation each. */
  async function seed(overrides: Partial<Command> = {}, nodes: readonly string[] = [NODE_A]): Promise<Command> {
    const command = aCommand({ instanceIds: [...nodes], targetCount: nodes.length, ...overrides });
    await store.insertCommand(
      command,
      nodes.map((instanceId) =>
        aCommandInvocation({ commandId: command.commandId, instanceId, requestedAt: command.requestedAt }),
      ),
    );
    return command;
  }

  describe('commands', () => {
    it('returns a stored command with every member as stored', async () => {
      const command = aCommand({
        commandId: uuidOf(1),
        documentVersion: '3',
        comment: 'patch tonight',
        targets: [{ Key: 'tag:Env', Values: ['Prod'] }],
        outputS3BucketName: 'bucket',
        outputS3KeyPrefix: 'prefix/',
        serviceRoleArn: 'arn:aws:iam::123456789012:role/mado',
        notificationConfig: { NotificationArn: 'arn:aws:sns:eu-west-1:123456789012:t', NotificationEvents: ['All'] },
        cloudWatchOutputConfig: { CloudWatchLogGroupName: 'mado', CloudWatchOutputEnabled: true },
      });
      await store.insertCommand(command, [aCommandInvocation({ commandId: command.commandId })]);
      expect(await store.getCommand(command.commandId)).toEqual(command);
      expect(await store.getCommand(uuidOf(2))).toBeUndefined();
    });

    it('stores the invocations with the command, ordered by node', async () => {
      const command = await seed({}, [NODE_C, NODE_A, NODE_B]);
      const invocations = await store.listInvocationsOfCommand(command.commandId);
      expect(invocations.map((invocation) => invocation.instanceId)).toEqual([NODE_A, NODE_B, NODE_C]);
      expect(invocations[0]).toEqual(
        aCommandInvocation({ commandId: command.commandId, instanceId: NODE_A, requestedAt: command.requestedAt }),
      );
    });

    it('stores a command for more nodes than one statement can carry', async () => {
      const nodes = Array.from({ length: 1_234 }, (_, n) => `mi-${n.toString(16).padStart(17, '0')}`);
      const command = await seed({}, nodes);
      expect(await store.listInvocationsOfCommand(command.commandId)).toHaveLength(nodes.length);
    });

    it('stores nothing of a command whose invocations cannot all be stored', async () => {
      const command = aCommand();
      const twice = aCommandInvocation({ commandId: command.commandId, instanceId: NODE_A });
      await expect(store.insertCommand(command, [twice, twice])).rejects.toThrow();
      expect(await store.getCommand(command.commandId)).toBeUndefined();
      expect(await store.listInvocationsOfCommand(command.commandId)).toEqual([]);
    });

    it('lists commands newest first across pages, ties broken by id', async () => {
      const ids = [uuidOf(1), uuidOf(2), uuidOf(3), uuidOf(4), uuidOf(5)];
      await seed({ commandId: ids[0], requestedAt: T0 });
      await seed({ commandId: ids[1], requestedAt: T0 + MINUTE });
      await seed({ commandId: ids[2], requestedAt: T0 + MINUTE });
      await seed({ commandId: ids[3], requestedAt: T0 + 2 * MINUTE });
      await seed({ commandId: ids[4], requestedAt: T0 - MINUTE });
      const pages = await allPages((after) => store.listCommands({ limit: 2, after }));
      expect(pages.map((page) => page.items.length)).toEqual([2, 2, 1]);
      expect(pages[2]!.next).toBeUndefined();
      expect(itemsOf(pages).map((command) => command.commandId)).toEqual([ids[3], ids[2], ids[1], ids[0], ids[4]]);
    });

    it('filters commands by id, node, time, status or details, stage and document, AND-ed', async () => {
      const a = await seed({ commandId: uuidOf(1), requestedAt: T0 }, [NODE_A]);
      const b = await seed(
        { commandId: uuidOf(2), requestedAt: T0 + MINUTE, documentName: 'AWS-RunPowerShellScript' },
        [NODE_A, NODE_B],
      );
      const c = await seed(
        { commandId: uuidOf(3), requestedAt: T0 + 2 * MINUTE, status: 'Failed', statusDetails: 'Incomplete' },
        [NODE_C],
      );
      const ids = async (query: Parameters<Store['listCommands']>[0]) =>
        (await store.listCommands(query)).items.map((command) => command.commandId);
      expect(await ids({ limit: 10, commandId: b.commandId })).toEqual([b.commandId]);
      expect(await ids({ limit: 10, instanceId: NODE_A })).toEqual([b.commandId, a.commandId]);
      expect(await ids({ limit: 10, requestedAtOrAfter: T0 + MINUTE })).toEqual([c.commandId, b.commandId]);
      expect(await ids({ limit: 10, requestedAtOrBefore: T0 + MINUTE })).toEqual([b.commandId, a.commandId]);
      expect(await ids({ limit: 10, statuses: ['Failed'] })).toEqual([c.commandId]);
      expect(await ids({ limit: 10, statuses: ['Incomplete'] })).toEqual([c.commandId]);
      expect(await ids({ limit: 10, statuses: [] })).toEqual([]);
      expect(await ids({ limit: 10, stage: 'Executing' })).toEqual([b.commandId, a.commandId]);
      expect(await ids({ limit: 10, stage: 'Complete' })).toEqual([c.commandId]);
      expect(await ids({ limit: 10, documentName: 'AWS-RunPowerShellScript' })).toEqual([b.commandId]);
      expect(await ids({ limit: 10, instanceId: NODE_A, requestedAtOrAfter: T0 + MINUTE })).toEqual([b.commandId]);
    });

    it('lists the unfinished commands oldest first', async () => {
      const later = await seed({ requestedAt: T0 + MINUTE, status: 'InProgress', statusDetails: 'InProgress' });
      const earlier = await seed({ requestedAt: T0, status: 'Cancelling', statusDetails: 'Cancelling' });
      await seed({ requestedAt: T0 - MINUTE, status: 'Success', statusDetails: 'Success' });
      const unfinished = await store.listUnfinishedCommands();
      expect(unfinished.map((command) => command.commandId)).toEqual([earlier.commandId, later.commandId]);
    });

    it('records progress of many commands at once, and a cancel request', async () => {
      const a = await seed();
      const b = await seed();
      await store.updateCommandProgress([
        {
          commandId: a.commandId,
          status: 'InProgress',
          statusDetails: 'InProgress',
          completedCount: 0,
          errorCount: 0,
          deliveryTimedOutCount: 0,
          cancelRequested: false,
        },
        {
          commandId: b.commandId,
          status: 'Failed',
          statusDetails: 'Failed',
          completedCount: 1,
          errorCount: 1,
          deliveryTimedOutCount: 1,
          cancelRequested: false,
        },
      ]);
      await store.updateCommandProgress([]);
      await store.requestCommandCancel(a.commandId);
      expect(await store.getCommand(a.commandId)).toEqual({
        ...a,
        status: 'InProgress',
        statusDetails: 'InProgress',
        cancelRequested: true,
      });
      expect(await store.getCommand(b.commandId)).toEqual({
        ...b,
        status: 'Failed',
        statusDetails: 'Failed',
        completedCount: 1,
        errorCount: 1,
        deliveryTimedOutCount: 1,
      });
    });
  });

  describe('command invocations', () => {
    it('applies status, times and step results, and keeps each step output apart', async () => {
      const command = await seed({}, [NODE_A, NODE_B]);
      await store.applyInvocationChanges([
        { commandId: command.commandId, instanceId: NODE_A, statusDetails: 'InProgress', dispatchedAt: T0 + 10 },
        { commandId: command.commandId, instanceId: NODE_B, statusDetails: 'Delayed' },
      ]);
      await store.applyInvocationChanges([
        {
          commandId: command.commandId,
          instanceId: NODE_A,
          statusDetails: 'Success',
          deliveredAt: T0 + 20,
          endedAt: T0 + 2_000,
          plugins: [finished],
          outputs: [{ pluginName: 'run', stdout: 'up 3 days\n', stderr: '' }],
        },
      ]);
      const expected: CommandInvocation = {
        ...aCommandInvocation({ commandId: command.commandId, instanceId: NODE_A, requestedAt: command.requestedAt }),
        statusDetails: 'Success',
        dispatchedAt: T0 + 10,
        deliveredAt: T0 + 20,
        endedAt: T0 + 2_000,
        plugins: [finished],
      };
      expect(await store.getInvocation(command.commandId, NODE_A)).toEqual(expected);
      expect((await store.getInvocation(command.commandId, NODE_B))?.statusDetails).toBe('Delayed');
      expect(await store.getInvocation(command.commandId, NODE_C)).toBeUndefined();
      expect(await store.getInvocationOutput(command.commandId, NODE_A, 'run')).toEqual({
        pluginName: 'run',
        stdout: 'up 3 days\n',
        stderr: '',
      });
      expect(await store.getInvocationOutput(command.commandId, NODE_A, 'other')).toBeUndefined();
    });

    it('replaces a step output as it grows, without touching the invocation', async () => {
      const command = await seed();
      const before = await store.getInvocation(command.commandId, NODE_A);
      for (const stdout of ['line 1\n', 'line 1\nline 2\n']) {
        await store.applyInvocationChanges([
          {
            commandId: command.commandId,
            instanceId: NODE_A,
            outputs: [{ pluginName: 'run', stdout, stderr: 'warn' }],
          },
        ]);
      }
      expect(await store.getInvocation(command.commandId, NODE_A)).toEqual(before);
      expect(await store.getInvocationOutput(command.commandId, NODE_A, 'run')).toEqual({
        pluginName: 'run',
        stdout: 'line 1\nline 2\n',
        stderr: 'warn',
      });
    });

    it('applies thousands of changes of a few shapes in one call', async () => {
      const nodes = Array.from({ length: 2_000 }, (_, n) => `mi-${n.toString(16).padStart(17, '0')}`);
      const command = await seed({}, nodes);
      await store.applyInvocationChanges(
        nodes.map((instanceId, n) =>
          n % 2 === 0
            ? { commandId: command.commandId, instanceId, statusDetails: 'Success', endedAt: T0 + n }
            : { commandId: command.commandId, instanceId, statusDetails: 'Failed', deliveredAt: T0, endedAt: T0 + n },
        ),
      );
      const invocations = await store.listInvocationsOfCommand(command.commandId);
      expect(invocations.filter((invocation) => invocation.statusDetails === 'Success')).toHaveLength(1_000);
      const odd = invocations.find((invocation) => invocation.instanceId === nodes[7]);
      expect(odd).toMatchObject({ statusDetails: 'Failed', deliveredAt: T0, endedAt: T0 + 7 });
      expect(invocations.find((invocation) => invocation.instanceId === nodes[8])?.deliveredAt).toBeUndefined();
    });

    it('lists invocations newest command first, then by node, across pages', async () => {
      const older = await seed({ commandId: uuidOf(1), requestedAt: T0 }, [NODE_B, NODE_A]);
      const newer = await seed({ commandId: uuidOf(2), requestedAt: T0 + MINUTE }, [NODE_C, NODE_A]);
      const pages = await allPages((after: Cursor | undefined) => store.listInvocations({ limit: 3, after }));
      expect(pages.map((page) => page.items.length)).toEqual([3, 1]);
      expect(itemsOf(pages).map((invocation) => [invocation.commandId, invocation.instanceId])).toEqual([
        [newer.commandId, NODE_A],
        [newer.commandId, NODE_C],
        [older.commandId, NODE_A],
        [older.commandId, NODE_B],
      ]);
    });

    it('filters invocations by command, node, time, details and document, AND-ed', async () => {
      const a = await seed({ commandId: uuidOf(1), requestedAt: T0 }, [NODE_A, NODE_B]);
      const b = await seed(
        { commandId: uuidOf(2), requestedAt: T0 + MINUTE, documentName: 'AWS-RunPowerShellScript' },
        [NODE_A],
      );
      await store.applyInvocationChanges([{ commandId: a.commandId, instanceId: NODE_B, statusDetails: 'Failed' }]);
      const keys = async (query: Partial<InvocationQuery>) =>
        (await store.listInvocations({ limit: 10, ...query })).items.map((i) => `${i.commandId}/${i.instanceId}`);
      expect(await keys({ commandId: a.commandId })).toEqual([`${a.commandId}/${NODE_A}`, `${a.commandId}/${NODE_B}`]);
      expect(await keys({ instanceId: NODE_A })).toEqual([`${b.commandId}/${NODE_A}`, `${a.commandId}/${NODE_A}`]);
      expect(await keys({ requestedAtOrAfter: T0 + 1 })).toEqual([`${b.commandId}/${NODE_A}`]);
      expect(await keys({ requestedAtOrBefore: T0 })).toHaveLength(2);
      expect(await keys({ statusDetails: ['Failed'] })).toEqual([`${a.commandId}/${NODE_B}`]);
      expect(await keys({ statusDetails: [] })).toEqual([]);
      expect(await keys({ documentName: 'AWS-RunPowerShellScript' })).toEqual([`${b.commandId}/${NODE_A}`]);
      expect(await keys({ commandId: a.commandId, instanceId: NODE_A })).toEqual([`${a.commandId}/${NODE_A}`]);
    });
  });
}
