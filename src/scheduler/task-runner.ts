/**
 * One task execution of a window run (spec §6.5-§6.8): resolves its targets, then launches one
 * Run Command command per node under the task's MaxConcurrency and MaxErrors, follows them to
 * their ends and ends the task. The window runner (window-runner.ts) starts a priority group's
 * tasks here in parallel and waits for them.
 *
 * Invariants:
 *  - every transition is recorded by the WindowRunService before it takes effect; the task's
 *    state here is what the service returned;
 *  - the invocations one rate-control pass may launch are recorded in one transaction;
 *  - an invocation settles once, whether its end arrives as a dispatcher event or is found by
 *    the periodic re-read of the store (`recheckIntervalMs`);
 *  - at the cutoff a CANCEL_TASK task cancels its running commands and launches nothing more;
 *    a cancel of the execution does the same; a CONTINUE_TASK task carries on;
 *  - after a restart, targets with a recorded task invocation are never launched again.
 */
import type { InvocationDetails } from '../domain/command.js';
import type { WindowTask } from '../domain/maintenance-window.js';
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
  isTerminalExecutionStatus,
  taskExecutionDetails,
  taskExecutionStatus,
  type RunFrame,
} from '../domain/window-run.js';
import { targetKey } from '../services/window-run/run-targets.js';
import type { Launch, WindowRunService } from '../services/window-run/window-run-service.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { Wakeup } from './wakeup.js';

/** Where the runner hears that a command's invocation ended (the dispatcher's events). */
export interface InvocationEndings {
  onInvocationEnded(listener: (commandId: string, details: InvocationDetails) => void): void;
}

/** What a task reads of its window execution, owned by the window runner. */
export interface RunState {
  readonly execution: WindowExecution;
  readonly frame: RunFrame;
  readonly cancelRequested: boolean;
  /** The execution's tasks being driven, so a cancel or the cutoff reaches them. */
  readonly tasks: Set<TaskRun>;
}

export interface TaskRun {
  readonly run: RunState;
  readonly task: WindowTask;
  execution: TaskExecution;
  readonly wake: Wakeup;
  /** In flight, by command id. */
  readonly running: Map<string, TaskInvocation>;
  /** Statuses of the invocations that ended. */
  readonly ended: WindowExecutionStatus[];
  stoppedAtCutoff: boolean;
}

export class TaskRunner {
  /** Task invocations in flight, by command id. */
  private readonly byCommand = new Map<string, TaskRun>();

  constructor(
    private readonly runs: WindowRunService,
    private readonly clock: Clock,
    private readonly logger: Logger,
    endings: InvocationEndings,
    private readonly recheckIntervalMs: number,
    /** Aborted when the server stops: tasks return where they are, a restart resumes them. */
    private readonly stopping: AbortSignal,
  ) {
    endings.onInvocationEnded((commandId, details) => this.invocationEnded(commandId, details));
  }

  /** Drives one task execution of `run` to its end. @returns its status. */
  run(run: RunState, task: WindowTask, execution: TaskExecution): Promise<WindowExecutionStatus> {
    return this.drive({
      run,
      task,
      execution,
      wake: new Wakeup(),
      running: new Map(),
      ended: [],
      stoppedAtCutoff: false,
    });
  }

  private async drive(task: TaskRun): Promise<WindowExecutionStatus> {
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
        if (this.stopping.aborted) {
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

  /** Cancels the task's running commands (a cancel, or the cutoff of a CANCEL_TASK task). */
  cancelRunning(task: TaskRun): void {
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
