/**
 * The window engine end to end: the real server, three real agent processes, a window due a
 * few seconds ahead with two tasks at priority 1 and one at priority 2. What the nodes wrote
 * (each command appends its start and end to a file named after the node) must match the
 * history read back through @aws-sdk/client-ssm and the Debian AWS CLI v2.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CancelMaintenanceWindowExecutionCommand,
  DescribeMaintenanceWindowExecutionsCommand,
  DescribeMaintenanceWindowExecutionTaskInvocationsCommand,
  DescribeMaintenanceWindowExecutionTasksCommand,
  GetCommandInvocationCommand,
  GetMaintenanceWindowCommand,
  GetMaintenanceWindowExecutionCommand,
  GetMaintenanceWindowExecutionTaskCommand,
  GetMaintenanceWindowExecutionTaskInvocationCommand,
  RegisterTaskWithMaintenanceWindowCommand,
  type MaintenanceWindowExecution,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsSsm } from '../support/aws-cli.js';
import { startFleet, type Fleet } from '../support/fleet.js';
import { storeBackends } from '../support/postgres.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { eventually } from '../support/wait.js';
import { windowOverNodes } from '../support/killable-server.js';

const TERMINAL = new Set(['SUCCESS', 'FAILED', 'TIMED_OUT', 'CANCELLED', 'SKIPPED_OVERLAPPING']);

/** `at()` for the whole UTC second `seconds` from now (at least `seconds`). */
function atSecondsFromNow(seconds: number): { expression: string; dueAt: number } {
  const dueAt = Math.ceil((Date.now() + seconds * 1000) / 1000) * 1000;
  return { expression: `at(${new Date(dueAt).toISOString().slice(0, 19)})`, dueAt };
}

/** One line a task's command appended on a node: `<label> <start|end> <epoch ns> <invocation id>`. */
interface Mark {
  readonly label: string;
  readonly edge: 'start' | 'end';
  readonly atNs: bigint;
  readonly invocationId: string;
}

function marksOf(file: string): Mark[] {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [label, edge, atNs, invocationId] = line.split(' ');
      return { label: label!, edge: edge as Mark['edge'], atNs: BigInt(atNs!), invocationId: invocationId! };
    });
}

describe.each(storeBackends())('the window engine on three real agents, store $name', (backend) => {
  let server: ServerProcess;
  let ssm: SSMClient;
  let fleet: Fleet;
  const scratch = mkdtempSync(join(tmpdir(), 'mado-e2e-engine-'));

  beforeAll(async () => {
    server = await startServerProcess({ env: { MADO_AGENT_HEARTBEAT_SECONDS: '1', ...backend.env() } });
    ssm = server.client();
    fleet = await startFleet(server, [{ Env: 'prod' }, { Env: 'prod' }, { Env: 'dev' }]);
  }, 120_000);

  afterAll(async () => {
    await fleet?.dispose();
    await server?.dispose();
    await backend.cleanUp();
    rmSync(scratch, { recursive: true, force: true });
  });

  async function windowDueSoon(name: string, seconds: number) {
    const at = atSecondsFromNow(seconds);
    const window = await windowOverNodes(
      ssm,
      { name, schedule: at.expression, ownerInformation: 'platform team' },
      fleet.nodeIds,
    );
    return { ...window, dueAt: at.dueAt };
  }

  async function registerShellTask(
    windowId: string,
    windowTargetId: string,
    name: string,
    priority: number,
    commands: string[],
  ): Promise<string> {
    const { WindowTaskId } = await ssm.send(
      new RegisterTaskWithMaintenanceWindowCommand({
        WindowId: windowId,
        Name: name,
        TaskType: 'RUN_COMMAND',
        TaskArn: 'AWS-RunShellScript',
        Priority: priority,
        Targets: [{ Key: 'WindowTargetIds', Values: [windowTargetId] }],
        MaxConcurrency: '3',
        MaxErrors: '0',
        TaskInvocationParameters: {
          RunCommand: { Parameters: { commands }, TimeoutSeconds: 60, Comment: `${name} in {{WINDOW_EXECUTION_ID}}` },
        },
      }),
    );
    return WindowTaskId!;
  }

  async function waitForExecution(windowId: string, timeoutMs = 60_000): Promise<MaintenanceWindowExecution> {
    const page = await eventually(
      () => ssm.send(new DescribeMaintenanceWindowExecutionsCommand({ WindowId: windowId })),
      (result) => TERMINAL.has(result.WindowExecutions?.[0]?.Status ?? ''),
      { timeoutMs, what: `an execution of ${windowId} to end` },
    );
    return page.WindowExecutions![0]!;
  }

  /** A command that appends its start and end (epoch ns) to the node's file, with a pause between. */
  function marking(label: string, pauseSeconds: number): string[] {
    const file = join(scratch, '{{RESOURCE_ID}}.log');
    return [
      `echo "${label} start $(date +%s%N) {{INVOCATION_ID}}" >> ${file}`,
      `sleep ${pauseSeconds}`,
      `echo "${label} end $(date +%s%N) {{INVOCATION_ID}}" >> ${file}`,
      `echo "${label} ran on {{TARGET_ID}} through {{WINDOW_TARGET_ID}}"`,
    ];
  }

  it('runs priority groups in order, tasks of a group in parallel, and records it all', async () => {
    const { windowId, windowTargetId, dueAt } = await windowDueSoon('scenario', 8);
    const taskA = await registerShellTask(windowId, windowTargetId, 'update-agent', 1, marking('A', 3));
    const taskB = await registerShellTask(windowId, windowTargetId, 'update-package', 1, marking('B', 3));
    const taskC = await registerShellTask(windowId, windowTargetId, 'report', 2, marking('C', 0));
    const before = await ssm.send(new GetMaintenanceWindowCommand({ WindowId: windowId }));
    expect(before.NextExecutionTime).toBeDefined();

    const execution = await waitForExecution(windowId);
    expect(execution).toMatchObject({ Status: 'SUCCESS' });
    expect(execution.StartTime!.getTime()).toBeGreaterThanOrEqual(dueAt);
    // Started within a few seconds of the due time.
    expect(execution.StartTime!.getTime() - dueAt).toBeLessThan(5_000);
    const executionId = execution.WindowExecutionId!;

    // What the nodes saw: each task ran exactly once per node; A and B overlapped; C after both.
    for (const nodeId of fleet.nodeIds) {
      const marks = marksOf(join(scratch, `${nodeId}.log`));
      expect(marks.map((mark) => `${mark.label} ${mark.edge}`).sort()).toEqual(
        ['A end', 'A start', 'B end', 'B start', 'C end', 'C start'].sort(),
      );
      const at = (label: string, edge: string) =>
        marks.find((mark) => mark.label === label && mark.edge === edge)!.atNs;
      expect(at('A', 'start')).toBeLessThan(at('B', 'end'));
      expect(at('B', 'start')).toBeLessThan(at('A', 'end'));
      expect(at('C', 'start')).toBeGreaterThan(at('A', 'end'));
      expect(at('C', 'start')).toBeGreaterThan(at('B', 'end'));
    }

    // The history through the SDK.
    const whole = await ssm.send(new GetMaintenanceWindowExecutionCommand({ WindowExecutionId: executionId }));
    expect(whole).toMatchObject({ WindowExecutionId: executionId, Status: 'SUCCESS' });
    expect(whole.TaskIds).toHaveLength(3);
    const tasks = await ssm.send(
      new DescribeMaintenanceWindowExecutionTasksCommand({ WindowExecutionId: executionId }),
    );
    const identities = tasks.WindowExecutionTaskIdentities!;
    expect(identities).toHaveLength(3);
    /** The task's name, from the comment its invocations were launched with. */
    const nameOf = async (taskExecutionId: string) => {
      const invocations = await ssm.send(
        new DescribeMaintenanceWindowExecutionTaskInvocationsCommand({
          WindowExecutionId: executionId,
          TaskId: taskExecutionId,
        }),
      );
      const launched = JSON.parse(invocations.WindowExecutionTaskInvocationIdentities![0]!.Parameters!) as {
        comment: string;
      };
      return launched.comment.split(' ')[0];
    };
    const ofTask = async (name: string) => {
      for (const identity of identities) {
        if ((await nameOf(identity.TaskExecutionId!)) === name) {
          return ssm.send(
            new GetMaintenanceWindowExecutionTaskCommand({
              WindowExecutionId: executionId,
              TaskId: identity.TaskExecutionId,
            }),
          );
        }
      }
      throw new Error(`no task execution for ${name}`);
    };
    const names = new Map([
      [taskA, 'update-agent'],
      [taskB, 'update-package'],
      [taskC, 'report'],
    ]);
    const started = new Map<string, { start: number; end: number }>();
    for (const [windowTaskId, name] of names) {
      const task = await ofTask(name);
      expect(task).toMatchObject({
        TaskArn: 'AWS-RunShellScript',
        Type: 'RUN_COMMAND',
        Status: 'SUCCESS',
        MaxConcurrency: '3',
        MaxErrors: '0',
        Priority: name === 'report' ? 2 : 1,
      });
      expect(task.TaskParameters![0]!['aws:InstanceId']!.Values!.sort()).toEqual([...fleet.nodeIds].sort());
      expect(task.TaskParameters![0]!.commands!.Values).toEqual(
        marking(name === 'update-agent' ? 'A' : name === 'update-package' ? 'B' : 'C', name === 'report' ? 0 : 3),
      );
      started.set(windowTaskId, { start: task.StartTime!.getTime(), end: task.EndTime!.getTime() });

      const invocations = await ssm.send(
        new DescribeMaintenanceWindowExecutionTaskInvocationsCommand({
          WindowExecutionId: executionId,
          TaskId: task.TaskExecutionId,
        }),
      );
      const list = invocations.WindowExecutionTaskInvocationIdentities!;
      expect(list).toHaveLength(3);
      for (const invocation of list) {
        expect(invocation).toMatchObject({
          Status: 'SUCCESS',
          StatusDetails: 'Success',
          TaskType: 'RUN_COMMAND',
          WindowTargetId: windowTargetId,
          OwnerInformation: 'platform team',
        });
        const parameters = JSON.parse(invocation.Parameters!) as {
          instanceIds: string[];
          documentName: string;
          comment: string;
        };
        expect(parameters.documentName).toBe('AWS-RunShellScript');
        expect(parameters.comment).toBe(`${name} in ${executionId}`);
        const [nodeId] = parameters.instanceIds;
        // The node wrote this invocation's id: the pseudo parameter reached the script.
        const marks = marksOf(join(scratch, `${nodeId}.log`));
        expect(marks.filter((mark) => mark.invocationId === invocation.InvocationId)).toHaveLength(2);
        // The output is the Run Command invocation's.
        const output = await ssm.send(
          new GetCommandInvocationCommand({ CommandId: invocation.ExecutionId, InstanceId: nodeId }),
        );
        expect(output.Status).toBe('Success');
        expect(output.StandardOutputContent).toContain(`ran on ${nodeId} through ${windowTargetId}`);
        const one = await ssm.send(
          new GetMaintenanceWindowExecutionTaskInvocationCommand({
            WindowExecutionId: executionId,
            TaskId: task.TaskExecutionId,
            InvocationId: invocation.InvocationId,
          }),
        );
        expect(one).toMatchObject({ InvocationId: invocation.InvocationId, ExecutionId: invocation.ExecutionId });
      }
    }
    const a = started.get(taskA)!;
    const b = started.get(taskB)!;
    const c = started.get(taskC)!;
    expect(a.start).toBeLessThan(b.end);
    expect(b.start).toBeLessThan(a.end);
    expect(c.start).toBeGreaterThanOrEqual(Math.max(a.end, b.end));

    // The same history through the AWS CLI.
    const cliExecutions = await awsSsm<{ WindowExecutions: { WindowExecutionId: string; Status: string }[] }>(server, [
      'describe-maintenance-window-executions',
      '--window-id',
      windowId,
    ]);
    expect(cliExecutions.WindowExecutions).toEqual([
      expect.objectContaining({ WindowExecutionId: executionId, Status: 'SUCCESS' }),
    ]);
    const cliTasks = await awsSsm<{ WindowExecutionTaskIdentities: { TaskExecutionId: string; Status: string }[] }>(
      server,
      ['describe-maintenance-window-execution-tasks', '--window-execution-id', executionId],
    );
    expect(cliTasks.WindowExecutionTaskIdentities.map((task) => task.Status)).toEqual([
      'SUCCESS',
      'SUCCESS',
      'SUCCESS',
    ]);
    for (const task of cliTasks.WindowExecutionTaskIdentities) {
      const cliInvocations = await awsSsm<{ WindowExecutionTaskInvocationIdentities: { Status: string }[] }>(server, [
        'describe-maintenance-window-execution-task-invocations',
        '--window-execution-id',
        executionId,
        '--task-id',
        task.TaskExecutionId,
      ]);
      expect(cliInvocations.WindowExecutionTaskInvocationIdentities.map((invocation) => invocation.Status)).toEqual([
        'SUCCESS',
        'SUCCESS',
        'SUCCESS',
      ]);
    }

    // A one-time schedule has no next run once it has run.
    const after = await ssm.send(new GetMaintenanceWindowCommand({ WindowId: windowId }));
    expect(after.NextExecutionTime).toBeUndefined();
  }, 120_000);

  it('cancels a running execution: running commands stop, nothing more starts, the end is CANCELLED', async () => {
    const { windowId, windowTargetId } = await windowDueSoon('to-cancel', 4);
    await registerShellTask(windowId, windowTargetId, 'long', 1, [
      `echo "long start $(date +%s%N) {{INVOCATION_ID}}" >> ${join(scratch, 'cancel-{{RESOURCE_ID}}.log')}`,
      'sleep 60',
    ]);
    await registerShellTask(windowId, windowTargetId, 'never', 2, [
      `echo never >> ${join(scratch, 'never-{{RESOURCE_ID}}.log')}`,
    ]);
    const running = await eventually(
      () => ssm.send(new DescribeMaintenanceWindowExecutionsCommand({ WindowId: windowId })),
      (page) => page.WindowExecutions?.[0]?.Status === 'IN_PROGRESS',
      { timeoutMs: 30_000, what: 'the execution to start' },
    );
    const executionId = running.WindowExecutions![0]!.WindowExecutionId!;
    // Every node has started the long command.
    await eventually(
      async () =>
        fleet.nodeIds.filter((nodeId) => {
          try {
            return readFileSync(join(scratch, `cancel-${nodeId}.log`), 'utf8').includes('long start');
          } catch {
            return false;
          }
        }).length,
      (count) => count === 3,
      { timeoutMs: 30_000, what: 'the long command on every node' },
    );
    const answer = await ssm.send(new CancelMaintenanceWindowExecutionCommand({ WindowExecutionId: executionId }));
    expect(answer.WindowExecutionId).toBe(executionId);

    const ended = await waitForExecution(windowId, 90_000);
    expect(ended).toMatchObject({ WindowExecutionId: executionId, Status: 'CANCELLED' });
    const tasks = await ssm.send(
      new DescribeMaintenanceWindowExecutionTasksCommand({ WindowExecutionId: executionId }),
    );
    // The priority-2 task never started.
    expect(tasks.WindowExecutionTaskIdentities).toHaveLength(1);
    expect(tasks.WindowExecutionTaskIdentities![0]!.Status).toBe('CANCELLED');
    const invocations = await ssm.send(
      new DescribeMaintenanceWindowExecutionTaskInvocationsCommand({
        WindowExecutionId: executionId,
        TaskId: tasks.WindowExecutionTaskIdentities![0]!.TaskExecutionId,
      }),
    );
    expect(invocations.WindowExecutionTaskInvocationIdentities!.map((invocation) => invocation.Status)).toEqual([
      'CANCELLED',
      'CANCELLED',
      'CANCELLED',
    ]);
    for (const nodeId of fleet.nodeIds) {
      expect(() => readFileSync(join(scratch, `never-${nodeId}.log`))).toThrow();
    }
    // Cancelling an ended execution changes nothing.
    await ssm.send(new CancelMaintenanceWindowExecutionCommand({ WindowExecutionId: executionId }));
    const again = await ssm.send(new GetMaintenanceWindowExecutionCommand({ WindowExecutionId: executionId }));
    expect(again.Status).toBe('CANCELLED');
  }, 150_000);
});
