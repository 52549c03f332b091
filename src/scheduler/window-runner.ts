/**
 * The window runner: runs each window execution to its end (spec §6.3-§6.8) as a resumable
 * state machine whose every transition is written to the store before it takes effect.
 *
 * One execution:
 *   PENDING      waits for a free slot (at most `maxConcurrentRuns` run at once, spec §6.10);
 *   IN_PROGRESS  its plan (the window's settings and tasks at that moment) is written with the
 *                status; priority groups run in ascending order, the tasks of a group in
 *                parallel; no group starts at or after the cutoff;
 *   the end      statuses add up (window-run.ts) and the execution ends.
 * One task execution resolves its targets (written before anything launches), then launches one
 * Run Command command per node under the task's MaxConcurrency and MaxErrors: the task
 * invocation and the command are stored in one transaction, then the dispatcher is told. At the
 * cutoff a CANCEL_TASK task cancels its running commands and launches nothing more; a
 * CONTINUE_TASK task carries on. A cancel (CancelMaintenanceWindowExecution, or the window's
 * deletion) stops launching and cancels running commands.
 *
 * Crash safety: a restarted server calls `start()`, which resumes every execution the store
 * holds as unfinished from what was written: groups with task executions are not started
 * again, targets with a task invocation are not launched again (so no node runs an invocation
 * twice: the agent also dedupes each command), invocations in flight are followed through
 * their commands, whose dispatcher resumes them too.
 */
import { isTerminal, type InvocationDetails } from '../domain/command.js';
import { NotFoundError, ValidationError } from '../domain/errors.js';
import type { MaintenanceWindow, WindowTask } from '../domain/maintenance-window.js';
import { resolveMaxConcurrency, resolveMaxErrors } from '../domain/rate-control.js';
import { targetKind } from '../domain/targets.js';
import type {
  RunPlan,
  RunTarget,
  TaskExecution,
  TaskInvocation,
  WindowExecution,
  WindowExecutionStatus,
} from '../domain/window-execution.js';
import {
  countsAsTaskError,
  DETAILS,
  invocationStatusOf,
  isTerminalExecutionStatus,
  runFrame,
  substitutePseudoParameters,
  taskExecutionStatus,
  windowExecutionResult,
  type PseudoParameterValues,
  type RunFrame,
} from '../domain/window-run.js';
import type { PreparedCommand, SendCommandRequest } from '../services/command-service.js';
import { resolveTargets } from '../services/target-resolver.js';
import type { Clock } from '../shared/clock.js';
import { newUuid } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from '../store/store.js';
import { Wakeup } from './wakeup.js';

/** Run Command, as the runner uses it (the CommandService). */
export interface CommandLauncher {
  /** Validates and builds a command without storing it. */
  prepare(request: SendCommandRequest): Promise<PreparedCommand>;
  /** Hands a stored command to the dispatcher. */
  dispatch(commandId: string): void;
  cancel(commandId: string, instanceIds: undefined): Promise<void>;
}

/** Where the runner hears that a command's invocation ended (the dispatcher's events). */
export interface InvocationEndings {
  onInvocationEnded(listener: (commandId: string, details: InvocationDetails) => void): void;
}

export interface RunnerOptions {
  /** Executions IN_PROGRESS at once; more wait as PENDING (spec §6.10). */
  readonly maxConcurrentRuns: number;
  /** How often a waiting task re-reads its running commands from the store, in case an event was missed. */
  readonly recheckIntervalMs: number;
  readonly accountId: string;
  readonly region: string;
}

export const DEFAULT_RUNNER_OPTIONS = {
  maxConcurrentRuns: 5,
  recheckIntervalMs: 30_000,
  accountId: '000000000000',
  region: 'us-east-1',
} as const satisfies RunnerOptions;

/** The role SSM reports when a task names none. */
const DEFAULT_SERVICE_ROLE = (accountId: string) =>
  `arn:aws:iam::${accountId}:role/aws-service-role/ssm.amazonaws.com/AWSServiceRoleForAmazonSSM`;

interface Run {
  execution: WindowExecution;
  frame: RunFrame;
  cancelRequested: boolean;
  readonly wake: Wakeup;
  readonly tasks: Set<TaskRun>;
  /** Stops the run's timers when it ends. */
  readonly ended: AbortController;
}

interface TaskRun {
  readonly run: Run;
  readonly task: WindowTask;
  execution: TaskExecution;
  readonly wake: Wakeup;
  /** In flight, by command id. */
  readonly running: Map<string, TaskInvocation>;
  /** Statuses of the invocations that ended. */
  readonly ended: WindowExecutionStatus[];
  stoppedAtCutoff: boolean;
}

/** The RunCommand member of a task's TaskInvocationParameters, as stored in wire shape. */
interface RunCommandParameters {
  readonly Parameters?: Record<string, string[]>;
  readonly TimeoutSeconds?: number;
  readonly Comment?: string;
  readonly DocumentVersion?: string;
  readonly DocumentHash?: string;
  readonly DocumentHashType?: string;
  readonly OutputS3BucketName?: string;
  readonly OutputS3KeyPrefix?: string;
  readonly ServiceRoleArn?: string;
  readonly NotificationConfig?: SendCommandRequest['notificationConfig'];
  readonly CloudWatchOutputConfig?: SendCommandRequest['cloudWatchOutputConfig'];
}

export class WindowRunner {
  private readonly runs = new Map<string, Run>();
  /** Task invocations in flight, by command id. */
  private readonly byCommand = new Map<string, TaskRun>();
  /** Executions holding a slot (IN_PROGRESS or CANCELLING). */
  private readonly slots = new Set<string>();
  private readonly stopping = new AbortController();
  private readonly drives = new Set<Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly commands: CommandLauncher,
    endings: InvocationEndings,
    private readonly options: RunnerOptions = DEFAULT_RUNNER_OPTIONS,
  ) {
    endings.onInvocationEnded((commandId, details) => this.invocationEnded(commandId, details));
  }

  /** Resumes every execution the store holds as unfinished (after a restart). */
  async start(): Promise<void> {
    for (const execution of await this.store.listUnfinishedWindowExecutions()) {
      this.begin(execution);
    }
  }

  /** Stops driving executions; what is written stays, and a restart resumes it. */
  async stop(): Promise<void> {
    this.stopping.abort();
    for (const run of this.runs.values()) {
      run.ended.abort();
      run.wake.notify();
      for (const task of run.tasks) {
        task.wake.notify();
      }
    }
    await Promise.allSettled([...this.drives]);
  }

  /** Drives a stored execution (PENDING when just fired) to its end. */
  begin(execution: WindowExecution): void {
    if (this.runs.has(execution.windowExecutionId) || this.stopping.signal.aborted) {
      return;
    }
    const run: Run = {
      execution,
      frame: runFrame(execution.plan ?? { duration: 0, cutoff: 0 }, execution.scheduledAt),
      cancelRequested: execution.cancelRequested === true,
      wake: new Wakeup(),
      tasks: new Set(),
      ended: new AbortController(),
    };
    this.runs.set(execution.windowExecutionId, run);
    const drive = this.drive(run)
      .catch((error: unknown) => {
        if (!this.stopping.signal.aborted) {
          this.logger.error(
            { err: error, windowExecutionId: execution.windowExecutionId },
            'window execution stopped on an error; a restart resumes it',
          );
        }
      })
      .finally(() => {
        run.ended.abort();
        this.runs.delete(execution.windowExecutionId);
        this.releaseSlot(execution.windowExecutionId);
        this.drives.delete(drive);
      });
    this.drives.add(drive);
  }

  /** The unfinished execution of a window driven here, if any (for overlap detection). */
  activeExecution(windowId: string): string | undefined {
    for (const run of this.runs.values()) {
      if (run.execution.windowId === windowId) {
        return run.execution.windowExecutionId;
      }
    }
    return undefined;
  }

  /** CancelMaintenanceWindowExecution was recorded (or the window deleted): stop the run. */
  cancelRequested(windowExecutionId: string): void {
    const run = this.runs.get(windowExecutionId);
    if (run === undefined || run.cancelRequested) {
      return;
    }
    run.cancelRequested = true;
    for (const task of run.tasks) {
      this.cancelRunning(task);
      task.wake.notify();
    }
    run.wake.notify();
  }

  /** The window was deleted: cancel its execution (the store already records the request). */
  windowDeleted(windowId: string): void {
    const executionId = this.activeExecution(windowId);
    if (executionId !== undefined) {
      this.cancelRequested(executionId);
    }
  }

  /** Resolves when no execution is being driven (for tests). */
  async idle(): Promise<void> {
    while (this.drives.size > 0) {
      await Promise.allSettled([...this.drives]);
    }
  }

  // The execution

  private async drive(run: Run): Promise<void> {
    if (!(await this.acquireSlot(run))) {
      return;
    }
    const plan = run.execution.plan!;
    run.frame = runFrame(plan, run.execution.scheduledAt);
    const cutoffTimer = this.clock
      .sleep(Math.max(0, run.frame.cutoffAt - this.now()), run.ended.signal)
      .then(() => {
        for (const task of run.tasks) {
          task.wake.notify();
        }
      })
      .catch(() => {
        // The run ended first.
      });

    const groups = groupByPriority(plan.tasks);
    const existing = await this.store.listAllTaskExecutions(run.execution.windowExecutionId);
    const statuses: WindowExecutionStatus[] = [];
    let groupsSkippedAtCutoff = 0;
    for (const [index, group] of groups.entries()) {
      let executions = existing.filter((execution) =>
        group.some((task) => task.windowTaskId === execution.windowTaskId),
      );
      if (executions.length === 0) {
        if (run.cancelRequested || this.stopping.signal.aborted) {
          break;
        }
        if (this.now() >= run.frame.cutoffAt) {
          groupsSkippedAtCutoff = groups.length - index;
          break;
        }
        executions = await this.startGroup(run, group);
      }
      const results = await Promise.all(
        executions.map((execution) => {
          const task = group.find((candidate) => candidate.windowTaskId === execution.windowTaskId)!;
          return isTerminalExecutionStatus(execution.status)
            ? execution.status
            : this.runTask({
                run,
                task,
                execution,
                wake: new Wakeup(),
                running: new Map(),
                ended: [],
                stoppedAtCutoff: false,
              });
        }),
      );
      if (this.stopping.signal.aborted) {
        return;
      }
      statuses.push(...results);
    }
    if (this.stopping.signal.aborted) {
      return;
    }
    const result = windowExecutionResult({
      taskStatuses: statuses,
      groupsSkippedAtCutoff,
      cancelRequested: run.cancelRequested,
    });
    await this.endExecution(run, result.status, result.statusDetails);
    run.ended.abort();
    await cutoffTimer;
  }

  /**
   * Waits (PENDING) for a slot, then records IN_PROGRESS with the plan. @returns false when the
   * execution ended instead (cancelled, or the cutoff passed while waiting).
   */
  private async acquireSlot(run: Run): Promise<boolean> {
    const { windowExecutionId } = run.execution;
    if (run.execution.status !== 'PENDING') {
      // Resumed after a restart: it holds its slot again.
      this.slots.add(windowExecutionId);
      if (run.execution.plan !== undefined) {
        return true;
      }
    }
    const window = await this.store.getWindow(run.execution.windowId);
    if (window === undefined) {
      await this.endExecution(run, 'CANCELLED', DETAILS.cancelled);
      return false;
    }
    run.frame = runFrame(window, run.execution.scheduledAt);
    const waiting = new AbortController();
    run.ended.signal.addEventListener('abort', () => waiting.abort(), { once: true });
    this.clock
      .sleep(Math.max(0, run.frame.cutoffAt - this.now()), waiting.signal)
      .then(() => run.wake.notify())
      .catch(() => {
        // Stopped waiting first.
      });
    try {
      return await this.waitForSlot(run, window);
    } finally {
      waiting.abort();
    }
  }

  private async waitForSlot(run: Run, window: MaintenanceWindow): Promise<boolean> {
    const { windowExecutionId } = run.execution;
    let queued = false;
    for (;;) {
      if (this.stopping.signal.aborted) {
        return false;
      }
      if (run.cancelRequested) {
        await this.endExecution(run, 'CANCELLED', DETAILS.cancelled);
        return false;
      }
      if (this.now() >= run.frame.cutoffAt) {
        await this.endExecution(run, 'TIMED_OUT', DETAILS.cutoffBeforeAllTasks);
        return false;
      }
      if (this.slots.has(windowExecutionId) || this.slots.size < this.options.maxConcurrentRuns) {
        break;
      }
      if (!queued) {
        queued = true;
        await this.store.updateWindowExecution({ windowExecutionId, statusDetails: DETAILS.queued });
      }
      await run.wake.wait();
    }
    this.slots.add(windowExecutionId);
    const plan = await this.planOf(window);
    await this.store.updateWindowExecution({
      windowExecutionId,
      status: 'IN_PROGRESS',
      statusDetails: '',
      startedAt: this.now(),
      plan,
    });
    run.execution = { ...run.execution, status: 'IN_PROGRESS', plan, startedAt: this.now() };
    return true;
  }

  private releaseSlot(windowExecutionId: string): void {
    if (this.slots.delete(windowExecutionId)) {
      // Queued executions re-check in due order.
      for (const run of this.runs.values()) {
        if (run.execution.status === 'PENDING') {
          run.wake.notify();
        }
      }
    }
  }

  private async planOf(window: MaintenanceWindow): Promise<RunPlan> {
    return {
      duration: window.duration,
      cutoff: window.cutoff,
      allowUnassociatedTargets: window.allowUnassociatedTargets,
      tasks: await this.store.listAllWindowTasks(window.windowId),
    };
  }

  private async endExecution(run: Run, status: WindowExecutionStatus, statusDetails: string): Promise<void> {
    await this.store.updateWindowExecution({
      windowExecutionId: run.execution.windowExecutionId,
      status,
      statusDetails,
      endedAt: this.now(),
    });
    run.execution = { ...run.execution, status, statusDetails };
    this.logger.info(
      { windowId: run.execution.windowId, windowExecutionId: run.execution.windowExecutionId, status },
      'window execution ended',
    );
  }

  /** Records the task executions of one priority group (all or none), IN_PROGRESS. */
  private async startGroup(run: Run, group: readonly WindowTask[]): Promise<TaskExecution[]> {
    const now = this.now();
    const executions = group.map((task): TaskExecution => ({
      taskExecutionId: newUuid(),
      windowExecutionId: run.execution.windowExecutionId,
      windowTaskId: task.windowTaskId,
      taskArn: task.taskArn,
      taskType: task.taskType,
      serviceRole:
        task.serviceRoleArn ?? runCommandOf(task).ServiceRoleArn ?? DEFAULT_SERVICE_ROLE(this.options.accountId),
      taskParameters: documentParametersOf(task),
      priority: task.priority,
      maxConcurrency: task.maxConcurrency,
      maxErrors: task.maxErrors,
      status: 'IN_PROGRESS',
      startedAt: now,
      alarmConfiguration: task.alarmConfiguration,
      cutoffBehavior: task.cutoffBehavior ?? 'CONTINUE_TASK',
    }));
    await this.store.transaction(async (store) => {
      for (const execution of executions) {
        await store.insertTaskExecution(execution);
      }
    });
    return executions;
  }

  // One task execution

  private async runTask(task: TaskRun): Promise<WindowExecutionStatus> {
    const { run } = task;
    run.tasks.add(task);
    try {
      if (task.execution.runTargets === undefined) {
        const failure = await this.resolveAndRecordTargets(task);
        if (failure !== undefined) {
          return await this.endTask(task, 'FAILED', failure);
        }
      }
      const targets = task.execution.runTargets!;
      if (targets.length === 0) {
        return await this.endTask(task, 'SUCCESS', DETAILS.noTargets);
      }
      const queue = await this.resumeInvocations(task, targets);
      const concurrency = resolveMaxConcurrency(task.execution.maxConcurrency, targets.length);
      const allowedErrors = resolveMaxErrors(task.execution.maxErrors, targets.length);
      for (;;) {
        if (this.stopping.signal.aborted) {
          return task.execution.status;
        }
        if (
          !task.stoppedAtCutoff &&
          task.execution.cutoffBehavior === 'CANCEL_TASK' &&
          this.now() >= run.frame.cutoffAt
        ) {
          task.stoppedAtCutoff = true;
          this.cancelRunning(task);
        }
        // Re-checked before every launch: a launch may fail at once, and a cancel may arrive
        // while one awaits the store.
        const mayLaunch = () =>
          !run.cancelRequested && !task.stoppedAtCutoff && task.ended.filter(countsAsTaskError).length <= allowedErrors;
        while (mayLaunch() && task.running.size < concurrency && queue.length > 0 && this.inSequence(task, queue[0]!)) {
          await this.launch(task, queue.shift()!);
        }
        if (task.running.size === 0 && (queue.length === 0 || !mayLaunch())) {
          break;
        }
        await this.waitForChange(task);
      }
      const status = taskExecutionStatus({
        invocationStatuses: task.ended,
        unlaunched: queue.length,
        cancelRequested: run.cancelRequested,
        stoppedAtCutoff: task.stoppedAtCutoff,
      });
      return await this.endTask(task, status, this.taskDetails(task, status, queue.length));
    } finally {
      run.tasks.delete(task);
    }
  }

  /**
   * Resolves the task's targets now (spec §4.2) and records them, with the `aws:InstanceId`
   * parameter, before anything launches. @returns why the task cannot run, if it cannot.
   */
  private async resolveAndRecordTargets(task: TaskRun): Promise<string | undefined> {
    let targets: RunTarget[];
    try {
      targets = await this.resolveRunTargets(task);
      await this.checkDocument(task, targets);
    } catch (error) {
      if (error instanceof ValidationError || error instanceof NotFoundError) {
        return error.message.slice(0, 250);
      }
      throw error;
    }
    const taskParameters = {
      ...task.execution.taskParameters,
      'aws:InstanceId': { Values: targets.map((target) => target.instanceId) },
    };
    await this.store.updateTaskExecution({
      taskExecutionId: task.execution.taskExecutionId,
      runTargets: targets,
      taskParameters,
    });
    task.execution = { ...task.execution, runTargets: targets, taskParameters };
    return undefined;
  }

  private async resolveRunTargets(task: TaskRun): Promise<RunTarget[]> {
    const { run } = task;
    const nodes = await this.store.listActiveNodes();
    const targets: RunTarget[] = [];
    for (const target of task.task.targets) {
      const kind = targetKind(target.Key);
      if (kind === 'WindowTargetIds') {
        for (const windowTargetId of target.Values) {
          const windowTarget = await this.store.getWindowTarget(run.execution.windowId, windowTargetId);
          if (windowTarget === undefined) {
            // Deregistered since the task was registered: nothing to run there.
            continue;
          }
          for (const entry of await resolveTargets(this.store, windowTarget.targets, nodes)) {
            targets.push({
              instanceId: entry.node.instanceId,
              windowTargetId,
              resourceType: windowTarget.resourceType,
              ownerInformation: windowTarget.ownerInformation,
            });
          }
        }
      } else if (kind === 'InstanceIds') {
        // Listed nodes run as listed; one that is not registered fails its invocation.
        for (const instanceId of target.Values) {
          targets.push({ instanceId, resourceType: 'INSTANCE' });
        }
      } else {
        for (const entry of await resolveTargets(this.store, [target], nodes)) {
          targets.push({ instanceId: entry.node.instanceId, resourceType: 'INSTANCE' });
        }
      }
    }
    return targets;
  }

  /** Validates the document and parameters once, before any node (spec §6.4). */
  private async checkDocument(task: TaskRun, targets: readonly RunTarget[]): Promise<void> {
    if (targets.length === 0) {
      return;
    }
    try {
      await this.commands.prepare(this.commandRequest(task, targets[0]!, this.pseudoValues(task, targets[0]!, '')));
    } catch (error) {
      if (isNodeProblem(error)) {
        // About the first node only: its invocation will say so.
        return;
      }
      if (error instanceof ValidationError && error.code === 'InvalidParameters') {
        throw new ValidationError(DETAILS.invalidParameters(parameterNames(error)), { cause: error });
      }
      throw error;
    }
  }

  /**
   * Picks up the invocations already recorded (after a restart): ended ones count, running ones
   * are followed. @returns the targets still to launch, in order.
   */
  private async resumeInvocations(task: TaskRun, targets: readonly RunTarget[]): Promise<RunTarget[]> {
    const launched = new Set<string>();
    for (const invocation of await this.store.listAllTaskInvocations(task.execution.taskExecutionId)) {
      launched.add(targetKey(invocation));
      if (isTerminalExecutionStatus(invocation.status)) {
        task.ended.push(invocation.status);
      } else if (invocation.executionId !== undefined) {
        this.follow(task, invocation);
      }
    }
    for (const invocation of [...task.running.values()]) {
      const current = await this.store.getInvocation(invocation.executionId!, invocation.instanceId ?? '');
      if (current !== undefined) {
        if (isTerminal(current.statusDetails)) {
          await this.settle(task, invocation.executionId!, current.statusDetails, current.endedAt);
        } else if (task.run.cancelRequested) {
          this.cancelCommand(invocation.executionId!);
        }
      }
    }
    return targets.filter((target) => !launched.has(targetKey(target)));
  }

  /** Window targets run one after another (spec §6.4): a target waits until the previous one's nodes ended. */
  private inSequence(task: TaskRun, next: RunTarget): boolean {
    for (const invocation of task.running.values()) {
      if (invocation.windowTargetId !== next.windowTargetId) {
        return false;
      }
    }
    return true;
  }

  /** Launches one invocation: records it with its command in one transaction, then dispatches. */
  private async launch(task: TaskRun, target: RunTarget): Promise<void> {
    const invocationId = newUuid();
    const now = this.now();
    const base = {
      invocationId,
      taskExecutionId: task.execution.taskExecutionId,
      windowExecutionId: task.run.execution.windowExecutionId,
      taskType: task.execution.taskType,
      startedAt: now,
      ownerInformation: target.ownerInformation,
      windowTargetId: target.windowTargetId,
      instanceId: target.instanceId,
    };
    const request = this.commandRequest(task, target, this.pseudoValues(task, target, invocationId));
    let prepared: PreparedCommand;
    try {
      prepared = await this.commands.prepare(request);
    } catch (error) {
      if (!(error instanceof ValidationError || error instanceof NotFoundError)) {
        throw error;
      }
      // The node is gone or cannot run the document: the invocation fails, the task goes on.
      const statusDetails = isNodeProblem(error)
        ? error instanceof ValidationError
          ? 'InvalidPlatform'
          : 'Undeliverable'
        : error.message.slice(0, 250);
      await this.store.insertTaskInvocation({
        ...base,
        parameters: launchedParameters(request, task.execution),
        status: 'FAILED',
        statusDetails,
        endedAt: now,
      });
      task.ended.push('FAILED');
      return;
    }
    const { command } = prepared;
    const invocation: TaskInvocation = {
      ...base,
      executionId: command.commandId,
      parameters: launchedParameters(request, task.execution),
      status: 'IN_PROGRESS',
    };
    await this.store.transaction(async (store) => {
      await store.insertTaskInvocation(invocation);
      await store.insertCommand(command, prepared.invocations);
    });
    this.follow(task, invocation);
    this.commands.dispatch(command.commandId);
    if (task.run.cancelRequested || task.stoppedAtCutoff) {
      // Stopped while this launch awaited the store: cancelRunning() did not see this command.
      this.cancelCommand(command.commandId);
    }
  }

  private follow(task: TaskRun, invocation: TaskInvocation): void {
    task.running.set(invocation.executionId!, invocation);
    this.byCommand.set(invocation.executionId!, task);
  }

  /** Waits for an invocation to end, a cancel or the cutoff; re-reads the store now and then. */
  private async waitForChange(task: TaskRun): Promise<void> {
    const timer = new AbortController();
    const recheck = this.clock.sleep(this.options.recheckIntervalMs, timer.signal).then(
      () => true,
      () => false,
    );
    const woke = await Promise.race([task.wake.wait().then(() => false), recheck]);
    timer.abort();
    if (woke) {
      for (const [commandId, invocation] of [...task.running]) {
        const current = await this.store.getInvocation(commandId, invocation.instanceId ?? '');
        if (current !== undefined && isTerminal(current.statusDetails)) {
          await this.settle(task, commandId, current.statusDetails, current.endedAt);
        }
      }
    }
  }

  private invocationEnded(commandId: string, details: InvocationDetails): void {
    const task = this.byCommand.get(commandId);
    if (task === undefined) {
      return;
    }
    this.settle(task, commandId, details).catch((error: unknown) => {
      this.logger.error({ err: error, commandId }, 'could not record the end of a window task invocation');
    });
  }

  /**
   * Records a task invocation's end (once) and wakes its task.
   * @param endedAt when the command invocation ended, when known (else now).
   */
  private async settle(
    task: TaskRun,
    commandId: string,
    details: InvocationDetails,
    endedAt: number = this.now(),
  ): Promise<void> {
    const invocation = task.running.get(commandId);
    if (invocation === undefined) {
      return;
    }
    task.running.delete(commandId);
    this.byCommand.delete(commandId);
    const status = invocationStatusOf(details, task.stoppedAtCutoff && !task.run.cancelRequested);
    await this.store.updateTaskInvocation({
      invocationId: invocation.invocationId,
      status,
      statusDetails: details,
      endedAt,
    });
    task.ended.push(status);
    task.wake.notify();
  }

  private cancelRunning(task: TaskRun): void {
    for (const commandId of task.running.keys()) {
      this.cancelCommand(commandId);
    }
  }

  private cancelCommand(commandId: string): void {
    this.commands.cancel(commandId, undefined).catch((error: unknown) => {
      this.logger.warn({ err: error, commandId }, 'could not cancel a window task command');
    });
  }

  private async endTask(
    task: TaskRun,
    status: WindowExecutionStatus,
    statusDetails: string,
  ): Promise<WindowExecutionStatus> {
    const now = this.now();
    const endedInsideWindow = now <= task.run.frame.closesAt;
    const details = endedInsideWindow ? statusDetails : DETAILS.endedAfterWindow(statusDetails).slice(0, 250);
    await this.store.updateTaskExecution({
      taskExecutionId: task.execution.taskExecutionId,
      status,
      statusDetails: details,
      endedAt: now,
      endedInsideWindow,
    });
    task.execution = { ...task.execution, status, statusDetails: details, endedAt: now, endedInsideWindow };
    return status;
  }

  private taskDetails(task: TaskRun, status: WindowExecutionStatus, unlaunched: number): string {
    switch (status) {
      case 'SUCCESS':
        return `All ${task.ended.length} invocations succeeded.`;
      case 'CANCELLED':
        return DETAILS.cancelled;
      case 'TIMED_OUT':
        return task.stoppedAtCutoff ? DETAILS.stoppedAtCutoff : 'One or more invocations timed out.';
      default:
        return unlaunched > 0 ? DETAILS.thresholdReached(unlaunched) : 'One or more invocations failed.';
    }
  }

  // Building the command

  private pseudoValues(task: TaskRun, target: RunTarget, invocationId: string): PseudoParameterValues {
    const logging = task.task.loggingInfo;
    return {
      WINDOW_ID: task.run.execution.windowId,
      WINDOW_TASK_ID: task.task.windowTaskId,
      WINDOW_TARGET_ID: target.windowTargetId ?? '',
      WINDOW_EXECUTION_ID: task.run.execution.windowExecutionId,
      TASK_EXECUTION_ID: task.execution.taskExecutionId,
      INVOCATION_ID: invocationId,
      TARGET_TYPE: target.resourceType,
      TARGET_ID:
        target.resourceType === 'RESOURCE_GROUP'
          ? `arn:aws:ssm:${this.options.region}:${this.options.accountId}:managed-instance/${target.instanceId}`
          : target.instanceId,
      RESOURCE_ID: target.instanceId,
      LOGGING_S3_BUCKET_NAME: logging?.S3BucketName ?? '',
      LOGGING_S3_KEY_PREFIX: logging?.S3KeyPrefix ?? '',
      LOGGING_S3_REGION: logging?.S3Region ?? '',
    };
  }

  /** The SendCommand request for one node (spec §6.7), pseudo parameters substituted. */
  private commandRequest(task: TaskRun, target: RunTarget, values: PseudoParameterValues): SendCommandRequest {
    const runCommand = runCommandOf(task.task);
    const substitute = (text: string) => substitutePseudoParameters(text, values);
    const parameters = Object.fromEntries(
      Object.entries(runCommand.Parameters ?? legacyParametersOf(task.task)).map(([name, list]) => [
        name,
        list.map(substitute),
      ]),
    );
    const logging = task.task.loggingInfo;
    return {
      documentName: task.task.taskArn,
      documentVersion: runCommand.DocumentVersion,
      documentHash: runCommand.DocumentHash,
      documentHashType: runCommand.DocumentHashType,
      instanceIds: [target.instanceId],
      parameters,
      timeoutSeconds: runCommand.TimeoutSeconds,
      comment: runCommand.Comment === undefined ? undefined : substitute(runCommand.Comment),
      maxConcurrency: task.execution.maxConcurrency,
      maxErrors: task.execution.maxErrors,
      outputS3BucketName: runCommand.OutputS3BucketName ?? logging?.S3BucketName,
      outputS3KeyPrefix: runCommand.OutputS3KeyPrefix ?? logging?.S3KeyPrefix,
      serviceRoleArn: runCommand.ServiceRoleArn,
      notificationConfig: runCommand.NotificationConfig,
      cloudWatchOutputConfig: runCommand.CloudWatchOutputConfig,
      alarmConfiguration: task.task.alarmConfiguration,
    };
  }

  private now(): number {
    return this.clock.now().getTime();
  }
}

/** Tasks grouped by Priority, ascending; registration order within a group. */
function groupByPriority(tasks: readonly WindowTask[]): WindowTask[][] {
  const groups = new Map<number, WindowTask[]>();
  for (const task of tasks) {
    groups.set(task.priority, [...(groups.get(task.priority) ?? []), task]);
  }
  return [...groups.entries()].sort(([a], [b]) => a - b).map(([, group]) => group);
}

function runCommandOf(task: WindowTask): RunCommandParameters {
  return (task.taskInvocationParameters?.RunCommand as RunCommandParameters | undefined) ?? {};
}

/** Legacy TaskParameters (`{name: {Values: [...]}}`) as document parameters. */
function legacyParametersOf(task: WindowTask): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(task.taskParameters ?? {}).map(([name, value]) => [name, [...(value.Values ?? [])]]),
  );
}

/** The task's document parameters in TaskParameters shape, as GetMaintenanceWindowExecutionTask shows them. */
function documentParametersOf(task: WindowTask): TaskExecution['taskParameters'] {
  const parameters = runCommandOf(task).Parameters ?? legacyParametersOf(task);
  return Object.fromEntries(Object.entries(parameters).map(([name, values]) => [name, { Values: values }]));
}

/** Invocation `Parameters` (spec §5.19): what was launched, lower-camel keys, set members only. */
function launchedParameters(request: SendCommandRequest, execution: TaskExecution): string {
  const entries: [string, unknown][] = [
    ['comment', request.comment ?? ''],
    ['documentName', request.documentName],
    ['documentVersion', request.documentVersion],
    ['instanceIds', request.instanceIds],
    ['maxConcurrency', execution.maxConcurrency],
    ['maxErrors', execution.maxErrors],
    ['parameters', request.parameters],
    ['timeoutSeconds', request.timeoutSeconds ?? 3600],
    ['outputS3BucketName', request.outputS3BucketName],
    ['outputS3KeyPrefix', request.outputS3KeyPrefix],
    ['serviceRoleArn', request.serviceRoleArn],
    ['notificationConfig', request.notificationConfig],
    ['cloudWatchOutputConfig', request.cloudWatchOutputConfig],
  ];
  return JSON.stringify(Object.fromEntries(entries.filter(([, value]) => value !== undefined)));
}

function targetKey(target: { readonly windowTargetId?: string; readonly instanceId?: string }): string {
  return `${target.windowTargetId ?? ''}/${target.instanceId ?? ''}`;
}

/** Errors about one node rather than the task: not registered, or not its platform. */
function isNodeProblem(error: unknown): boolean {
  return (
    (error instanceof NotFoundError && error.resource === 'Instance') ||
    (error instanceof ValidationError && error.code === 'UnsupportedPlatformType')
  );
}

function parameterNames(error: ValidationError): string[] {
  const names = error.violations.map((violation) => violation.field.replace(/^parameters\.?/, '')).filter(Boolean);
  return names.length > 0 ? names : [error.message];
}
