/**
 * Crash safety of the window engine: the real server is killed with SIGKILL at a random moment
 * of a window execution running on three real agent processes, and restarted on the same data
 * directory and port, at least 20 times. The agents are started once and left alone: they
 * reconnect by themselves, with their own backoff.
 *
 * Every iteration creates a window due a couple of whole seconds ahead (`at()`, Duration 1,
 * Cutoff 0) with two tasks at priorities 1 and 2 over the three nodes, each at a random
 * MaxConcurrency; every command appends a start line with its invocation id
 * (`{{INVOCATION_ID}}`) to a file named after its node, sleeps a random short time, and appends
 * an end line. Then the server is killed and restarted at once, and the next iteration begins
 * without waiting for the executions to end (they are all awaited at the end). The moment of
 * the kill is either
 * - blind: uniform between the due time and the expected end of the execution; or
 * - synchronised with the nodes: a random moment within 2 s after a command (of any execution)
 *   is seen running on a node. Each kill cuts the agents' connections, and their reconnect
 *   backoff only resets after a connection that lasted 60 s (src/agent/worker.ts), so after a
 *   few kills an agent comes back up to 60 s later; blind kills alone would then mostly find the
 *   nodes away. The wait is bounded by the iteration's share of the time budget (past it, the
 *   kill happens anyway, "unsynced").
 * In some iterations the restarted server is killed again within half a second after it
 * listens, while it resumes what the first kill interrupted.
 *
 * Then, through @aws-sdk/client-ssm and the nodes' files:
 * - each window has exactly one execution (its one due time), started, not recorded as missed;
 * - every window execution, task execution and task invocation is terminal;
 * - no priority group of an execution started twice, no node was launched twice by one task;
 * - no invocation id appears twice as a start line (nothing ran twice), and every command that
 *   ran is known to the history, on the node and the execution it was launched for;
 * - every SUCCESS invocation has its start and end lines on its node, and every command that
 *   ran to its end is recorded SUCCESS (a result is never lost);
 * - with nothing failing on the nodes and generous timeouts, every execution ends SUCCESS.
 *
 * The plan of each iteration comes from a seeded generator (MADO_CRASH_SEED to replay one);
 * timings are real, so a replay follows the same plan, not the same interleaving.
 */
import {
  GetMaintenanceWindowExecutionTaskCommand,
  paginateDescribeMaintenanceWindowExecutions,
  paginateDescribeMaintenanceWindowExecutionTaskInvocations,
  paginateDescribeMaintenanceWindowExecutionTasks,
  RegisterTaskWithMaintenanceWindowCommand,
  type MaintenanceWindowExecution,
  type MaintenanceWindowExecutionTaskIdentity,
  type MaintenanceWindowExecutionTaskInvocationIdentity,
} from '@aws-sdk/client-ssm';
import { describe, expect, it, onTestFailed } from 'vitest';
import {
  markedSleep,
  readMarks as readNodeMarks,
  useKillableServer,
  windowOverNodes,
  type Mark as NodeMark,
} from '../support/killable-server.js';
import { seededRandom } from '../support/seeded-random.js';

const ITERATIONS = 20;
/** The kill-and-restart iterations share this much time; each waits at most its share. */
const LOOP_BUDGET_MS = 200_000;
/** Bounds of one iteration's wait for a command to run on a node. */
const MAX_SYNC_WAIT_MS = 15_000;
const MIN_SYNC_WAIT_MS = 1_000;
/** Share of the kills made blind: at a uniform moment between the due time and the expected end. */
const BLIND_KILLS = 0.35;
/** A synchronised kill comes this long at most after a command was seen running on a node. */
const SYNCED_KILL_SPREAD_MS = 2_000;
/** Share of the iterations whose restarted server is killed again at once, while it resumes. */
const RECOVERY_KILLS = 0.2;
const RECOVERY_KILL_SPREAD_MS = 500;
/**
 * After the last restart, the time allowed for every execution to end: an agent whose backoff
 * reached its cap (60 s) may take that long to come back, then runs what waited for it.
 */
const DRAIN_TIMEOUT_MS = 110_000;
const TEST_TIMEOUT_MS = 340_000;
/** Left at the end of the test's time for reading and checking the history. */
const CHECK_RESERVE_MS = 25_000;
/** Due this far ahead at least (then rounded up to a whole second, as `at()` wants). */
const LEAD_MS = 1_500;
/** Per command on top of its sleep, roughly: dispatch, shell start, result (for the expected end). */
const COMMAND_OVERHEAD_MS = 400;

const TERMINAL = new Set(['SUCCESS', 'FAILED', 'TIMED_OUT', 'CANCELLED', 'SKIPPED_OVERLAPPING']);
const LABELS = ['A', 'B'] as const;
type Label = (typeof LABELS)[number];

const SERVER_ENV = {
  MADO_AGENT_HEARTBEAT_SECONDS: '1',
  MADO_LOG_LEVEL: 'info',
  // Below the default (5): executions waiting for their nodes fill the slots, so others wait
  // PENDING for one, across crashes too.
  MADO_MAX_CONCURRENT_EXECUTIONS: '3',
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

interface TaskPlan {
  readonly label: Label;
  readonly priority: number;
  readonly maxConcurrency: number;
  readonly sleepSeconds: number;
}

interface Iteration {
  readonly index: number;
  readonly windowId: string;
  readonly dueAt: number;
  readonly tasks: readonly TaskPlan[];
  readonly expectedMs: number;
  /** Blind, synchronised with a command seen running on a node, or synchronised but none came in time. */
  mode?: 'blind' | 'synced' | 'unsynced';
  killAt?: number;
  /** Commands of any window between their start and end lines when the server died. */
  runningAtKill?: number;
  /** Of those, this window's. */
  ownRunningAtKill?: number;
  /** Agents connected (welcomed, by their own logs) when the server died. */
  agentsConnectedAtKill?: number;
  /** When the restarted server was killed again this long after it listened. */
  recoveryKillMs?: number;
}

/** One line a command appended on a node, with the iteration and task it names. */
interface Mark extends NodeMark {
  readonly index: number;
  readonly label: string;
}

interface InvocationRecord {
  readonly invocation: MaintenanceWindowExecutionTaskInvocationIdentity;
  readonly nodeId: string | undefined;
  readonly label: Label | undefined;
  readonly iteration: Iteration;
}

describe('the window engine under kill -9 of the server', () => {
  const seed = Number(process.env.MADO_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
  const random = seededRandom(seed);
  const h = useKillableServer({ name: 'crash', env: SERVER_ENV });

  function readMarks(): Mark[] {
    return readNodeMarks(h.marksDir).map((mark) => ({
      ...mark,
      index: Number(mark.words[0]),
      label: mark.words[1] ?? '',
    }));
  }

  /** Commands between their start and end lines now, by iteration. */
  function runningNow(): Map<number, number> {
    const open = new Map<string, number>();
    for (const mark of readMarks()) {
      const key = `${mark.file} ${mark.invocationId}`;
      open.set(key, mark.edge === 'start' ? mark.index : -1);
    }
    const byIteration = new Map<number, number>();
    for (const index of open.values()) {
      if (index >= 0) {
        byIteration.set(index, (byIteration.get(index) ?? 0) + 1);
      }
    }
    return byIteration;
  }

  async function createIteration(index: number): Promise<Iteration> {
    const tasks: TaskPlan[] = LABELS.map((label, position) => ({
      label,
      priority: position + 1,
      maxConcurrency: 1 + Math.floor(random() * 3),
      sleepSeconds: Math.round((0.2 + random()) * 10) / 10,
    }));
    const expectedMs =
      300 +
      tasks.reduce(
        (sum, task) =>
          sum +
          Math.ceil(h.fleet.nodeIds.length / task.maxConcurrency) * (task.sleepSeconds * 1000 + COMMAND_OVERHEAD_MS),
        0,
      );
    const dueAt = Math.ceil((Date.now() + LEAD_MS) / 1000) * 1000;
    const { windowId, windowTargetId } = await windowOverNodes(
      h.ssm,
      { name: `crash-${index}`, schedule: `at(${new Date(dueAt).toISOString().slice(0, 19)})` },
      h.fleet.nodeIds,
    );
    for (const task of tasks) {
      await h.ssm.send(
        new RegisterTaskWithMaintenanceWindowCommand({
          WindowId: windowId,
          Name: `task-${task.label}`,
          TaskType: 'RUN_COMMAND',
          TaskArn: 'AWS-RunShellScript',
          Priority: task.priority,
          Targets: [{ Key: 'WindowTargetIds', Values: [windowTargetId] }],
          MaxConcurrency: String(task.maxConcurrency),
          MaxErrors: '0',
          TaskInvocationParameters: {
            // Long enough that no delivery times out while an agent waits out its backoff.
            RunCommand: {
              Parameters: { commands: markedSleep(h.marksDir, task.sleepSeconds, [index, task.label]) },
              TimeoutSeconds: 600,
            },
          },
        }),
      );
    }
    if (Date.now() >= dueAt) {
      throw new Error(`iteration ${index}: setting up the window took past its due time`);
    }
    return { index, windowId, dueAt, tasks, expectedMs };
  }

  async function executionsOf(windowId: string): Promise<MaintenanceWindowExecution[]> {
    const all: MaintenanceWindowExecution[] = [];
    for await (const page of paginateDescribeMaintenanceWindowExecutions({ client: h.ssm }, { WindowId: windowId })) {
      all.push(...(page.WindowExecutions ?? []));
    }
    return all;
  }

  it(
    `keeps one execution per due time and runs no invocation twice across ${ITERATIONS} crashes`,
    async () => {
      onTestFailed(() => h.keepDiagnostics(`crash test (seed ${seed})`));
      const started = Date.now();
      const loopDeadline = started + LOOP_BUDGET_MS;
      const iterations: Iteration[] = [];

      for (let index = 0; index < ITERATIONS; index++) {
        const iteration = await createIteration(index);
        iterations.push(iteration);
        await sleep(iteration.dueAt - Date.now());
        if (random() < BLIND_KILLS) {
          iteration.mode = 'blind';
          iteration.killAt = iteration.dueAt + Math.floor(random() * iteration.expectedMs);
        } else {
          // The agents' backoff grows with every connection a kill cuts, so a node may come back
          // long after the due time: kill shortly after something runs on a node, whichever
          // execution it belongs to, if that happens within this iteration's share of the budget.
          const share = (loopDeadline - Date.now()) / (ITERATIONS - index) - LEAD_MS;
          const syncDeadline = Date.now() + Math.min(MAX_SYNC_WAIT_MS, Math.max(MIN_SYNC_WAIT_MS, share));
          const spread = Math.floor(random() * SYNCED_KILL_SPREAD_MS);
          iteration.mode = 'unsynced';
          iteration.killAt = syncDeadline;
          while (Date.now() < syncDeadline) {
            if (runningNow().size > 0) {
              iteration.mode = 'synced';
              iteration.killAt = Date.now() + spread;
              break;
            }
            await sleep(50);
          }
        }
        await sleep(iteration.killAt - Date.now());

        const running = runningNow();
        iteration.runningAtKill = [...running.values()].reduce((sum, count) => sum + count, 0);
        iteration.ownRunningAtKill = running.get(index) ?? 0;
        iteration.agentsConnectedAtKill = h.fleet.agents.filter((agent) => {
          const log = agent.output();
          return log.lastIndexOf('"msg":"connected to the server"') > log.lastIndexOf('"msg":"disconnected;');
        }).length;
        await h.crashAndRestart();
        if (random() < RECOVERY_KILLS) {
          iteration.recoveryKillMs = Math.floor(random() * RECOVERY_KILL_SPREAD_MS);
          await sleep(iteration.recoveryKillMs);
          await h.crashAndRestart();
        }
        // Never two executions for the one due time, at any moment.
        const executions = await executionsOf(iteration.windowId);
        expect(executions.length, `executions of iteration ${index}'s window`).toBeLessThanOrEqual(1);
      }
      const loopEndedAt = Date.now();

      // Every execution ends, however late its nodes came back.
      const drainDeadline = Math.min(Date.now() + DRAIN_TIMEOUT_MS, started + TEST_TIMEOUT_MS - CHECK_RESERVE_MS);
      let unfinished: string[];
      for (;;) {
        unfinished = [];
        for (const iteration of iterations) {
          const executions = await executionsOf(iteration.windowId);
          if (executions.length === 0 || executions.some((execution) => !TERMINAL.has(execution.Status ?? ''))) {
            unfinished.push(
              `${iteration.index}: ${executions.map((execution) => execution.Status).join(',') || 'none'}`,
            );
          }
        }
        if (unfinished.length === 0 || Date.now() >= drainDeadline) {
          break;
        }
        await sleep(1_000);
      }
      const drainedAt = Date.now();

      // The history.
      const violations = {
        executionCount: [] as string[],
        executionStart: [] as string[],
        notTerminal: [] as string[],
        groupStartedTwice: [] as string[],
        nodeLaunchedTwice: [] as string[],
        ranTwice: [] as string[],
        ranUnknown: [] as string[],
        successWithoutMarks: [] as string[],
        finishedNotSuccess: [] as string[],
        notSuccess: [] as string[],
      };
      const invocations = new Map<string, InvocationRecord>();
      const statusCounts = new Map<string, number>();
      for (const iteration of iterations) {
        const executions = await executionsOf(iteration.windowId);
        if (executions.length !== 1) {
          violations.executionCount.push(`${iteration.index}: ${executions.length} executions`);
        }
        for (const execution of executions) {
          const where = `${iteration.index} ${execution.WindowExecutionId}`;
          statusCounts.set(execution.Status!, (statusCounts.get(execution.Status!) ?? 0) + 1);
          if (!TERMINAL.has(execution.Status ?? '')) {
            violations.notTerminal.push(`execution ${where}: ${execution.Status}`);
          }
          if (execution.Status !== 'SUCCESS') {
            violations.notSuccess.push(`execution ${where}: ${execution.Status} (${execution.StatusDetails})`);
          }
          // Down for a second or so, long before its cutoff (an hour): started, late perhaps (after
          // a restart, or queued for a slot), never recorded as missed.
          const startedAt = execution.StartTime?.getTime() ?? NaN;
          if (
            (execution.StatusDetails ?? '').startsWith('Not started') ||
            !(startedAt >= iteration.dueAt && startedAt < iteration.dueAt + 3_600_000)
          ) {
            violations.executionStart.push(
              `${where}: ${execution.Status} started ${startedAt - iteration.dueAt} ms after its due time (${execution.StatusDetails})`,
            );
          }
          const tasks: MaintenanceWindowExecutionTaskIdentity[] = [];
          for await (const page of paginateDescribeMaintenanceWindowExecutionTasks(
            { client: h.ssm },
            { WindowExecutionId: execution.WindowExecutionId },
          )) {
            tasks.push(...(page.WindowExecutionTaskIdentities ?? []));
          }
          if (execution.Status === 'SUCCESS' && tasks.length !== iteration.tasks.length) {
            violations.notSuccess.push(`execution ${where}: SUCCESS with ${tasks.length} task executions`);
          }
          const priorities = new Map<number, number>();
          for (const task of tasks) {
            const detail = await h.ssm.send(
              new GetMaintenanceWindowExecutionTaskCommand({
                WindowExecutionId: execution.WindowExecutionId,
                TaskId: task.TaskExecutionId,
              }),
            );
            const priority = detail.Priority ?? -1;
            priorities.set(priority, (priorities.get(priority) ?? 0) + 1);
            const label = iteration.tasks.find((plan) => plan.priority === priority)?.label;
            const taskWhere = `${where} task ${task.TaskExecutionId} (priority ${priority})`;
            if (!TERMINAL.has(task.Status ?? '')) {
              violations.notTerminal.push(`task ${taskWhere}: ${task.Status}`);
            }
            if (task.Status !== 'SUCCESS') {
              violations.notSuccess.push(`task ${taskWhere}: ${task.Status} (${task.StatusDetails})`);
            }
            const list: MaintenanceWindowExecutionTaskInvocationIdentity[] = [];
            for await (const page of paginateDescribeMaintenanceWindowExecutionTaskInvocations(
              { client: h.ssm },
              { WindowExecutionId: execution.WindowExecutionId, TaskId: task.TaskExecutionId },
            )) {
              list.push(...(page.WindowExecutionTaskInvocationIdentities ?? []));
            }
            if (task.Status === 'SUCCESS' && list.length !== h.fleet.nodeIds.length) {
              violations.notSuccess.push(`task ${taskWhere}: SUCCESS with ${list.length} invocations`);
            }
            const nodes = new Map<string, number>();
            for (const invocation of list) {
              const parameters = JSON.parse(invocation.Parameters ?? '{}') as { instanceIds?: string[] };
              const nodeId = parameters.instanceIds?.[0];
              nodes.set(nodeId ?? '?', (nodes.get(nodeId ?? '?') ?? 0) + 1);
              invocations.set(invocation.InvocationId!, { invocation, nodeId, label, iteration });
              if (!TERMINAL.has(invocation.Status ?? '')) {
                violations.notTerminal.push(
                  `invocation ${invocation.InvocationId} of ${taskWhere}: ${invocation.Status}`,
                );
              }
              if (invocation.Status !== 'SUCCESS') {
                violations.notSuccess.push(
                  `invocation ${invocation.InvocationId} on ${nodeId} of ${taskWhere}: ${invocation.Status} (${invocation.StatusDetails})`,
                );
              }
            }
            for (const [nodeId, count] of nodes) {
              if (count > 1) {
                violations.nodeLaunchedTwice.push(`${taskWhere}: ${count} invocations on ${nodeId}`);
              }
            }
          }
          for (const [priority, count] of priorities) {
            if (count > 1) {
              violations.groupStartedTwice.push(`${where}: ${count} task executions at priority ${priority}`);
            }
          }
        }
      }

      // What the nodes saw, against the history.
      const marks = readMarks();
      const byInvocation = new Map<string, Mark[]>();
      for (const mark of marks) {
        byInvocation.set(mark.invocationId, [...(byInvocation.get(mark.invocationId) ?? []), mark]);
      }
      for (const [invocationId, lines] of byInvocation) {
        const starts = lines.filter((mark) => mark.edge === 'start');
        const ends = lines.filter((mark) => mark.edge === 'end');
        if (starts.length > 1 || ends.length > 1) {
          violations.ranTwice.push(
            `${invocationId}: ${starts.length} starts, ${ends.length} ends on ${lines.map((mark) => mark.nodeId).join(',')}`,
          );
        }
        const record = invocations.get(invocationId);
        for (const mark of lines) {
          if (
            record === undefined ||
            mark.file !== `${record.nodeId}.log` ||
            mark.nodeId !== record.nodeId ||
            mark.windowExecutionId !== record.invocation.WindowExecutionId ||
            mark.index !== record.iteration.index ||
            mark.label !== record.label
          ) {
            violations.ranUnknown.push(
              `${mark.file}: "${mark.index} ${mark.label} ${mark.edge} ${invocationId} ${mark.windowExecutionId}" is not what the history launched (${record === undefined ? 'no such invocation' : `${record.iteration.index} ${record.label} on ${record.nodeId} in ${record.invocation.WindowExecutionId}`})`,
            );
          }
        }
        if (ends.length > 0 && record !== undefined && record.invocation.Status !== 'SUCCESS') {
          violations.finishedNotSuccess.push(
            `${invocationId} ran to its end on ${record.nodeId} but is ${record.invocation.Status} (${record.invocation.StatusDetails})`,
          );
        }
      }
      let successes = 0;
      for (const [invocationId, record] of invocations) {
        if (record.invocation.Status !== 'SUCCESS') {
          continue;
        }
        successes += 1;
        const lines = (byInvocation.get(invocationId) ?? []).filter((mark) => mark.nodeId === record.nodeId);
        const edges = lines.map((mark) => mark.edge).sort();
        if (edges.join(',') !== 'end,start') {
          violations.successWithoutMarks.push(
            `${invocationId} (iteration ${record.iteration.index} ${record.label} on ${record.nodeId}) is SUCCESS; its node has [${edges.join(',')}]`,
          );
        }
      }

      // What happened, for the record.
      const delays = h.fleet.agents
        .flatMap((agent) => agent.output().split('\n'))
        .filter((line) => line.includes('"msg":"disconnected; reconnecting"'))
        .map((line) => (JSON.parse(line) as { delayMs: number }).delayMs)
        .sort((a, b) => a - b);
      const count = (test: (iteration: Iteration) => boolean) => iterations.filter(test).length;
      // Warnings and errors the servers logged (pino levels 40 and 50), by message.
      const complaints = new Map<string, number>();
      for (const line of h.incarnations.flatMap((incarnation) => incarnation.output().split('\n'))) {
        const match = /^\{"level":(40|50),.*"msg":"([^"]*)"/.exec(line);
        if (match) {
          const key = `${match[1] === '50' ? 'error' : 'warn'}: ${match[2]}`;
          complaints.set(key, (complaints.get(key) ?? 0) + 1);
        }
      }
      console.log(
        [
          `crash test, seed ${seed}: ${h.incarnations.length - 1} kills (${ITERATIONS} iterations, ${count((iteration) => iteration.recoveryKillMs !== undefined)} killed again while resuming) in ${((loopEndedAt - started) / 1000).toFixed(1)} s, ` +
            `drained in ${((drainedAt - loopEndedAt) / 1000).toFixed(1)} s; executions ${JSON.stringify(Object.fromEntries(statusCounts))}; ` +
            `${invocations.size} invocations (${successes} SUCCESS), ${marks.length} lines on the nodes`,
          `kills: ${count((iteration) => iteration.mode === 'blind')} blind, ${count((iteration) => iteration.mode === 'synced')} synced, ` +
            `${count((iteration) => iteration.mode === 'unsynced')} unsynced; with commands running on a node: ` +
            `${count((iteration) => (iteration.runningAtKill ?? 0) > 0)} (own window's: ${count((iteration) => (iteration.ownRunningAtKill ?? 0) > 0)}); ` +
            `with an agent connected: ${count((iteration) => (iteration.agentsConnectedAtKill ?? 0) > 0)}`,
          `agent reconnect delays (ms): ${delays.length} waits, median ${delays[Math.floor(delays.length / 2)] ?? '-'}, ` +
            `max ${delays[delays.length - 1] ?? '-'}, total ${delays.reduce((sum, ms) => sum + ms, 0)}`,
          `server warnings and errors: ${JSON.stringify(Object.fromEntries(complaints))}`,
          ...iterations.map(
            (iteration) =>
              `  #${iteration.index} ${iteration.tasks.map((task) => `${task.label}:c${task.maxConcurrency}/${task.sleepSeconds}s`).join(' ')}` +
              ` ${iteration.mode} kill at due+${(iteration.killAt ?? 0) - iteration.dueAt} ms (expected run ${iteration.expectedMs} ms):` +
              ` ${iteration.runningAtKill} commands running (${iteration.ownRunningAtKill} its own), ${iteration.agentsConnectedAtKill} agents connected` +
              (iteration.recoveryKillMs === undefined
                ? ''
                : `; killed again ${iteration.recoveryKillMs} ms after the restart`),
          ),
        ].join('\n'),
      );

      expect(unfinished, 'executions still unfinished at the end').toEqual([]);
      expect.soft(violations.executionCount, 'one execution per due time').toEqual([]);
      expect.soft(violations.executionStart, 'each execution started (late at most), not missed').toEqual([]);
      expect.soft(violations.notTerminal, 'every status terminal').toEqual([]);
      expect.soft(violations.groupStartedTwice, 'no priority group started twice').toEqual([]);
      expect.soft(violations.nodeLaunchedTwice, 'no node launched twice by one task execution').toEqual([]);
      expect.soft(violations.ranTwice, 'no invocation ran twice').toEqual([]);
      expect.soft(violations.ranUnknown, 'every command that ran is in the history, as launched').toEqual([]);
      expect.soft(violations.successWithoutMarks, 'every SUCCESS invocation ran on its node').toEqual([]);
      expect.soft(violations.finishedNotSuccess, 'every command that ran to its end is SUCCESS').toEqual([]);
      expect.soft(violations.notSuccess, 'with nothing failing on the nodes, everything succeeds').toEqual([]);
      expect(marks.length, 'the nodes ran something').toBeGreaterThan(0);
    },
    TEST_TIMEOUT_MS,
  );
});
