import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Command, CommandInvocation } from '../domain/command.js';
import type { ServerMessage } from '../protocol/agent-protocol.js';
import { FakeClock } from '../shared/fake-clock.js';
import { silentLogger } from '../shared/logger.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { CommandDispatcher, DEFAULT_DISPATCHER_OPTIONS, type AgentLink } from './command-dispatcher.js';

class FakeLink implements AgentLink {
  readonly online = new Set<string>();
  readonly sent: { instanceId: string; message: ServerMessage }[] = [];
  readonly disconnected: string[] = [];

  send(instanceId: string, message: ServerMessage | string): boolean {
    if (!this.online.has(instanceId)) {
      return false;
    }
    this.sent.push({
      instanceId,
      message: typeof message === 'string' ? (JSON.parse(message) as ServerMessage) : message,
    });
    return true;
  }

  disconnect(instanceId: string): void {
    this.disconnected.push(instanceId);
  }

  deliveries(): string[] {
    return this.sent.filter((entry) => entry.message.type === 'deliver').map((entry) => entry.instanceId);
  }
}

let counter = 0;
function aCommand(
  nodes: string[],
  overrides: Partial<Command> = {},
): { command: Command; invocations: CommandInvocation[] } {
  counter += 1;
  const commandId = `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
  const now = Date.UTC(2026, 0, 1);
  const command: Command = {
    commandId,
    documentName: 'AWS-RunShellScript',
    documentVersion: '',
    comment: '',
    parameters: { commands: ['true'] },
    instanceIds: nodes,
    targets: [],
    requestedAt: now,
    expiresAfterAt: now + 7_200_000,
    timeoutSeconds: 60,
    executionTimeoutSeconds: 100,
    maxConcurrency: '50',
    maxErrors: '0',
    outputS3BucketName: '',
    outputS3KeyPrefix: '',
    serviceRoleArn: '',
    steps: [{ action: 'aws:runShellScript', name: 'aws:runShellScript', inputs: { runCommand: ['true'] } }],
    status: 'Pending',
    statusDetails: 'Pending',
    targetCount: nodes.length,
    completedCount: 0,
    errorCount: 0,
    deliveryTimedOutCount: 0,
    cancelRequested: false,
    ...overrides,
  };
  const invocations = nodes.map((instanceId) => ({
    commandId,
    instanceId,
    instanceName: instanceId,
    statusDetails: 'Pending' as const,
    requestedAt: now,
    plugins: [],
  }));
  return { command, invocations };
}

const NODES = ['mi-00000000000000001', 'mi-00000000000000002', 'mi-00000000000000003'];
const success = [
  {
    name: 'aws:runShellScript',
    action: 'aws:runShellScript',
    outcome: 'Success' as const,
    responseCode: 0,
    stdout: 'ok\n',
    stderr: '',
  },
];
const failure = [
  {
    name: 'aws:runShellScript',
    action: 'aws:runShellScript',
    outcome: 'Failed' as const,
    responseCode: 1,
    stdout: '',
    stderr: 'no\n',
  },
];

describe('the command dispatcher', () => {
  let dir: string;
  let store: Store;
  let clock: FakeClock;
  let link: FakeLink;
  let dispatcher: CommandDispatcher;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mado-dispatcher-'));
    clock = new FakeClock(Date.UTC(2026, 0, 1));
    store = openSqliteStore({ filename: join(dir, 'mado.db') }, clock.now().getTime()).store;
    link = new FakeLink();
    NODES.forEach((node) => link.online.add(node));
    dispatcher = new CommandDispatcher(store, clock, silentLogger, DEFAULT_DISPATCHER_OPTIONS);
    await dispatcher.start(link);
  });

  afterEach(async () => {
    await dispatcher.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function submit(nodes: string[], overrides: Partial<Command> = {}): Promise<string> {
    const { command, invocations } = aCommand(nodes, overrides);
    await store.insertCommand(command, invocations);
    dispatcher.commandCreated(command.commandId);
    await waitFor(() => link.sent.length > 0 || nodes.length === 0);
    await dispatcher.settled();
    return command.commandId;
  }

  async function waitFor(condition: () => boolean): Promise<void> {
    for (let turn = 0; turn < 1000 && !condition(); turn += 1) {
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  async function details(commandId: string): Promise<Record<string, string>> {
    await dispatcher.settled();
    const invocations = await store.listInvocationsOfCommand(commandId);
    return Object.fromEntries(invocations.map((invocation) => [invocation.instanceId, invocation.statusDetails]));
  }

  it('delivers to every node at once when concurrency allows, after recording the dispatch', async () => {
    const commandId = await submit(NODES);
    expect(link.deliveries().sort()).toEqual(NODES);
    const invocations = await store.listInvocationsOfCommand(commandId);
    expect(invocations.every((invocation) => invocation.dispatchedAt !== undefined)).toBe(true);
  });

  it('keeps at most MaxConcurrency invocations in flight', async () => {
    const commandId = await submit(NODES, { maxConcurrency: '1' });
    expect(link.deliveries()).toEqual([NODES[0]]);
    dispatcher.accepted(NODES[0]!, commandId);
    await dispatcher.result(NODES[0]!, commandId, 'Success', success);
    await waitFor(() => link.deliveries().length === 2);
    expect(link.deliveries()).toEqual([NODES[0], NODES[1]]);
  });

  it('moves an accepted invocation to InProgress and a result to its outcome with output', async () => {
    const commandId = await submit([NODES[0]!]);
    dispatcher.accepted(NODES[0]!, commandId);
    expect(await details(commandId)).toEqual({ [NODES[0]!]: 'InProgress' });
    await dispatcher.result(NODES[0]!, commandId, 'Success', success);
    expect(await details(commandId)).toEqual({ [NODES[0]!]: 'Success' });
    const output = await store.getInvocationOutput(commandId, NODES[0]!, 'aws:runShellScript');
    expect(output?.stdout).toBe('ok\n');
    const command = await store.getCommand(commandId);
    expect(command).toMatchObject({ status: 'Success', completedCount: 1, errorCount: 0 });
  });

  it('terminates the invocations never started once errors exceed MaxErrors', async () => {
    const commandId = await submit(NODES, { maxConcurrency: '1', maxErrors: '0' });
    dispatcher.accepted(NODES[0]!, commandId);
    await dispatcher.result(NODES[0]!, commandId, 'Failed', failure);
    expect(await details(commandId)).toEqual({
      [NODES[0]!]: 'Failed',
      [NODES[1]!]: 'Terminated',
      [NODES[2]!]: 'Terminated',
    });
    expect(link.deliveries()).toEqual([NODES[0]]);
    expect(await store.getCommand(commandId)).toMatchObject({ status: 'Failed', errorCount: 1 });
  });

  it('times out delivery to a node that never accepts', async () => {
    link.online.delete(NODES[1]!);
    const commandId = await submit([NODES[1]!], { timeoutSeconds: 30 });
    await clock.advance(29_000);
    expect(await details(commandId)).toEqual({ [NODES[1]!]: 'Pending' });
    await clock.advance(2_000);
    expect(await details(commandId)).toEqual({ [NODES[1]!]: 'DeliveryTimedOut' });
    expect(await store.getCommand(commandId)).toMatchObject({ status: 'TimedOut', statusDetails: 'DeliveryTimedOut' });
  });

  it('expires an accepted invocation whose node goes silent past the execution timeout', async () => {
    const commandId = await submit([NODES[0]!]);
    dispatcher.accepted(NODES[0]!, commandId);
    await clock.advance(100_000 + DEFAULT_DISPATCHER_OPTIONS.executionGraceMs - 1_000);
    expect(await details(commandId)).toEqual({ [NODES[0]!]: 'InProgress' });
    await clock.advance(2_000);
    expect(await details(commandId)).toEqual({ [NODES[0]!]: 'DeliveryTimedOut' });
  });

  it('cancels undelivered invocations at once and asks agents to stop the running ones', async () => {
    link.online.delete(NODES[2]!);
    const commandId = await submit(NODES);
    dispatcher.accepted(NODES[0]!, commandId);
    dispatcher.commandCancelRequested(commandId, undefined);
    expect(await details(commandId)).toEqual({
      [NODES[0]!]: 'Cancelling',
      [NODES[1]!]: 'Cancelled',
      [NODES[2]!]: 'Cancelled',
    });
    expect(link.sent.filter((entry) => entry.message.type === 'cancel').map((entry) => entry.instanceId)).toEqual([
      NODES[0],
    ]);
    await dispatcher.result(NODES[0]!, commandId, 'Cancelled', success);
    expect(await store.getCommand(commandId)).toMatchObject({ status: 'Cancelled' });
  });

  it('ignores a second result and results for other nodes', async () => {
    const commandId = await submit([NODES[0]!]);
    await dispatcher.result(NODES[0]!, commandId, 'Success', success);
    await dispatcher.result(NODES[0]!, commandId, 'Failed', failure);
    await dispatcher.result(NODES[1]!, commandId, 'Failed', failure);
    expect(await details(commandId)).toEqual({ [NODES[0]!]: 'Success' });
  });

  it('delivers again what a node may have missed when it reconnects', async () => {
    const commandId = await submit([NODES[0]!]);
    expect(link.deliveries()).toEqual([NODES[0]]);
    dispatcher.nodeConnected(NODES[0]!);
    expect(link.deliveries()).toEqual([NODES[0], NODES[0]]);
    await dispatcher.result(NODES[0]!, commandId, 'Success', success);
    dispatcher.nodeConnected(NODES[0]!);
    expect(link.deliveries()).toHaveLength(2);
  });

  it('settles a deregistered node’s invocations as Undeliverable and disconnects it', async () => {
    const commandId = await submit(NODES, { maxConcurrency: '1' });
    dispatcher.nodeDeregistered(NODES[0]!);
    dispatcher.nodeDeregistered(NODES[2]!);
    expect((await details(commandId))[NODES[0]!]).toBe('Undeliverable');
    expect((await details(commandId))[NODES[2]!]).toBe('Undeliverable');
    expect(link.disconnected).toEqual([NODES[0], NODES[2]]);
    await waitFor(() => link.deliveries().includes(NODES[1]!));
    expect(link.deliveries()).toContain(NODES[1]);
  });

  it('applies a cancel recorded in the store when it loads the command', async () => {
    const { command, invocations } = aCommand(NODES, { cancelRequested: true });
    await store.insertCommand(command, invocations);
    dispatcher.commandCancelRequested(command.commandId, undefined);
    await waitFor(() => false);
    expect(Object.values(await details(command.commandId))).toEqual(['Cancelled', 'Cancelled', 'Cancelled']);
    expect(link.deliveries()).toEqual([]);
    expect(await store.getCommand(command.commandId)).toMatchObject({ status: 'Cancelled' });
  });

  it('resumes unfinished commands after a restart without delivering finished ones again', async () => {
    const commandId = await submit(NODES, { maxConcurrency: '2' });
    await dispatcher.result(NODES[0]!, commandId, 'Success', success);
    await dispatcher.stop();
    link.sent.length = 0;
    const restarted = new CommandDispatcher(store, clock, silentLogger, DEFAULT_DISPATCHER_OPTIONS);
    await restarted.start(link);
    await waitFor(() => link.deliveries().length >= 2);
    await restarted.settled();
    expect(link.deliveries().sort()).toEqual([NODES[1], NODES[2]]);
    dispatcher = restarted;
  });
  it('writes a running step’s progress without changing statuses, and the result overwrites it', async () => {
    const commandId = await submit([NODES[0]!, NODES[1]!]);
    dispatcher.accepted(NODES[0]!, commandId);
    expect(dispatcher.progress(NODES[0]!, commandId, 'aws:runShellScript', 'first line\n', '')).toBe(true);
    expect(await details(commandId)).toEqual({ [NODES[0]!]: 'InProgress', [NODES[1]!]: 'Pending' });
    expect(await store.getInvocationOutput(commandId, NODES[0]!, 'aws:runShellScript')).toEqual({
      pluginName: 'aws:runShellScript',
      stdout: 'first line\n',
      stderr: '',
    });
    expect((await store.getCommand(commandId))?.status).toBe('InProgress');
    // A later report replaces the earlier one (whole output so far), in the same batch too.
    dispatcher.progress(NODES[0]!, commandId, 'aws:runShellScript', 'first line\nsecond', '');
    await dispatcher.result(NODES[0]!, commandId, 'Success', success);
    expect(await details(commandId)).toEqual({ [NODES[0]!]: 'Success', [NODES[1]!]: 'Pending' });
    expect((await store.getInvocationOutput(commandId, NODES[0]!, 'aws:runShellScript'))?.stdout).toBe('ok\n');
    // Late progress for a finished invocation is refused and changes nothing.
    expect(dispatcher.progress(NODES[0]!, commandId, 'aws:runShellScript', 'late\n', '')).toBe(false);
    await dispatcher.settled();
    expect((await store.getInvocationOutput(commandId, NODES[0]!, 'aws:runShellScript'))?.stdout).toBe('ok\n');
  });

  it('refuses progress for a command not in flight on that node, or for an unknown step', async () => {
    const commandId = await submit([NODES[0]!], { maxConcurrency: '1' });
    const queued = await submit([NODES[1]!, NODES[2]!], { maxConcurrency: '1' });
    dispatcher.accepted(NODES[0]!, commandId);
    // Another node reporting on NODES[0]'s invocation; a node the command does not target.
    expect(dispatcher.progress(NODES[1]!, commandId, 'aws:runShellScript', 'forged\n', '')).toBe(false);
    // The second command is queued on NODES[2] (concurrency 1): not dispatched there yet.
    expect(dispatcher.progress(NODES[2]!, queued, 'aws:runShellScript', 'too early\n', '')).toBe(false);
    expect(dispatcher.progress(NODES[0]!, commandId, 'no-such-step', 'x\n', '')).toBe(false);
    expect(dispatcher.progress(NODES[0]!, '00000000-0000-4000-8000-999999999999', 'aws:runShellScript', 'x', '')).toBe(
      false,
    );
    await dispatcher.settled();
    for (const [id, node] of [
      [commandId, NODES[1]!],
      [queued, NODES[2]!],
      [commandId, NODES[0]!],
    ] as const) {
      expect(await store.getInvocationOutput(id, node, 'aws:runShellScript')).toBeUndefined();
    }
    expect(await details(commandId)).toEqual({ [NODES[0]!]: 'InProgress' });
  });
});
