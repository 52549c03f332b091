/**
 * The window runner: drives each window execution to its end (spec §6.3-§6.8): slots, priority
 * groups, rate control and waits. It holds no history of its own: every transition is recorded
 * by the WindowRunService before it takes effect, and the runner works from what it returns.
 *
 * One execution:
 *   PENDING      waits for a free slot (at most `maxConcurrentRuns` run at once, spec §6.10);
 *                waiting executions get slots in due-time order;
 *   IN_PROGRESS  priority groups run in ascending order, the tasks of a group in parallel; no
 *                group starts at or after the cutoff;
 *   the end      statuses add up (window-run.ts) and the execution ends.
 * One task execution resolves its targets, then launches one Run Command command per node under
 * the task's MaxConcurrency and MaxErrors (the invocations one pass may launch are recorded in one
 * transaction). At the cutoff a CANCEL_TASK task cancels its running commands and launches
 * nothing more; a CONTINUE_TASK task carries on. A cancel (CancelMaintenanceWindowExecution, or
 * the window's deletion) stops launching and cancels running commands.
 *
 * Crash safety: a restarted server calls `start()`, which resumes every execution the store
 * holds as unfinished from what was recorded: groups with task executions are not started
 * again, targets with a task invocation are not launched again (so no node runs an invocation
 * twice: the agent also dedupes each command), invocations in flight are followed through
 * their commands, whose dispatcher resumes them too.
 */
import type { InvocationDetails } from '../domain/command.js';
import type { MaintenanceWindow, WindowTask } from '../domain/maintenance-window.js';
import { resolveMaxConcurrency, resolveMaxErrors } from '../domain/rate-control.js';
import type {
  RunTarget,
  TaskExecution,
  TaskInvocation,
  WindowExecution,
  WindowExecutionStatus,
} from '../domain/window-execution.js';
import {
  countsAsTaskError,
  DETAILS,
  groupByPriority,
  isTerminalExecutionStatus,
  runFrame,
  taskExecutionDetails,
  taskExecutionStatus,
  windowExecutionResult,
  type RunFrame,
} from '../domain/window-run.js';
import { targetKey } from '../services/window-run/run-targets.js';
import type { Launch, WindowRunService } from '../services/window-run/window-run-service.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { SlotQueue } from './slot-queue.js';
import { Wakeup } from './wakeup.js';

/** Where the runner hears that a command's invocation ended (the dispatcher's events). */
export interface InvocationEndings {
  onInvocationEnded(listener: (commandId: string, details: InvocationDetails) => void): void;
}

export interface RunnerOptions {
  /** Executions IN_PROGRESS at once; more wait as PENDING (spec §6.10). */
  readonly maxConcurrentRuns: number;
  /** How often a waiting task re-reads its running commands from the store, in case an event was missed. */
  readonly recheckIntervalMs: number;
}

export const DEFAULT_RUNNER_OPTIONS = {
  maxConcurrentRuns: 5,
  recheckIntervalMs: 30_000,
} as const satisfies RunnerOptions;

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

export class WindowRunner {
  private readonly active = new Map<string, Run>();
  /** Task invocations in flight, by command id. */
  private readonly byCommand = new Map<string, TaskRun>();
  /** Executions holding a slot (IN_PROGRESS or CANCELLING), and those waiting for one. */
  private readonly slots: SlotQueue<Run>;
  private readonly stopping = new AbortController();
  private readonly drives = new Set<Promise<void>>();
  private readonly recheckIntervalMs: number;

  constructor(
    private readonly runs: WindowRunService,
    private readonly clock: Clock,
    private readonly logger: Logger,
    endings: InvocationEndings,
    options: RunnerOptions = DEFAULT_RUNNER_OPTIONS,
  ) {
    this.recheckIntervalMs = options.recheckIntervalMs;
    this.slots = new SlotQueue(options.maxConcurrentRuns, (run) => run.wake.notify());
    endings.onInvocationEnded((commandId, details) => this.invocationEnded(commandId, details));
  }

  /** Resumes every execution the store holds as unfinished (after a restart). */
  async start(): Promise<void> {
    this.beginAll(await this.runs.unfinishedExecutions());
  }

  /** Stops driving executions; what is written stays, and a restart resumes it. */
  async stop(): Promise<void> {
    this.stopping.abort();
    for (const run of this.active.values()) {
      run.ended.abort();
      run.wake.notify();
      for (const task of run.tasks) {
        task.wake.notify();
      }
    }
    await Promise.allSettled([...this.drives]);
  }

  /** Drives stored executions (PENDING when just fired) to their end, slots given in due-time order. */
  beginAll(executions: readonly WindowExecution[]): void {
    const runs = executions.flatMap((execution) => {
      const run = this.track(execution);
      return run === undefined ? [] : [run];
    });
    for (const run of runs) {
      if (run.execution.status === 'PENDING') {
        this.slots.wait(run, run.execution.scheduledAt);
      } else {
        // Resumed after a restart: it holds its slot again.
        this.slots.hold(run);
      }
    }
    for (const run of runs) {
      this.drive(run);
    }
  }

  /** The unfinished execution of a window driven here, if any (for overlap detection). */
  activeExecution(windowId: string): string | undefined {
    for (const run of this.active.values()) {
      if (run.execution.windowId === windowId) {
        return run.execution.windowExecutionId;
      }
    }
    return undefined;
  }

  /** A cancel was recorded (CancelMaintenanceWindowExecution, or the window's deletion): stop the run. */
  cancelRequested(windowExecutionId: string): void {
    const run = this.active.get(windowExecutionId);
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

  private track(execution: WindowExecution): Run | undefined {
    if (this.active.has(execution.windowExecutionId) || this.stopping.signal.aborted) {
      return undefined;
    }
    const run: Run = {
      execution,
      frame: runFrame(execution.plan ?? { duration: 0, cutoff: 0 }, execution.scheduledAt),
      cancelRequested: execution.cancelRequested === true,
      wake: new Wakeup(),
      tasks: new Set(),
      ended: new AbortController(),
    };
    this.active.set(execution.windowExecutionId, run);
    return run;
  }

  private drive(run: Run): void {
    const { windowExecutionId } = run.execution;
    const drive = this.runExecution(run)
      .catch((error: unknown) => {
        if (!this.stopping.signal.aborted) {
          this.logger.error(
            { err: error, windowExecutionId },
            'window execution stopped on an error; a restart resumes it',
          );
        }
      })
      .finally(() => {
        run.ended.abort();
        this.active.delete(windowExecutionId);
        this.slots.release(run);
        this.drives.delete(drive);
      });
    this.drives.add(drive);
  }

  // The execution

  private async runExecution(run: Run): Promise<void> {
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
    const existing = await this.runs.taskExecutionsOf(run.execution);
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
        executions = await this.runs.startGroup(run.execution, group);
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
    run.execution = await this.runs.endExecution(run.execution, result.status, result.statusDetails);
    run.ended.abort();
    await cutoffTimer;
  }

  /**
   * Waits (PENDING) for a slot, then records IN_PROGRESS with the plan. @returns false when the
   * execution ended instead (cancelled, or the cutoff passed while waiting).
   */
  private async acquireSlot(run: Run): Promise<boolean> {
    if (run.execution.status !== 'PENDING' && run.execution.plan !== undefined) {
      return true;
    }
    const window = await this.runs.windowOf(run.execution);
    if (window === undefined) {
      run.execution = await this.runs.endExecution(run.execution, 'CANCELLED', DETAILS.cancelled);
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
    let queued = false;
    for (;;) {
      if (this.stopping.signal.aborted) {
        return false;
      }
      if (run.cancelRequested) {
        run.execution = await this.runs.endExecution(run.execution, 'CANCELLED', DETAILS.cancelled);
        return false;
      }
      if (this.now() >= run.frame.cutoffAt) {
        run.execution = await this.runs.endExecution(run.execution, 'TIMED_OUT', DETAILS.cutoffBeforeAllTasks);
        return false;
      }
      if (this.slots.holds(run)) {
        break;
      }
      if (!queued) {
        queued = true;
        run.execution = await this.runs.queue(run.execution);
      }
      await run.wake.wait();
    }
    run.execution = await this.runs.startExecution(run.execution, window);
    return true;
  }

  // One task execution

  private async runTask(task: TaskRun): Promise<WindowExecutionStatus> {
    const { run } = task;
    run.tasks.add(task);
    try {
      if (task.execution.runTargets === undefined) {
        const recorded = await this.runs.recordTargets(this.siteOf(task));
        if ('failure' in recorded) {
          return await this.endTask(task, 'FAILED', recorded.failure);
        }
        task.execution = recorded.taskExecution;
      }
      const targets = task.execution.runTargets!;
      if (targets.length === 0) {
        return await this.endTask(task, 'SUCCESS', DETAILS.noTargets);
      }
      const queue = await this.resumeInvocations(task, targets);
      const concurrency = resolveMaxConcurrency(task.execution.maxConcurrency, targets.length);
      const allowedErrors = resolveMaxErrors(task.execution.maxErrors, targets.length);
      // Re-checked before every launch: a launch may fail at once, and a cancel may arrive
      // while one awaits the store.
      const mayLaunch = () =>
        !run.cancelRequested && !task.stoppedAtCutoff && task.ended.filter(countsAsTaskError).length <= allowedErrors;
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
        await this.launchWhileAllowed(task, queue, concurrency, mayLaunch);
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
      const details = taskExecutionDetails({
        status,
        ended: task.ended.length,
        unlaunched: queue.length,
        stoppedAtCutoff: task.stoppedAtCutoff,
      });
      return await this.endTask(task, status, details);
    } finally {
      run.tasks.delete(task);
    }
  }

  /**
   * Launches from the queue while rate control allows: each invocation is prepared in turn (one
   * that fails at once counts against MaxErrors before the next), then all are recorded together.
   */
  private async launchWhileAllowed(
    task: TaskRun,
    queue: RunTarget[],
    concurrency: number,
    mayLaunch: () => boolean,
  ): Promise<void> {
    const launches: Launch[] = [];
    const launching = new Map<string, TaskInvocation>();
    while (
      mayLaunch() &&
      task.running.size + launching.size < concurrency &&
      queue.length > 0 &&
      inSequence(queue[0]!, task.running, launching)
    ) {
      const launch = await this.runs.prepareInvocation(this.siteOf(task), queue.shift()!);
      launches.push(launch);
      if (launch.kind === 'failed') {
        task.ended.push('FAILED');
      } else {
        launching.set(launch.prepared.command.commandId, launch.invocation);
      }
    }
    await this.runs.launch(launches, () => {
      for (const invocation of launching.values()) {
        this.follow(task, invocation);
      }
    });
    if (task.run.cancelRequested || task.stoppedAtCutoff) {
      // Stopped while these launches awaited the store: cancelRunning() did not see them.
      for (const commandId of launching.keys()) {
        this.runs.cancelCommand(commandId);
      }
    }
  }

  /**
   * Picks up the invocations already recorded (after a restart): ended ones count, running ones
   * are followed. @returns the targets still to launch, in order.
   */
  private async resumeInvocations(task: TaskRun, targets: readonly RunTarget[]): Promise<RunTarget[]> {
    const launched = new Set<string>();
    for (const invocation of await this.runs.invocationsOf(task.execution)) {
      launched.add(targetKey(invocation));
      if (isTerminalExecutionStatus(invocation.status)) {
        task.ended.push(invocation.status);
      } else if (invocation.executionId !== undefined) {
        this.follow(task, invocation);
      }
    }
    for (const [commandId, invocation] of [...task.running]) {
      const ending = await this.runs.commandEnding(invocation);
      if (ending !== undefined) {
        await this.settle(task, commandId, ending.details, ending.endedAt);
      } else if (task.run.cancelRequested) {
        this.runs.cancelCommand(commandId);
      }
    }
    return targets.filter((target) => !launched.has(targetKey(target)));
  }

  private follow(task: TaskRun, invocation: TaskInvocation): void {
    task.running.set(invocation.executionId!, invocation);
    this.byCommand.set(invocation.executionId!, task);
  }

  /** Waits for an invocation to end, a cancel or the cutoff; re-reads the store now and then. */
  private async waitForChange(task: TaskRun): Promise<void> {
    const timer = new AbortController();
    const recheck = this.clock.sleep(this.recheckIntervalMs, timer.signal).then(
      () => true,
      () => false,
    );
    const woke = await Promise.race([task.wake.wait().then(() => false), recheck]);
    timer.abort();
    if (woke) {
      for (const [commandId, invocation] of [...task.running]) {
        const ending = await this.runs.commandEnding(invocation);
        if (ending !== undefined) {
          await this.settle(task, commandId, ending.details, ending.endedAt);
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
    const stoppedAtCutoff = task.stoppedAtCutoff && !task.run.cancelRequested;
    task.ended.push(await this.runs.settleInvocation(invocation, details, endedAt, stoppedAtCutoff));
    task.wake.notify();
  }

  private cancelRunning(task: TaskRun): void {
    for (const commandId of task.running.keys()) {
      this.runs.cancelCommand(commandId);
    }
  }

  private async endTask(task: TaskRun, status: WindowExecutionStatus, details: string): Promise<WindowExecutionStatus> {
    task.execution = await this.runs.endTask(task.execution, task.run.frame, status, details);
    return status;
  }

  private siteOf(task: TaskRun) {
    return { execution: task.run.execution, task: task.task, taskExecution: task.execution };
  }

  private now(): number {
    return this.clock.now().getTime();
  }
}

/** Window targets run one after another (spec §6.4): a target waits until the previous one's nodes ended. */
function inSequence(next: RunTarget, ...inFlight: ReadonlyMap<string, TaskInvocation>[]): boolean {
  return inFlight.every((invocations) => {
    for (const invocation of invocations.values()) {
      if (invocation.windowTargetId !== next.windowTargetId) {
        return false;
      }
    }
    return true;
  });
}
