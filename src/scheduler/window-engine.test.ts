/**
 * The window engine assembled in-process, as the server wires it (src/server/server.ts): an
 * SQLite store, the services, the real CommandDispatcher, WindowRunner and WindowScheduler, and
 * a simulated fleet behind the dispatcher's AgentLink. Everything runs on a manual clock; a
 * command's script says how long it takes (`sleep N`: N seconds of clock time) and how it ends
 * (`exit 1`: Failed). Each case asserts on the history the engine records (spec §6).
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { InvocationDetails } from '../domain/command.js';
import type { ManagedNode } from '../domain/managed-node.js';
import type { CutoffBehavior } from '../domain/maintenance-window.js';
import type { TaskExecution, TaskInvocation, WindowExecution } from '../domain/window-execution.js';
import { CommandDispatcher, DEFAULT_DISPATCHER_OPTIONS, type AgentLink } from '../dispatcher/command-dispatcher.js';
import type { Services } from '../api/operation.js';
import type { DeliveredInvocation, InvocationOutcome, ServerMessage } from '../protocol/agent-protocol.js';
import { buildServices } from '../server/server.js';
import { KeyRing } from '../services/access-key-service.js';
import { SecretBox } from '../services/secret-box.js';
import { BuiltinDocumentCatalog } from '../services/builtin-document-catalog.js';
import type { EngineNotifier } from '../services/engine-notifier.js';
import { DEFAULT_QUOTAS, type ServiceContext } from '../services/service-context.js';
import { FakeClock } from '../shared/fake-clock.js';
import { silentLogger } from '../shared/logger.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { WindowRunService, type CommandPort } from '../services/window-run/window-run-service.js';
import { DEFAULT_RUNNER_OPTIONS, WindowRunner } from './window-runner.js';
import { WindowScheduler } from './window-scheduler.js';

const MINUTE = 60_000;
const ACCOUNT_ID = '123456789012';
const NODES = ['mi-00000000000000001', 'mi-00000000000000002', 'mi-00000000000000003', 'mi-00000000000000004'];
const [N1, N2, N3, N4] = NODES as [string, string, string, string];
/** A Windows node: AWS-RunShellScript cannot run there (its invocation fails at launch). */
const WINDOWS_NODE = 'mi-00000000000000000';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** Lets every chain of promises and `setImmediate` hops (the dispatcher's write batches) run out. */
async function settle(turns = 12): Promise<void> {
  for (let turn = 0; turn < turns; turn += 1) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * The FakeClock, plus the deadlines of its sleepers, so that `runUntil` can step from one
 * deadline to the next and let the woken code finish (store writes take several turns) before
 * time moves again: every sleep then starts at the instant its caller saw.
 */
class SteppingClock extends FakeClock {
  private readonly deadlines = new Set<{ readonly wakeAt: number }>();

  override sleep(ms: number, signal?: AbortSignal): Promise<void> {
    const deadline = { wakeAt: this.now().getTime() + Math.max(0, ms) };
    this.deadlines.add(deadline);
    const sleeping = super.sleep(ms, signal);
    const forget = () => {
      this.deadlines.delete(deadline);
    };
    sleeping.then(forget, forget);
    return sleeping;
  }

  /** Moves time to `target`, stopping at every deadline on the way. */
  async runUntil(target: number): Promise<void> {
    for (let step = 0; ; step += 1) {
      if (step > 200_000) {
        throw new Error(`clock stuck at ${iso(this.now().getTime())}: sleepers keep waking without time moving`);
      }
      await settle();
      let next: number | undefined;
      for (const deadline of this.deadlines) {
        if (next === undefined || deadline.wakeAt < next) {
          next = deadline.wakeAt;
        }
      }
      if (next === undefined || next > target) {
        break;
      }
      await this.advance(Math.max(0, next - this.now().getTime()));
    }
    await this.advance(Math.max(0, target - this.now().getTime()));
    await settle();
  }

  async runFor(ms: number): Promise<void> {
    await this.runUntil(this.now().getTime() + ms);
  }
}

/** What one simulated agent did with one command. */
interface AgentRun {
  readonly instanceId: string;
  readonly commandId: string;
  /** The shell lines as delivered (pseudo parameters already substituted by the server). */
  readonly lines: readonly string[];
  readonly startedAt: number;
  endedAt?: number;
  outcome?: InvocationOutcome;
  cancelledAt?: number;
  acknowledged: boolean;
  readonly stop: AbortController;
}

/**
 * The fleet behind the dispatcher's AgentLink. Each agent accepts a delivered command at once,
 * runs it for the `sleep` seconds of its script (clock time), and reports Failed if a line is
 * `exit <non-zero>`, else Success; on `cancel` it stops and reports Cancelled. Like the real
 * agent it dedupes deliveries by command id, keeps running while the server is down, and sends
 * results the server did not acknowledge again when it reconnects.
 */
class SimulatedFleet implements AgentLink {
  readonly runs: AgentRun[] = [];
  readonly deliveries: { instanceId: string; commandId: string; at: number }[] = [];
  readonly cancels: { instanceId: string; commandId: string; at: number }[] = [];
  private server: CommandDispatcher | undefined;

  constructor(
    private readonly clock: SteppingClock,
    private readonly nodes: readonly string[],
  ) {}

  /** The agents' connections go to this dispatcher. */
  connect(server: CommandDispatcher): void {
    this.server = server;
  }

  /** The server is gone (stopped or crashed); the agents keep running what they have. */
  serverDown(): void {
    this.server = undefined;
  }

  /** The agents reconnected: each node says hello, unacknowledged results go out again. */
  reconnected(): void {
    for (const node of this.nodes) {
      this.server?.nodeConnected(node);
    }
    for (const run of this.runs) {
      if (run.outcome !== undefined && !run.acknowledged) {
        void this.report(run);
      }
    }
  }

  send(instanceId: string, message: ServerMessage | string): boolean {
    if (this.server === undefined || !this.nodes.includes(instanceId)) {
      return false;
    }
    const frame = typeof message === 'string' ? (JSON.parse(message) as ServerMessage) : message;
    if (frame.type === 'deliver') {
      this.deliveries.push({ instanceId, commandId: frame.invocation.commandId, at: this.now() });
      queueMicrotask(() => this.deliver(instanceId, frame.invocation));
    } else if (frame.type === 'cancel') {
      this.cancels.push({ instanceId, commandId: frame.commandId, at: this.now() });
      queueMicrotask(() => this.cancel(instanceId, frame.commandId));
    }
    return true;
  }

  disconnect(): void {
    // Deregistration is not exercised here.
  }

  /** Runs of one node, in start order. */
  runsOn(instanceId: string): AgentRun[] {
    return this.runs.filter((run) => run.instanceId === instanceId);
  }

  runOf(commandId: string): AgentRun {
    const run = this.runs.find((candidate) => candidate.commandId === commandId);
    if (run === undefined) {
      throw new Error(`no agent ran command ${commandId}`);
    }
    return run;
  }

  private deliver(instanceId: string, invocation: DeliveredInvocation): void {
    const known = this.runs.find((run) => run.instanceId === instanceId && run.commandId === invocation.commandId);
    if (known !== undefined) {
      // A redelivery (server restart, reconnection): the journal says we have it.
      if (known.outcome === undefined) {
        this.server?.accepted(instanceId, known.commandId);
      } else if (!known.acknowledged) {
        void this.report(known);
      }
      return;
    }
    const lines = invocation.steps.flatMap((step) => {
      const script = step.inputs['runCommand'];
      const entries = Array.isArray(script) ? script.map(String) : typeof script === 'string' ? [script] : [];
      return entries.flatMap((entry) => entry.split('\n'));
    });
    const run: AgentRun = {
      instanceId,
      commandId: invocation.commandId,
      lines,
      startedAt: this.now(),
      acknowledged: false,
      stop: new AbortController(),
    };
    this.runs.push(run);
    this.server?.accepted(instanceId, run.commandId);
    void this.execute(run);
  }

  private async execute(run: AgentRun): Promise<void> {
    let seconds = 0;
    let failed = false;
    for (const line of run.lines) {
      const sleep = /^\s*sleep\s+(\d+)\s*$/.exec(line);
      if (sleep !== null) {
        seconds += Number(sleep[1]);
      }
      if (/^\s*exit\s+[1-9]\d*\s*$/.test(line)) {
        failed = true;
      }
    }
    try {
      await this.clock.sleep(seconds * 1000, run.stop.signal);
      run.outcome = failed ? 'Failed' : 'Success';
    } catch {
      run.outcome = 'Cancelled';
    }
    run.endedAt = this.now();
    await this.report(run);
  }

  private cancel(instanceId: string, commandId: string): void {
    const run = this.runs.find((candidate) => candidate.instanceId === instanceId && candidate.commandId === commandId);
    if (run !== undefined && run.outcome === undefined) {
      run.cancelledAt = this.now();
      run.stop.abort(new Error('cancelled'));
    }
  }

  private async report(run: AgentRun): Promise<void> {
    const server = this.server;
    if (server === undefined) {
      return;
    }
    const outcome = run.outcome!;
    await server.result(run.instanceId, run.commandId, outcome, [
      {
        name: 'aws:runShellScript',
        action: 'aws:runShellScript',
        outcome: outcome === 'ExecutionTimedOut' ? 'TimedOut' : outcome,
        responseCode: outcome === 'Success' ? 0 : outcome === 'Failed' ? 1 : -1,
        startedAt: run.startedAt,
        endedAt: run.endedAt,
        stdout: `${run.lines.join('\n')}\n`,
        stderr: '',
      },
    ]);
    run.acknowledged = true;
  }

  private now(): number {
    return this.clock.now().getTime();
  }
}

/** Forwards the services' notifications to the engine built after them (as server.ts does). */
class EngineRelay implements EngineNotifier {
  target: EngineNotifier | undefined;

  windowChanged(windowId: string): void {
    this.target?.windowChanged(windowId);
  }

  windowDeleted(windowId: string): void {
    this.target?.windowDeleted(windowId);
  }

  executionCancelRequested(windowExecutionId: string): void {
    this.target?.executionCancelRequested(windowExecutionId);
  }
}

/** One server's engine over the shared store. */
interface Engine {
  readonly services: Services;
  readonly dispatcher: CommandDispatcher;
  readonly runner: WindowRunner;
  readonly scheduler: WindowScheduler;
  stop(): Promise<void>;
}

interface TaskSpec {
  readonly windowTargetIds: readonly string[];
  readonly commands: readonly string[];
  readonly priority: number;
  readonly maxConcurrency?: string;
  readonly maxErrors?: string;
  readonly cutoffBehavior?: CutoffBehavior;
  readonly comment?: string;
  readonly name?: string;
}

class Harness {
  readonly fleet: SimulatedFleet;
  engine!: Engine;
  /** Called after the runner hands a command to the dispatcher (to provoke races). */
  onDispatch: ((commandId: string) => void) | undefined;
  private stopped = true;

  constructor(
    readonly clock: SteppingClock,
    readonly store: Store,
  ) {
    this.fleet = new SimulatedFleet(clock, [WINDOWS_NODE, ...NODES]);
  }

  get services(): Services {
    return this.engine.services;
  }

  /** Starts an engine as the server does: dispatcher, runner, scheduler; then the agents (re)connect. */
  async start(): Promise<void> {
    const { clock, store, fleet } = this;
    const ctx: ServiceContext = { store, clock, logger: silentLogger, quotas: DEFAULT_QUOTAS, accountId: ACCOUNT_ID };
    // A minute between deadline sweeps instead of a second, so that a week of fake time stays
    // fast; the simulated agents always answer, so no deadline expires in these cases.
    const dispatcher = new CommandDispatcher(store, clock, silentLogger, {
      ...DEFAULT_DISPATCHER_OPTIONS,
      sweepIntervalMs: MINUTE,
    });
    const relay = new EngineRelay();
    const services = buildServices(ctx, new KeyRing(new SecretBox(randomBytes(32))), {
      documents: new BuiltinDocumentCatalog(),
      notifier: dispatcher,
      onlineThresholdMs: 10 * MINUTE,
      engine: relay,
    });
    // The CommandService itself, observed only to let a test act right after a dispatch.
    const launcher: CommandPort = {
      prepare: (request) => services.commands.prepare(request),
      record: (prepared, within) => services.commands.record(prepared, within),
      dispatch: (commandId) => {
        services.commands.dispatch(commandId);
        this.onDispatch?.(commandId);
      },
      cancel: (commandId, instanceIds) => services.commands.cancel(commandId, instanceIds),
    };
    const runs = new WindowRunService(ctx, launcher);
    const runner = new WindowRunner(
      runs,
      clock,
      silentLogger,
      {
        onInvocationEnded: (listener) =>
          dispatcher.events.on(
            'invocationEnded',
            (commandId: string, _instanceId: string, details: InvocationDetails) => listener(commandId, details),
          ),
      },
      DEFAULT_RUNNER_OPTIONS,
    );
    const scheduler = new WindowScheduler(store, clock, silentLogger, runs, runner);
    relay.target = {
      windowChanged: (windowId) => scheduler.windowChanged(windowId),
      windowDeleted: (windowId) => scheduler.windowDeleted(windowId),
      executionCancelRequested: (windowExecutionId) => runner.cancelRequested(windowExecutionId),
    };
    // As in server.ts, agents can reach the server only once it listens, after the engine started.
    await dispatcher.start(fleet);
    await runner.start();
    await scheduler.start();
    await settle();
    fleet.connect(dispatcher);
    fleet.reconnected();
    await settle();
    this.stopped = false;
    this.engine = {
      services,
      dispatcher,
      runner,
      scheduler,
      stop: async () => {
        await scheduler.stop();
        await runner.stop();
        fleet.serverDown();
        await dispatcher.stop();
      },
    };
  }

  /** Stops the engine as a shutdown or crash would leave it: the store keeps what was written. */
  async stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      await this.engine.stop();
    }
  }

  async registerNodes(): Promise<void> {
    for (const instanceId of [WINDOWS_NODE, ...NODES]) {
      const node: ManagedNode = {
        instanceId,
        activationId: '0f5c3e4a-1b2c-4d5e-8f90-a1b2c3d4e5f6',
        iamRole: 'MadoNodeRole',
        publicKey: 'key',
        registeredAt: this.clock.now().getTime(),
        facts: {
          agentVersion: '1.0.0',
          platformType: instanceId === WINDOWS_NODE ? 'Windows' : 'Linux',
          platformName: instanceId === WINDOWS_NODE ? 'Microsoft Windows Server 2022' : 'Debian GNU/Linux',
          platformVersion: instanceId === WINDOWS_NODE ? '10.0.20348' : '12',
          architecture: 'x86_64',
          computerName: `host-${instanceId.slice(-1)}`,
          ipAddresses: ['10.0.0.1'],
        },
        lastPingAt: this.clock.now().getTime(),
      };
      await this.store.registerManagedNode(node, new Map([['Env', 'test']]));
    }
  }

  async createWindow(
    schedule: string,
    options: { duration: number; cutoff: number; scheduleTimezone?: string; name?: string },
  ): Promise<string> {
    const windowId = await this.services.windows.create(
      {
        name: options.name ?? 'engine-test',
        schedule,
        scheduleTimezone: options.scheduleTimezone,
        duration: options.duration,
        cutoff: options.cutoff,
        allowUnassociatedTargets: false,
      },
      [],
    );
    await this.engine.scheduler.settled();
    await settle();
    return windowId;
  }

  async registerTarget(windowId: string, nodes: readonly string[]): Promise<string> {
    return this.services.targets.register(windowId, 'INSTANCE', {
      targets: [{ Key: 'InstanceIds', Values: [...nodes] }],
    });
  }

  async registerTask(windowId: string, spec: TaskSpec): Promise<string> {
    return this.services.tasks.register(windowId, 'RUN_COMMAND', {
      taskArn: 'AWS-RunShellScript',
      name: spec.name,
      targets: [{ Key: 'WindowTargetIds', Values: [...spec.windowTargetIds] }],
      priority: spec.priority,
      maxConcurrency: spec.maxConcurrency ?? '10',
      maxErrors: spec.maxErrors ?? '0',
      cutoffBehavior: spec.cutoffBehavior,
      taskInvocationParameters: {
        RunCommand: {
          Parameters: { commands: [...spec.commands], executionTimeout: ['86400'] },
          ...(spec.comment === undefined ? {} : { Comment: spec.comment }),
        },
      },
    });
  }

  /** The window's executions, oldest due time first. */
  async executions(windowId: string): Promise<WindowExecution[]> {
    const page = await this.services.history.describeExecutions({ windowId, limit: 100 });
    return [...page.items].sort((a, b) => a.scheduledAt - b.scheduledAt);
  }

  async onlyExecution(windowId: string): Promise<WindowExecution> {
    const executions = await this.executions(windowId);
    expect(executions).toHaveLength(1);
    return executions[0]!;
  }

  /** The execution's task executions, by window task id. */
  async tasks(windowExecutionId: string): Promise<Map<string, TaskExecution>> {
    const page = await this.services.history.describeTaskExecutions({ windowExecutionId, limit: 100 });
    return new Map(page.items.map((task) => [task.windowTaskId, task]));
  }

  /** A task execution's invocations, by node. */
  async invocations(task: TaskExecution): Promise<Map<string, TaskInvocation>> {
    const page = await this.services.history.describeInvocations({
      windowExecutionId: task.windowExecutionId,
      taskExecutionId: task.taskExecutionId,
      limit: 100,
    });
    return new Map(page.items.map((invocation) => [invocation.instanceId!, invocation]));
  }
}

/** Times and status of a history record, for compact comparisons. */
function shape(record: { status: string; startedAt: number; endedAt?: number; statusDetails?: string }) {
  return { status: record.status, start: iso(record.startedAt), end: iso(record.endedAt) };
}

describe('the window engine (scheduler, runner, dispatcher, store) on a simulated fleet', () => {
  let clock: SteppingClock;
  let store: Store;
  let h: Harness;
  /** Set once a case has built its engine, so that afterEach knows to tear it down. */
  let running = false;

  /** A fresh store and engine with the clock at `start`, and the nodes registered. */
  async function setUp(start: string): Promise<void> {
    clock = new SteppingClock(at(start));
    store = openSqliteStore({ filename: ':memory:' }, clock.now().getTime()).store;
    h = new Harness(clock, store);
    running = true;
    await h.start();
    await h.registerNodes();
  }

  afterEach(async () => {
    if (running) {
      running = false;
      await h.stop();
      await store.close();
    }
  });

  describe('schedules across daylight-saving changes (Europe/Berlin)', () => {
    it('fires a week of daily crons at the instants java.time gives, once per due time, over the spring gap', async () => {
      await setUp('2026-03-25T12:00:00Z');
      const early = await h.createWindow('cron(30 2 ? * * *)', {
        duration: 2,
        cutoff: 1,
        scheduleTimezone: 'Europe/Berlin',
      });
      const wt = await h.registerTarget(early, [N1]);
      await h.registerTask(early, { windowTargetIds: [wt], commands: ['sleep 600'], priority: 1 });
      const morning = await h.createWindow('cron(0 9 ? * * *)', {
        duration: 1,
        cutoff: 0,
        scheduleTimezone: 'Europe/Berlin',
      });

      await clock.runUntil(at('2026-04-01T12:00:00Z'));

      // 02:30 CET = 01:30Z; on 29 March 02:30 does not exist and runs at 03:30 CEST = 01:30Z
      // (moved forward by the one-hour gap); from 30 March 02:30 CEST = 00:30Z.
      const expectedEarly = [
        '2026-03-26T01:30:00.000Z',
        '2026-03-27T01:30:00.000Z',
        '2026-03-28T01:30:00.000Z',
        '2026-03-29T01:30:00.000Z',
        '2026-03-30T00:30:00.000Z',
        '2026-03-31T00:30:00.000Z',
        '2026-04-01T00:30:00.000Z',
      ];
      const earlyRuns = await h.executions(early);
      expect(earlyRuns.map((execution) => iso(execution.scheduledAt))).toEqual(expectedEarly);
      expect(earlyRuns.map((execution) => iso(execution.startedAt))).toEqual(expectedEarly);
      expect(earlyRuns.map((execution) => execution.status)).toEqual(Array(7).fill('SUCCESS'));
      // Each run's task ran on the node at the due instant, for its 10 minutes, exactly once.
      expect(h.fleet.runsOn(N1).map((run) => [iso(run.startedAt), iso(run.endedAt)])).toEqual(
        expectedEarly.map((start) => [start, iso(at(start) + 10 * MINUTE)]),
      );
      expect(earlyRuns.map((execution) => iso(execution.endedAt))).toEqual(
        expectedEarly.map((start) => iso(at(start) + 10 * MINUTE)),
      );

      // 09:00 CET = 08:00Z until 28 March, 09:00 CEST = 07:00Z from 29 March.
      const expectedMorning = [
        '2026-03-26T08:00:00.000Z',
        '2026-03-27T08:00:00.000Z',
        '2026-03-28T08:00:00.000Z',
        '2026-03-29T07:00:00.000Z',
        '2026-03-30T07:00:00.000Z',
        '2026-03-31T07:00:00.000Z',
        '2026-04-01T07:00:00.000Z',
      ];
      const morningRuns = await h.executions(morning);
      expect(morningRuns.map((execution) => iso(execution.scheduledAt))).toEqual(expectedMorning);
      expect(morningRuns.map((execution) => iso(execution.startedAt))).toEqual(expectedMorning);
      expect(morningRuns.map((execution) => [execution.status, execution.statusDetails])).toEqual(
        Array(7).fill(['SUCCESS', 'No tasks to execute.']),
      );
    });

    it('fires the ambiguous 02:30 of the autumn change once, at the earlier (summer-time) offset', async () => {
      await setUp('2026-10-21T12:00:00Z');
      const windowId = await h.createWindow('cron(30 2 ? * * *)', {
        duration: 2,
        cutoff: 1,
        scheduleTimezone: 'Europe/Berlin',
      });
      await clock.runUntil(at('2026-10-28T12:00:00Z'));
      const expected = [
        '2026-10-22T00:30:00.000Z',
        '2026-10-23T00:30:00.000Z',
        '2026-10-24T00:30:00.000Z',
        // 02:30 happens twice on 25 October: 00:30Z (CEST) and 01:30Z (CET); only the first runs.
        '2026-10-25T00:30:00.000Z',
        '2026-10-26T01:30:00.000Z',
        '2026-10-27T01:30:00.000Z',
        '2026-10-28T01:30:00.000Z',
      ];
      const runs = await h.executions(windowId);
      expect(runs.map((execution) => iso(execution.scheduledAt))).toEqual(expected);
      expect(runs.map((execution) => iso(execution.startedAt))).toEqual(expected);
      expect(runs.every((execution) => execution.status === 'SUCCESS')).toBe(true);
    });
  });

  it('records a due time whose previous execution still runs as SKIPPED_OVERLAPPING at the due time', async () => {
    await setUp('2026-06-01T00:00:00Z');
    const windowId = await h.createWindow('rate(1 hour)', { duration: 2, cutoff: 0 });
    const wt = await h.registerTarget(windowId, [N1]);
    await h.registerTask(windowId, { windowTargetIds: [wt], commands: ['sleep 5400'], priority: 1 });

    await clock.runUntil(at('2026-06-01T04:45:00Z'));

    const runs = await h.executions(windowId);
    expect(runs.map((execution) => ({ due: iso(execution.scheduledAt), ...shape(execution) }))).toEqual([
      {
        due: '2026-06-01T01:00:00.000Z',
        status: 'SUCCESS',
        start: '2026-06-01T01:00:00.000Z',
        end: '2026-06-01T02:30:00.000Z',
      },
      {
        due: '2026-06-01T02:00:00.000Z',
        status: 'SKIPPED_OVERLAPPING',
        start: '2026-06-01T02:00:00.000Z',
        end: '2026-06-01T02:00:00.000Z',
      },
      {
        due: '2026-06-01T03:00:00.000Z',
        status: 'SUCCESS',
        start: '2026-06-01T03:00:00.000Z',
        end: '2026-06-01T04:30:00.000Z',
      },
      {
        due: '2026-06-01T04:00:00.000Z',
        status: 'SKIPPED_OVERLAPPING',
        start: '2026-06-01T04:00:00.000Z',
        end: '2026-06-01T04:00:00.000Z',
      },
    ]);
    expect(runs[1]!.statusDetails).toBe(
      `Overlapping execution skipped: previous execution ${runs[0]!.windowExecutionId} still running.`,
    );
    expect(runs[3]!.statusDetails).toContain(runs[2]!.windowExecutionId);
    // Skipped executions have no tasks; the node ran the task twice.
    expect(await h.tasks(runs[1]!.windowExecutionId)).toEqual(new Map());
    expect(await h.tasks(runs[3]!.windowExecutionId)).toEqual(new Map());
    expect(h.fleet.runsOn(N1).map((run) => iso(run.startedAt))).toEqual([
      '2026-06-01T01:00:00.000Z',
      '2026-06-01T03:00:00.000Z',
    ]);
  });

  it('runs priority groups 1, 1, 2, 5 in ascending order, the tasks of a group in parallel', async () => {
    await setUp('2026-06-01T00:00:00Z');
    const windowId = await h.createWindow('at(2026-06-01T01:00:00)', { duration: 4, cutoff: 1 });
    const wt12 = await h.registerTarget(windowId, [N1, N2]);
    const wt3 = await h.registerTarget(windowId, [N3]);
    const wtAll = await h.registerTarget(windowId, NODES);
    // Registered out of priority order on purpose.
    const last = await h.registerTask(windowId, {
      name: 'p5',
      windowTargetIds: [wtAll],
      commands: ['sleep 60'],
      priority: 5,
      maxConcurrency: '2',
    });
    const a = await h.registerTask(windowId, {
      name: 'p1a',
      windowTargetIds: [wt12],
      commands: ['sleep 600'],
      priority: 1,
    });
    const second = await h.registerTask(windowId, {
      name: 'p2',
      windowTargetIds: [wt3],
      commands: ['sleep 300'],
      priority: 2,
    });
    const b = await h.registerTask(windowId, {
      name: 'p1b',
      windowTargetIds: [wt3],
      commands: ['sleep 1200'],
      priority: 1,
    });

    await clock.runUntil(at('2026-06-01T02:00:00Z'));

    const execution = await h.onlyExecution(windowId);
    expect(shape(execution)).toEqual({
      status: 'SUCCESS',
      start: '2026-06-01T01:00:00.000Z',
      end: '2026-06-01T01:27:00.000Z',
    });
    const tasks = await h.tasks(execution.windowExecutionId);
    const timeline = (taskId: string) => shape(tasks.get(taskId)!);
    // Group 1: both tasks start at the due time and overlap; group 2 waits for the slower one.
    expect(timeline(a)).toEqual({
      status: 'SUCCESS',
      start: '2026-06-01T01:00:00.000Z',
      end: '2026-06-01T01:10:00.000Z',
    });
    expect(timeline(b)).toEqual({
      status: 'SUCCESS',
      start: '2026-06-01T01:00:00.000Z',
      end: '2026-06-01T01:20:00.000Z',
    });
    expect(timeline(second)).toEqual({
      status: 'SUCCESS',
      start: '2026-06-01T01:20:00.000Z',
      end: '2026-06-01T01:25:00.000Z',
    });
    expect(timeline(last)).toEqual({
      status: 'SUCCESS',
      start: '2026-06-01T01:25:00.000Z',
      end: '2026-06-01T01:27:00.000Z',
    });

    const byNode = async (taskId: string) =>
      Object.fromEntries(
        [...(await h.invocations(tasks.get(taskId)!))].map(([node, invocation]) => [node, shape(invocation)]),
      );
    expect(await byNode(a)).toEqual({
      [N1]: { status: 'SUCCESS', start: '2026-06-01T01:00:00.000Z', end: '2026-06-01T01:10:00.000Z' },
      [N2]: { status: 'SUCCESS', start: '2026-06-01T01:00:00.000Z', end: '2026-06-01T01:10:00.000Z' },
    });
    expect(await byNode(b)).toEqual({
      [N3]: { status: 'SUCCESS', start: '2026-06-01T01:00:00.000Z', end: '2026-06-01T01:20:00.000Z' },
    });
    expect(await byNode(second)).toEqual({
      [N3]: { status: 'SUCCESS', start: '2026-06-01T01:20:00.000Z', end: '2026-06-01T01:25:00.000Z' },
    });
    // MaxConcurrency 2 over four nodes: two waves of one minute.
    expect(await byNode(last)).toEqual({
      [N1]: { status: 'SUCCESS', start: '2026-06-01T01:25:00.000Z', end: '2026-06-01T01:26:00.000Z' },
      [N2]: { status: 'SUCCESS', start: '2026-06-01T01:25:00.000Z', end: '2026-06-01T01:26:00.000Z' },
      [N3]: { status: 'SUCCESS', start: '2026-06-01T01:26:00.000Z', end: '2026-06-01T01:27:00.000Z' },
      [N4]: { status: 'SUCCESS', start: '2026-06-01T01:26:00.000Z', end: '2026-06-01T01:27:00.000Z' },
    });
    // What the nodes did agrees: N3 ran p1b, then p2, then p5.
    expect(h.fleet.runsOn(N3).map((run) => [iso(run.startedAt), iso(run.endedAt)])).toEqual([
      ['2026-06-01T01:00:00.000Z', '2026-06-01T01:20:00.000Z'],
      ['2026-06-01T01:20:00.000Z', '2026-06-01T01:25:00.000Z'],
      ['2026-06-01T01:26:00.000Z', '2026-06-01T01:27:00.000Z'],
    ]);
  });

  describe('cutoff', () => {
    it('CONTINUE_TASK: a running task finishes past the cutoff; the next priority group never starts', async () => {
      await setUp('2026-06-01T00:00:00Z');
      // Opens 01:00, cutoff 02:00, closes 03:00.
      const windowId = await h.createWindow('at(2026-06-01T01:00:00)', { duration: 2, cutoff: 1 });
      const wt = await h.registerTarget(windowId, [N1]);
      const long = await h.registerTask(windowId, {
        windowTargetIds: [wt],
        commands: ['sleep 5400'],
        priority: 1,
        cutoffBehavior: 'CONTINUE_TASK',
      });
      const later = await h.registerTask(windowId, { windowTargetIds: [wt], commands: ['sleep 60'], priority: 2 });

      await clock.runUntil(at('2026-06-01T04:00:00Z'));

      const execution = await h.onlyExecution(windowId);
      expect(shape(execution)).toEqual({
        status: 'TIMED_OUT',
        start: '2026-06-01T01:00:00.000Z',
        end: '2026-06-01T02:30:00.000Z',
      });
      expect(execution.statusDetails).toBe('Maintenance window cutoff reached before all tasks could start.');
      const tasks = await h.tasks(execution.windowExecutionId);
      expect([...tasks.keys()]).toEqual([long]);
      expect(tasks.has(later)).toBe(false);
      expect(shape(tasks.get(long)!)).toEqual({
        status: 'SUCCESS',
        start: '2026-06-01T01:00:00.000Z',
        end: '2026-06-01T02:30:00.000Z',
      });
      const invocation = (await h.invocations(tasks.get(long)!)).get(N1)!;
      expect([invocation.status, iso(invocation.startedAt), iso(invocation.endedAt)]).toEqual([
        'SUCCESS',
        '2026-06-01T01:00:00.000Z',
        '2026-06-01T02:30:00.000Z',
      ]);
      expect(h.fleet.runs).toHaveLength(1);
      expect(h.fleet.cancels).toEqual([]);
    });

    it('CANCEL_TASK: running invocations are cancelled at the cutoff and end TIMED_OUT', async () => {
      await setUp('2026-06-01T00:00:00Z');
      const windowId = await h.createWindow('at(2026-06-01T01:00:00)', { duration: 2, cutoff: 1 });
      const wt = await h.registerTarget(windowId, [N1, N2, N3]);
      const wt4 = await h.registerTarget(windowId, [N4]);
      const stopped = await h.registerTask(windowId, {
        windowTargetIds: [wt],
        commands: ['sleep 5400'],
        priority: 1,
        maxConcurrency: '2',
        cutoffBehavior: 'CANCEL_TASK',
      });
      await h.registerTask(windowId, { windowTargetIds: [wt4], commands: ['sleep 60'], priority: 2 });

      await clock.runUntil(at('2026-06-01T04:00:00Z'));

      const execution = await h.onlyExecution(windowId);
      expect(shape(execution)).toEqual({
        status: 'TIMED_OUT',
        start: '2026-06-01T01:00:00.000Z',
        end: '2026-06-01T02:00:00.000Z',
      });
      const tasks = await h.tasks(execution.windowExecutionId);
      expect([...tasks.keys()]).toEqual([stopped]);
      const task = tasks.get(stopped)!;
      expect(shape(task)).toEqual({
        status: 'TIMED_OUT',
        start: '2026-06-01T01:00:00.000Z',
        end: '2026-06-01T02:00:00.000Z',
      });
      expect(task.statusDetails).toBe('Task stopped at cutoff (CANCEL_TASK).');
      // Two ran (MaxConcurrency 2) and were cancelled at 02:00; the third was never launched.
      const invocations = await h.invocations(task);
      expect(Object.fromEntries([...invocations].map(([node, invocation]) => [node, shape(invocation)]))).toEqual({
        [N1]: { status: 'TIMED_OUT', start: '2026-06-01T01:00:00.000Z', end: '2026-06-01T02:00:00.000Z' },
        [N2]: { status: 'TIMED_OUT', start: '2026-06-01T01:00:00.000Z', end: '2026-06-01T02:00:00.000Z' },
      });
      expect(h.fleet.cancels.map((cancel) => [cancel.instanceId, iso(cancel.at)])).toEqual([
        [N1, '2026-06-01T02:00:00.000Z'],
        [N2, '2026-06-01T02:00:00.000Z'],
      ]);
      expect(h.fleet.runs.map((run) => [run.instanceId, run.outcome, iso(run.endedAt)])).toEqual([
        [N1, 'Cancelled', '2026-06-01T02:00:00.000Z'],
        [N2, 'Cancelled', '2026-06-01T02:00:00.000Z'],
      ]);
      // The Run Command side agrees: the commands were cancelled.
      const command = await store.getCommand(invocations.get(N1)!.executionId!);
      expect(command?.status).toBe('Cancelled');
    });

    it('CONTINUE_TASK: the task keeps launching its remaining targets after the cutoff (spec §6.4)', async () => {
      await setUp('2026-06-01T00:00:00Z');
      // Opens 01:00, cutoff 02:00, closes 03:00.
      const windowId = await h.createWindow('at(2026-06-01T01:00:00)', { duration: 2, cutoff: 1 });
      const wt = await h.registerTarget(windowId, [N1, N2]);
      const rolling = await h.registerTask(windowId, {
        windowTargetIds: [wt],
        commands: ['sleep 4200'],
        priority: 1,
        maxConcurrency: '1',
      });

      await clock.runUntil(at('2026-06-01T05:00:00Z'));

      const execution = await h.onlyExecution(windowId);
      expect(shape(execution)).toEqual({
        status: 'SUCCESS',
        start: '2026-06-01T01:00:00.000Z',
        end: '2026-06-01T03:20:00.000Z',
      });
      const task = (await h.tasks(execution.windowExecutionId)).get(rolling)!;
      expect(shape(task)).toEqual({
        status: 'SUCCESS',
        start: '2026-06-01T01:00:00.000Z',
        end: '2026-06-01T03:20:00.000Z',
      });
      const invocations = await h.invocations(task);
      expect(Object.fromEntries([...invocations].map(([node, invocation]) => [node, shape(invocation)]))).toEqual({
        [N1]: { status: 'SUCCESS', start: '2026-06-01T01:00:00.000Z', end: '2026-06-01T02:10:00.000Z' },
        [N2]: { status: 'SUCCESS', start: '2026-06-01T02:10:00.000Z', end: '2026-06-01T03:20:00.000Z' },
      });
      // The task ended after the window closed (03:00), and says so, in one sentence each.
      expect(task.endedInsideWindow).toBe(false);
      expect(task.statusDetails).toBe('All 2 invocations succeeded. Ended after the window closed.');
    });
  });

  describe('a window missed while the server was down', () => {
    it('starts the latest due time late when still before its cutoff, and records TIMED_OUT otherwise', async () => {
      await setUp('2026-06-01T00:00:00Z');
      // Due 02:00 UTC daily; cutoff at 04:00 (Duration 3, Cutoff 1).
      const windowId = await h.createWindow('cron(0 2 ? * * *)', { duration: 3, cutoff: 1 });
      const wt = await h.registerTarget(windowId, [N1]);
      await h.registerTask(windowId, { windowTargetIds: [wt], commands: ['sleep 600'], priority: 1 });

      await clock.runUntil(at('2026-06-01T12:00:00Z'));
      await h.stop();
      // Down from 12:00 on 1 June until 03:00 on 2 June: one hour late, inside the cutoff.
      await clock.runUntil(at('2026-06-02T03:00:00Z'));
      await h.start();
      await clock.runUntil(at('2026-06-02T12:00:00Z'));

      let runs = await h.executions(windowId);
      expect(runs.map((execution) => ({ due: iso(execution.scheduledAt), ...shape(execution) }))).toEqual([
        {
          due: '2026-06-01T02:00:00.000Z',
          status: 'SUCCESS',
          start: '2026-06-01T02:00:00.000Z',
          end: '2026-06-01T02:10:00.000Z',
        },
        {
          due: '2026-06-02T02:00:00.000Z',
          status: 'SUCCESS',
          start: '2026-06-02T03:00:00.000Z',
          end: '2026-06-02T03:10:00.000Z',
        },
      ]);
      expect(h.fleet.runsOn(N1).map((run) => iso(run.startedAt))).toEqual([
        '2026-06-01T02:00:00.000Z',
        '2026-06-02T03:00:00.000Z',
      ]);

      // Down again from 12:00 on 2 June until 05:00 on 4 June: the 3 June run is long gone,
      // and the 4 June one is past its 04:00 cutoff.
      await h.stop();
      await clock.runUntil(at('2026-06-04T05:00:00Z'));
      await h.start();
      await clock.runUntil(at('2026-06-05T12:00:00Z'));

      runs = await h.executions(windowId);
      expect(runs.map((execution) => ({ due: iso(execution.scheduledAt), ...shape(execution) }))).toEqual([
        {
          due: '2026-06-01T02:00:00.000Z',
          status: 'SUCCESS',
          start: '2026-06-01T02:00:00.000Z',
          end: '2026-06-01T02:10:00.000Z',
        },
        {
          due: '2026-06-02T02:00:00.000Z',
          status: 'SUCCESS',
          start: '2026-06-02T03:00:00.000Z',
          end: '2026-06-02T03:10:00.000Z',
        },
        {
          due: '2026-06-03T02:00:00.000Z',
          status: 'TIMED_OUT',
          start: '2026-06-03T02:00:00.000Z',
          end: '2026-06-03T02:00:00.000Z',
        },
        {
          due: '2026-06-04T02:00:00.000Z',
          status: 'TIMED_OUT',
          start: '2026-06-04T02:00:00.000Z',
          end: '2026-06-04T02:00:00.000Z',
        },
        {
          due: '2026-06-05T02:00:00.000Z',
          status: 'SUCCESS',
          start: '2026-06-05T02:00:00.000Z',
          end: '2026-06-05T02:10:00.000Z',
        },
      ]);
      for (const missed of [runs[2]!, runs[3]!]) {
        expect(missed.statusDetails).toMatch(/^Not started: /);
        expect(await h.tasks(missed.windowExecutionId)).toEqual(new Map());
      }
      expect(runs[3]!.statusDetails).toContain('2026-06-04T02:00:00Z');
      expect(runs[3]!.statusDetails).toContain('2026-06-04T04:00:00Z');
      // No task ran for the missed due times.
      expect(h.fleet.runsOn(N1).map((run) => iso(run.startedAt))).toEqual([
        '2026-06-01T02:00:00.000Z',
        '2026-06-02T03:00:00.000Z',
        '2026-06-05T02:00:00.000Z',
      ]);
    });
  });

  it('cancels an execution mid-run: running invocations cancelled, pending work never starts', async () => {
    await setUp('2026-06-01T00:00:00Z');
    const windowId = await h.createWindow('at(2026-06-01T01:00:00)', { duration: 4, cutoff: 1 });
    const wt = await h.registerTarget(windowId, [N1, N2]);
    const wt3 = await h.registerTarget(windowId, [N3]);
    const running = await h.registerTask(windowId, {
      windowTargetIds: [wt],
      commands: ['sleep 1800'],
      priority: 1,
      maxConcurrency: '1',
    });
    const other = await h.registerTask(windowId, { windowTargetIds: [wt3], commands: ['sleep 3600'], priority: 1 });
    await h.registerTask(windowId, { windowTargetIds: [wt3], commands: ['sleep 60'], priority: 2 });

    await clock.runUntil(at('2026-06-01T01:10:00Z'));
    const execution = await h.onlyExecution(windowId);
    expect(execution.status).toBe('IN_PROGRESS');
    await h.services.history.cancel(execution.windowExecutionId);
    expect((await h.onlyExecution(windowId)).status).toBe('CANCELLING');
    await clock.runUntil(at('2026-06-01T04:00:00Z'));

    const ended = await h.onlyExecution(windowId);
    expect(shape(ended)).toEqual({
      status: 'CANCELLED',
      start: '2026-06-01T01:00:00.000Z',
      end: '2026-06-01T01:10:00.000Z',
    });
    expect(ended.statusDetails).toBe('Cancelled by user.');
    const tasks = await h.tasks(execution.windowExecutionId);
    // The priority-2 task was never materialised.
    expect(new Set(tasks.keys())).toEqual(new Set([running, other]));
    for (const taskId of [running, other]) {
      expect(shape(tasks.get(taskId)!)).toEqual({
        status: 'CANCELLED',
        start: '2026-06-01T01:00:00.000Z',
        end: '2026-06-01T01:10:00.000Z',
      });
    }
    // MaxConcurrency 1: N1 was running and is cancelled; N2 never launched.
    const invocations = await h.invocations(tasks.get(running)!);
    expect([...invocations.keys()]).toEqual([N1]);
    expect(shape(invocations.get(N1)!)).toEqual({
      status: 'CANCELLED',
      start: '2026-06-01T01:00:00.000Z',
      end: '2026-06-01T01:10:00.000Z',
    });
    expect(shape((await h.invocations(tasks.get(other)!)).get(N3)!)).toEqual({
      status: 'CANCELLED',
      start: '2026-06-01T01:00:00.000Z',
      end: '2026-06-01T01:10:00.000Z',
    });
    const agentRuns = h.fleet.runs.map((run) => [run.instanceId, run.outcome, iso(run.cancelledAt), iso(run.endedAt)]);
    expect(agentRuns.sort()).toEqual([
      [N1, 'Cancelled', '2026-06-01T01:10:00.000Z', '2026-06-01T01:10:00.000Z'],
      [N3, 'Cancelled', '2026-06-01T01:10:00.000Z', '2026-06-01T01:10:00.000Z'],
    ]);
  });

  it('a cancel that arrives while invocations are being launched leaves no node working', async () => {
    await setUp('2026-06-01T00:00:00Z');
    const windowId = await h.createWindow('at(2026-06-01T01:00:00)', { duration: 4, cutoff: 1 });
    const wt = await h.registerTarget(windowId, [N1, N2, N3]);
    const taskId = await h.registerTask(windowId, { windowTargetIds: [wt], commands: ['sleep 600'], priority: 1 });
    // CancelMaintenanceWindowExecution arrives just as the first command is handed over.
    let cancelled: Promise<void> | undefined;
    h.onDispatch = () => {
      const windowExecutionId = h.engine.runner.activeExecution(windowId);
      if (cancelled === undefined && windowExecutionId !== undefined) {
        cancelled = h.services.history.cancel(windowExecutionId);
      }
    };

    await clock.runUntil(at('2026-06-01T02:00:00Z'));
    await cancelled;

    const execution = await h.onlyExecution(windowId);
    expect(shape(execution)).toEqual({
      status: 'CANCELLED',
      start: '2026-06-01T01:00:00.000Z',
      end: '2026-06-01T01:00:00.000Z',
    });
    const task = (await h.tasks(execution.windowExecutionId)).get(taskId)!;
    expect(task.status).toBe('CANCELLED');
    // Whatever was launched was cancelled at once: no node ran its 10 minutes.
    const invocations = await h.invocations(task);
    expect([...invocations.values()].map((invocation) => [invocation.status, iso(invocation.endedAt)])).toEqual(
      [...invocations.values()].map(() => ['CANCELLED', '2026-06-01T01:00:00.000Z']),
    );
    expect(h.fleet.runs.map((run) => [run.instanceId, run.outcome, iso(run.endedAt)])).toEqual(
      h.fleet.runs.map((run) => [run.instanceId, 'Cancelled', '2026-06-01T01:00:00.000Z']),
    );
  });

  it('stops launching at the first failure with MaxConcurrency 1 and MaxErrors 0', async () => {
    await setUp('2026-06-01T00:00:00Z');
    const windowId = await h.createWindow('at(2026-06-01T01:00:00)', { duration: 4, cutoff: 1 });
    const wt = await h.registerTarget(windowId, [N1, N2, N3]);
    const wt4 = await h.registerTarget(windowId, [N4]);
    const failing = await h.registerTask(windowId, {
      windowTargetIds: [wt],
      commands: ['sleep 120', 'exit 1'],
      priority: 1,
      maxConcurrency: '1',
      maxErrors: '0',
    });
    const after = await h.registerTask(windowId, { windowTargetIds: [wt4], commands: ['sleep 60'], priority: 2 });

    await clock.runUntil(at('2026-06-01T02:00:00Z'));

    const execution = await h.onlyExecution(windowId);
    expect(shape(execution)).toEqual({
      status: 'FAILED',
      start: '2026-06-01T01:00:00.000Z',
      end: '2026-06-01T01:03:00.000Z',
    });
    expect(execution.statusDetails).toBe('One or more tasks in the orchestration failed.');
    const tasks = await h.tasks(execution.windowExecutionId);
    const task = tasks.get(failing)!;
    expect(shape(task)).toEqual({
      status: 'FAILED',
      start: '2026-06-01T01:00:00.000Z',
      end: '2026-06-01T01:02:00.000Z',
    });
    expect(task.statusDetails).toBe('Error threshold reached; 2 targets not started.');
    const invocations = await h.invocations(task);
    expect([...invocations.keys()]).toEqual([N1]);
    expect({ ...shape(invocations.get(N1)!), details: invocations.get(N1)!.statusDetails }).toEqual({
      status: 'FAILED',
      start: '2026-06-01T01:00:00.000Z',
      end: '2026-06-01T01:02:00.000Z',
      details: 'Failed',
    });
    // A failed task does not stop later priority groups (spec §6.3).
    expect(shape(tasks.get(after)!)).toEqual({
      status: 'SUCCESS',
      start: '2026-06-01T01:02:00.000Z',
      end: '2026-06-01T01:03:00.000Z',
    });
    expect(h.fleet.runs.map((run) => run.instanceId)).toEqual([N1, N4]);
  });

  it('counts an invocation that fails at launch toward MaxErrors before launching the next target', async () => {
    await setUp('2026-06-01T00:00:00Z');
    const windowId = await h.createWindow('at(2026-06-01T01:00:00)', { duration: 4, cutoff: 1 });
    // The Windows node sorts first: its AWS-RunShellScript invocation fails at once (InvalidPlatform).
    const wt = await h.registerTarget(windowId, [WINDOWS_NODE, N1, N2]);
    const taskId = await h.registerTask(windowId, {
      windowTargetIds: [wt],
      commands: ['sleep 120'],
      priority: 1,
      maxConcurrency: '1',
      maxErrors: '0',
    });

    await clock.runUntil(at('2026-06-01T02:00:00Z'));

    const execution = await h.onlyExecution(windowId);
    const task = (await h.tasks(execution.windowExecutionId)).get(taskId)!;
    const invocations = await h.invocations(task);
    expect(
      Object.fromEntries(
        [...invocations].map(([node, invocation]) => [node, [invocation.status, invocation.statusDetails]]),
      ),
    ).toEqual({ [WINDOWS_NODE]: ['FAILED', 'InvalidPlatform'] });
    expect(h.fleet.runs).toEqual([]);
    expect([task.status, task.statusDetails]).toEqual(['FAILED', 'Error threshold reached; 2 targets not started.']);
    expect(shape(execution)).toEqual({
      status: 'FAILED',
      start: '2026-06-01T01:00:00.000Z',
      end: '2026-06-01T01:00:00.000Z',
    });
  });

  it('substitutes the pseudo parameters per invocation before the command reaches the node', async () => {
    await setUp('2026-06-01T00:00:00Z');
    const windowId = await h.createWindow('at(2026-06-01T01:00:00)', { duration: 2, cutoff: 1 });
    const wt = await h.registerTarget(windowId, [N1, N2]);
    const taskId = await h.registerTask(windowId, {
      windowTargetIds: [wt],
      commands: [
        'echo node={{RESOURCE_ID}} target={{TARGET_ID}} type={{TARGET_TYPE}}',
        'echo window={{WINDOW_ID}} execution={{ WINDOW_EXECUTION_ID }} task={{TASK_EXECUTION_ID}}',
        'echo invocation={{INVOCATION_ID}} windowTask={{WINDOW_TASK_ID}} windowTarget={{WINDOW_TARGET_ID}}',
        'echo untouched={{NOT_A_PSEUDO_PARAMETER}}',
        'sleep 30',
      ],
      priority: 1,
      comment: 'run {{WINDOW_EXECUTION_ID}} on {{RESOURCE_ID}}',
    });

    await clock.runUntil(at('2026-06-01T02:00:00Z'));

    const execution = await h.onlyExecution(windowId);
    expect(execution.status).toBe('SUCCESS');
    const task = (await h.tasks(execution.windowExecutionId)).get(taskId)!;
    const invocations = await h.invocations(task);
    expect(invocations.size).toBe(2);
    for (const node of [N1, N2]) {
      const invocation = invocations.get(node)!;
      const run = h.fleet.runOf(invocation.executionId!);
      expect(run.instanceId).toBe(node);
      expect(run.lines).toEqual([
        `echo node=${node} target=${node} type=INSTANCE`,
        `echo window=${windowId} execution=${execution.windowExecutionId} task=${task.taskExecutionId}`,
        `echo invocation=${invocation.invocationId} windowTask=${taskId} windowTarget=${wt}`,
        'echo untouched={{NOT_A_PSEUDO_PARAMETER}}',
        'sleep 30',
      ]);
      const command = await store.getCommand(invocation.executionId!);
      expect(command?.comment).toBe(`run ${execution.windowExecutionId} on ${node}`);
      expect(JSON.parse(invocation.parameters)).toMatchObject({
        comment: `run ${execution.windowExecutionId} on ${node}`,
        instanceIds: [node],
      });
    }
    expect(invocations.get(N1)!.invocationId).not.toBe(invocations.get(N2)!.invocationId);
  });

  it('resumes an execution after a crash without running finished invocations again', async () => {
    await setUp('2026-06-01T00:00:00Z');
    const windowId = await h.createWindow('at(2026-06-01T01:00:00)', { duration: 4, cutoff: 1 });
    const wt = await h.registerTarget(windowId, [N1, N2, N3]);
    const wt4 = await h.registerTarget(windowId, [N4]);
    const rolling = await h.registerTask(windowId, {
      windowTargetIds: [wt],
      commands: ['sleep 600'],
      priority: 1,
      maxConcurrency: '1',
    });
    const next = await h.registerTask(windowId, { windowTargetIds: [wt4], commands: ['sleep 60'], priority: 2 });

    // N1 ran 01:00-01:10; N2 started at 01:10 and is running at 01:15 when the server dies.
    await clock.runUntil(at('2026-06-01T01:15:00Z'));
    const before = await h.onlyExecution(windowId);
    await h.stop();
    await clock.runUntil(at('2026-06-01T01:18:00Z'));
    await h.start();
    await clock.runUntil(at('2026-06-01T03:00:00Z'));

    const execution = await h.onlyExecution(windowId);
    expect(execution.windowExecutionId).toBe(before.windowExecutionId);
    expect(shape(execution)).toEqual({
      status: 'SUCCESS',
      start: '2026-06-01T01:00:00.000Z',
      end: '2026-06-01T01:31:00.000Z',
    });
    const tasks = await h.tasks(execution.windowExecutionId);
    expect(shape(tasks.get(rolling)!)).toEqual({
      status: 'SUCCESS',
      start: '2026-06-01T01:00:00.000Z',
      end: '2026-06-01T01:30:00.000Z',
    });
    expect(shape(tasks.get(next)!)).toEqual({
      status: 'SUCCESS',
      start: '2026-06-01T01:30:00.000Z',
      end: '2026-06-01T01:31:00.000Z',
    });
    const invocations = await h.invocations(tasks.get(rolling)!);
    expect(Object.fromEntries([...invocations].map(([node, invocation]) => [node, shape(invocation)]))).toEqual({
      [N1]: { status: 'SUCCESS', start: '2026-06-01T01:00:00.000Z', end: '2026-06-01T01:10:00.000Z' },
      [N2]: { status: 'SUCCESS', start: '2026-06-01T01:10:00.000Z', end: '2026-06-01T01:20:00.000Z' },
      [N3]: { status: 'SUCCESS', start: '2026-06-01T01:20:00.000Z', end: '2026-06-01T01:30:00.000Z' },
    });
    // Every node ran each command once: N1's finished invocation was not launched again, and
    // N2's command, delivered again by the restarted dispatcher, was deduplicated.
    expect(h.fleet.runs.map((run) => [run.instanceId, iso(run.startedAt), iso(run.endedAt)])).toEqual([
      [N1, '2026-06-01T01:00:00.000Z', '2026-06-01T01:10:00.000Z'],
      [N2, '2026-06-01T01:10:00.000Z', '2026-06-01T01:20:00.000Z'],
      [N3, '2026-06-01T01:20:00.000Z', '2026-06-01T01:30:00.000Z'],
      [N4, '2026-06-01T01:30:00.000Z', '2026-06-01T01:31:00.000Z'],
    ]);
    const n2Command = invocations.get(N2)!.executionId!;
    expect(h.fleet.deliveries.filter((delivery) => delivery.commandId === n2Command).length).toBeGreaterThan(1);
    expect(new Set(h.fleet.runs.map((run) => run.commandId)).size).toBe(4);
  });

  it('resumes after a crash during which a node finished: its result, sent again, completes the invocation', async () => {
    await setUp('2026-06-01T00:00:00Z');
    const windowId = await h.createWindow('at(2026-06-01T01:00:00)', { duration: 4, cutoff: 1 });
    const wt = await h.registerTarget(windowId, [N1, N2]);
    const rolling = await h.registerTask(windowId, {
      windowTargetIds: [wt],
      commands: ['sleep 600'],
      priority: 1,
      maxConcurrency: '1',
    });

    // N1 runs 01:00-01:10 while the server is down from 01:05 to 01:30.
    await clock.runUntil(at('2026-06-01T01:05:00Z'));
    await h.stop();
    await clock.runUntil(at('2026-06-01T01:30:00Z'));
    expect(h.fleet.runsOn(N1).map((run) => [run.outcome, run.acknowledged])).toEqual([['Success', false]]);
    await h.start();
    await clock.runUntil(at('2026-06-01T03:00:00Z'));

    const execution = await h.onlyExecution(windowId);
    expect(shape(execution)).toEqual({
      status: 'SUCCESS',
      start: '2026-06-01T01:00:00.000Z',
      end: '2026-06-01T01:40:00.000Z',
    });
    const invocations = await h.invocations((await h.tasks(execution.windowExecutionId)).get(rolling)!);
    // The server learns of N1's end when the agent reconnects at 01:30, then launches N2.
    expect(Object.fromEntries([...invocations].map(([node, invocation]) => [node, shape(invocation)]))).toEqual({
      [N1]: { status: 'SUCCESS', start: '2026-06-01T01:00:00.000Z', end: '2026-06-01T01:30:00.000Z' },
      [N2]: { status: 'SUCCESS', start: '2026-06-01T01:30:00.000Z', end: '2026-06-01T01:40:00.000Z' },
    });
    expect(h.fleet.runs.map((run) => [run.instanceId, iso(run.startedAt)])).toEqual([
      [N1, '2026-06-01T01:00:00.000Z'],
      [N2, '2026-06-01T01:30:00.000Z'],
    ]);
    const command = await store.getInvocation(invocations.get(N1)!.executionId!, N1);
    expect(command?.statusDetails).toBe('Success');
  });

  it('queues a sixth execution due at once as PENDING; it keeps the time frame of its due time', async () => {
    await setUp('2026-06-01T00:00:00Z');
    for (let index = 0; index < 5; index += 1) {
      const busy = await h.createWindow('at(2026-06-01T01:00:00)', { duration: 2, cutoff: 1, name: `busy-${index}` });
      const wt = await h.registerTarget(busy, [N1]);
      await h.registerTask(busy, { windowTargetIds: [wt], commands: ['sleep 3000'], priority: 1 });
    }
    const queued = await h.createWindow('at(2026-06-01T01:00:00)', { duration: 2, cutoff: 1, name: 'queued' });
    const wt2 = await h.registerTarget(queued, [N2]);
    const wt3 = await h.registerTarget(queued, [N3]);
    const first = await h.registerTask(queued, { windowTargetIds: [wt2], commands: ['sleep 1200'], priority: 1 });
    const second = await h.registerTask(queued, { windowTargetIds: [wt3], commands: ['sleep 60'], priority: 2 });

    await clock.runUntil(at('2026-06-01T01:10:00Z'));
    const waiting = await h.onlyExecution(queued);
    expect([waiting.status, waiting.statusDetails]).toEqual(['PENDING', 'Waiting for a free execution slot.']);

    await clock.runUntil(at('2026-06-01T04:00:00Z'));
    // Started at 01:50 when the first five ended. Its frame is still that of its due time
    // (01:00, Duration 2, Cutoff 1: cutoff 02:00), so priority 2, due to start at 02:10, never
    // starts (Mado's reading of spec §6.10; docs/architecture.md, "Time frame").
    const execution = await h.onlyExecution(queued);
    const tasks = await h.tasks(execution.windowExecutionId);
    expect(shape(tasks.get(first)!)).toEqual({
      status: 'SUCCESS',
      start: '2026-06-01T01:50:00.000Z',
      end: '2026-06-01T02:10:00.000Z',
    });
    expect(tasks.has(second)).toBe(false);
    expect({ due: iso(execution.scheduledAt), ...shape(execution) }).toEqual({
      due: '2026-06-01T01:00:00.000Z',
      status: 'TIMED_OUT',
      start: '2026-06-01T01:50:00.000Z',
      end: '2026-06-01T02:10:00.000Z',
    });
    expect(execution.statusDetails).toBe('Maintenance window cutoff reached before all tasks could start.');
  });

  describe('disabling and deleting', () => {
    it('a disabled window does not run, and catches nothing up when enabled again', async () => {
      await setUp('2026-06-01T00:30:00Z');
      const windowId = await h.createWindow('cron(0 * ? * * *)', { duration: 1, cutoff: 0 });
      const wt = await h.registerTarget(windowId, [N1]);
      await h.registerTask(windowId, { windowTargetIds: [wt], commands: ['sleep 60'], priority: 1 });

      await clock.runUntil(at('2026-06-01T02:30:00Z'));
      await h.services.windows.update(windowId, { enabled: false }, false);
      expect((await h.services.windows.get(windowId)).nextExecutionAt).toBeUndefined();
      await clock.runUntil(at('2026-06-01T05:30:00Z'));
      await h.services.windows.update(windowId, { enabled: true }, false);
      await clock.runUntil(at('2026-06-01T06:30:00Z'));

      const runs = await h.executions(windowId);
      expect(runs.map((execution) => [iso(execution.scheduledAt), execution.status])).toEqual([
        ['2026-06-01T01:00:00.000Z', 'SUCCESS'],
        ['2026-06-01T02:00:00.000Z', 'SUCCESS'],
        ['2026-06-01T06:00:00.000Z', 'SUCCESS'],
      ]);
      expect(h.fleet.runs.map((run) => iso(run.startedAt))).toEqual([
        '2026-06-01T01:00:00.000Z',
        '2026-06-01T02:00:00.000Z',
        '2026-06-01T06:00:00.000Z',
      ]);
    });

    it('a deleted window never runs again, and its running execution is cancelled', async () => {
      await setUp('2026-06-01T00:30:00Z');
      const windowId = await h.createWindow('cron(0 * ? * * *)', { duration: 2, cutoff: 0 });
      const wt = await h.registerTarget(windowId, [N1]);
      await h.registerTask(windowId, { windowTargetIds: [wt], commands: ['sleep 1800'], priority: 1 });

      await clock.runUntil(at('2026-06-01T01:10:00Z'));
      await h.services.windows.delete(windowId);
      await clock.runUntil(at('2026-06-01T05:00:00Z'));

      const runs = await h.executions(windowId);
      expect(runs.map((execution) => ({ due: iso(execution.scheduledAt), ...shape(execution) }))).toEqual([
        {
          due: '2026-06-01T01:00:00.000Z',
          status: 'CANCELLED',
          start: '2026-06-01T01:00:00.000Z',
          end: '2026-06-01T01:10:00.000Z',
        },
      ]);
      expect(h.fleet.runs.map((run) => [run.instanceId, run.outcome, iso(run.endedAt)])).toEqual([
        [N1, 'Cancelled', '2026-06-01T01:10:00.000Z'],
      ]);
      expect(h.engine.scheduler.nextDue(windowId)).toBeUndefined();
    });
  });
});
