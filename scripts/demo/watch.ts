/**
 * Watching the window run, the way an operator would through the API: it polls the execution
 * history (DescribeMaintenanceWindowExecutions, …ExecutionTasks, …ExecutionTaskInvocations) and
 * the nodes (DescribeInstanceInformation) every POLL_MS and prints each change it sees, stamped
 * with the time it saw it. Then it reads the history back (GetCommandInvocation for each
 * invocation's output) and tells what each node said.
 *
 * Phases: `waiting` (a countdown until the due time; the execution must appear within
 * START_GRACE_MS of it) → `running` (until the execution's status is terminal, at most
 * RUN_TIMEOUT_MS) → one last poll, so the final transitions are printed too.
 */
import {
  DescribeInstanceInformationCommand,
  DescribeMaintenanceWindowExecutionTaskInvocationsCommand,
  DescribeMaintenanceWindowExecutionTasksCommand,
  DescribeMaintenanceWindowExecutionsCommand,
  GetCommandInvocationCommand,
  type MaintenanceWindowExecution,
} from '@aws-sdk/client-ssm';
import { DemoStopped } from './guard.js';
import type { Demo, DemoNode } from './context.js';
import type { ScenarioWindow } from './window.js';

const POLL_MS = 500;
const COUNTDOWN_EVERY_S = 15;
const START_GRACE_MS = 30_000;
const RUN_TIMEOUT_MS = 150_000;
const TERMINAL = new Set(['SUCCESS', 'FAILED', 'TIMED_OUT', 'CANCELLED', 'SKIPPED_OVERLAPPING']);

export interface InvocationRecord {
  readonly document: string;
  readonly node: string;
  readonly nodeId: string;
  readonly commandId: string;
  readonly status: string;
}

export interface ExecutionRecord {
  readonly executionId: string;
  readonly status: string;
  readonly statusDetails: string | undefined;
  readonly tasks: readonly { document: string; status: string; start?: Date; end?: Date }[];
  readonly invocations: readonly InvocationRecord[];
}

interface Seen {
  execution: string | undefined;
  readonly tasks: Map<string, string>;
  readonly invocations: Map<string, string>;
  readonly nodes: Map<string, { ping: string; version: string }>;
}

export async function watchWindow(
  demo: Demo,
  nodes: readonly DemoNode[],
  window: ScenarioWindow,
): Promise<ExecutionRecord> {
  const { ssm, say, guard } = demo;
  const options = { abortSignal: guard.signal };
  const byId = new Map(nodes.map((node) => [node.nodeId, node]));
  const seen: Seen = { execution: undefined, tasks: new Map(), invocations: new Map(), nodes: new Map() };
  let lastCountdown: number | undefined;
  let execution: MaintenanceWindowExecution | undefined;
  let record: ExecutionRecord | undefined;
  let startedAt = 0;

  /** One pass over the API; prints what changed since the last one, in the order it happened. */
  const poll = async (): Promise<void> => {
    const events: { at: Date; text: string }[] = [];
    /** A change of status: stamped with the API's start or end time when it has one. */
    const changed = (status: string | undefined, start: Date | undefined, end: Date | undefined, text: string) => {
      const at =
        (status !== undefined && TERMINAL.has(status) ? end : status === 'IN_PROGRESS' ? start : undefined) ??
        new Date();
      events.push({ at, text });
    };
    // What one poll saw at the same instant keeps the order it was found in (the sort is stable).
    const flush = () => {
      for (const event of events.sort((a, b) => a.at.getTime() - b.at.getTime())) {
        say.event(event.text, event.at);
      }
    };
    const info = await ssm.send(new DescribeInstanceInformationCommand({}), options);
    for (const node of info.InstanceInformationList ?? []) {
      const name = byId.get(node.InstanceId ?? '')?.name;
      if (name === undefined) {
        continue;
      }
      const now = { ping: node.PingStatus ?? '?', version: node.AgentVersion ?? '?' };
      const before = seen.nodes.get(name);
      if (before !== undefined && before.version !== now.version) {
        events.push({
          at: new Date(),
          text: `${name.padEnd(8)} node: ${now.ping} on mado-agent ${now.version} (was ${before.version})`,
        });
      } else if (before !== undefined && before.ping !== now.ping) {
        events.push({ at: new Date(), text: `${name.padEnd(8)} node: ${now.ping} (was ${before.ping})` });
      }
      seen.nodes.set(name, now);
    }

    const executions = await ssm.send(
      new DescribeMaintenanceWindowExecutionsCommand({ WindowId: window.windowId }),
      options,
    );
    execution = executions.WindowExecutions?.[0];
    if (execution === undefined) {
      flush();
      return;
    }
    const executionId = execution.WindowExecutionId!;
    const status = `${execution.Status}${execution.StatusDetails ? ` (${execution.StatusDetails})` : ''}`;
    if (seen.execution === undefined) {
      startedAt = Date.now();
      guard.enter(`watching execution ${executionId}`);
      events.push({ at: execution.StartTime ?? new Date(), text: `execution ${executionId} started` });
    }
    if (seen.execution !== status) {
      changed(execution.Status, execution.StartTime, execution.EndTime, `execution: ${status}`);
    }
    seen.execution = status;

    const tasks = await ssm.send(
      new DescribeMaintenanceWindowExecutionTasksCommand({ WindowExecutionId: executionId }),
      options,
    );
    const taskRecords: ExecutionRecord['tasks'][number][] = [];
    const invocationRecords: InvocationRecord[] = [];
    for (const task of tasks.WindowExecutionTaskIdentities ?? []) {
      const document = task.TaskArn ?? '?';
      const taskStatus = `${task.Status}${task.StatusDetails ? ` (${task.StatusDetails})` : ''}`;
      if (seen.tasks.get(task.TaskExecutionId!) !== taskStatus) {
        changed(task.Status, task.StartTime, task.EndTime, `task ${document}: ${taskStatus}`);
        seen.tasks.set(task.TaskExecutionId!, taskStatus);
      }
      taskRecords.push({
        document,
        status: task.Status ?? '?',
        ...(task.StartTime === undefined ? {} : { start: task.StartTime }),
        ...(task.EndTime === undefined ? {} : { end: task.EndTime }),
      });
      const invocations = await ssm.send(
        new DescribeMaintenanceWindowExecutionTaskInvocationsCommand({
          WindowExecutionId: executionId,
          TaskId: task.TaskExecutionId,
        }),
        options,
      );
      for (const invocation of invocations.WindowExecutionTaskInvocationIdentities ?? []) {
        const nodeId = instanceOf(invocation.Parameters);
        const node = byId.get(nodeId)?.name ?? nodeId;
        const invocationStatus = `${invocation.Status}${invocation.StatusDetails ? ` (${invocation.StatusDetails})` : ''}`;
        if (seen.invocations.get(invocation.InvocationId!) !== invocationStatus) {
          changed(
            invocation.Status,
            invocation.StartTime,
            invocation.EndTime,
            `${node.padEnd(8)} ${document}: ${invocationStatus}`,
          );
          seen.invocations.set(invocation.InvocationId!, invocationStatus);
        }
        invocationRecords.push({
          document,
          node,
          nodeId,
          commandId: invocation.ExecutionId ?? '',
          status: invocation.Status ?? '?',
        });
      }
    }
    record = {
      executionId,
      status: execution.Status ?? '?',
      statusDetails: execution.StatusDetails,
      tasks: taskRecords,
      invocations: invocationRecords,
    };
    flush();
  };

  for (;;) {
    await poll();
    if (execution !== undefined && TERMINAL.has(execution.Status ?? '')) {
      break;
    }
    const now = Date.now();
    if (execution === undefined) {
      const dueIn = Math.ceil((window.dueAt.getTime() - now) / 1000);
      if (dueIn > 0 && (lastCountdown === undefined || lastCountdown - dueIn >= COUNTDOWN_EVERY_S)) {
        say.event(`waiting: the window is due in ${dueIn} s`);
        lastCountdown = dueIn;
      }
      if (now > window.dueAt.getTime() + START_GRACE_MS) {
        throw new DemoStopped(
          `the window was due at ${say.time(window.dueAt)} but no execution started within ${START_GRACE_MS / 1000} s`,
          1,
        );
      }
    } else if (now - startedAt > RUN_TIMEOUT_MS) {
      throw new DemoStopped(
        `the window's execution did not end within ${RUN_TIMEOUT_MS / 1000} s (last status: ${seen.execution})`,
        1,
      );
    }
    await guard.sleep(POLL_MS);
  }
  return record!;
}

/** The node an invocation ran on, from its Parameters (`{"instanceIds":["mi-…"],…}`). */
function instanceOf(parameters: string | undefined): string {
  try {
    const parsed = JSON.parse(parameters ?? '{}') as { instanceIds?: string[] };
    return parsed.instanceIds?.[0] ?? '?';
  } catch {
    return '?';
  }
}

/** Lines of the agent's output that tell what a task did on a node. */
const TELLING = [
  /mado-agent updated successfully to .*/,
  /mado-agent .* has already been installed, update skipped/,
  /mado-agent .* did not take over.*/,
  /\S+ \S+ is installed \(was .*\)\./,
  /\S+ \S+ is installed\./,
  /\S+ \S+ is already installed; nothing to do\./,
];

/** The line of `invocation`'s output that tells what happened (TELLING), or its last line. */
async function tellingLine(demo: Demo, invocation: InvocationRecord): Promise<string> {
  try {
    const output = await demo.ssm.send(
      new GetCommandInvocationCommand({ CommandId: invocation.commandId, InstanceId: invocation.nodeId }),
      { abortSignal: demo.guard.signal },
    );
    const text = `${output.StandardOutputContent ?? ''}\n${output.StandardErrorContent ?? ''}`;
    const telling = TELLING.map((pattern) => pattern.exec(text)?.[0]).find((line) => line !== undefined);
    return (telling ?? text.trim().split('\n').at(-1) ?? '').trim();
  } catch (error) {
    demo.guard.throwIfStopped();
    return `(no output: ${error instanceof Error ? error.message : String(error)})`;
  }
}

/** Prints the history: each task, and under it each node's status and the line that tells what happened. */
export async function printHistory(demo: Demo, record: ExecutionRecord): Promise<void> {
  const { say } = demo;
  say.line(
    `Execution ${record.executionId}: ${record.status}${record.statusDetails ? ` (${record.statusDetails})` : ''}`,
  );
  for (const task of record.tasks) {
    const span =
      task.start === undefined ? '' : ` ${say.time(task.start)} → ${task.end === undefined ? '…' : say.time(task.end)}`;
    say.line(`  ${task.document}: ${task.status}${span}`);
    for (const invocation of record.invocations.filter((candidate) => candidate.document === task.document)) {
      const told = await tellingLine(demo, invocation);
      say.line(`    ${invocation.node.padEnd(8)} ${invocation.status.padEnd(8)} ${told}`);
    }
  }
}

/** Prints, as the console's History would show it, what `node` printed for each task (capped). */
export async function printNodeOutput(demo: Demo, record: ExecutionRecord, node: DemoNode): Promise<void> {
  const MAX_LINES = 30;
  for (const invocation of record.invocations.filter((candidate) => candidate.nodeId === node.nodeId)) {
    const output = await demo.ssm.send(
      new GetCommandInvocationCommand({ CommandId: invocation.commandId, InstanceId: invocation.nodeId }),
      { abortSignal: demo.guard.signal },
    );
    for (const [stream, text] of [
      ['output', output.StandardOutputContent],
      ['errors', output.StandardErrorContent],
    ] as const) {
      const lines = (text ?? '')
        .trimEnd()
        .split('\n')
        .filter((line) => line !== '');
      if (lines.length === 0) {
        continue;
      }
      demo.say.line(`${invocation.document} on ${node.name}, ${stream}:`);
      for (const line of lines.slice(0, MAX_LINES)) {
        demo.say.line(`  | ${line}`);
      }
      if (lines.length > MAX_LINES) {
        demo.say.line(`  | … ${lines.length - MAX_LINES} more lines`);
      }
    }
  }
}
