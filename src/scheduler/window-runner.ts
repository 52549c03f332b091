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
 * Each task execution is driven by the TaskRunner (task-runner.ts): targets, rate control,
 * following invocations, the cutoff of a CANCEL_TASK task. A cancel (CancelMaintenanceWindowExecution,
 * or the window's deletion) stops launching and cancels running commands.
 *
 * Crash safety: a restarted server calls `start()`, which resumes every execution the store
 * holds as unfinished from what was recorded: groups with task executions are not started
 * again, targets with a task invocation are not launched again (so no node runs an invocation
 * twice: the agent also dedupes each command), invocations in flight are followed through
 * their commands, whose dispatcher resumes them too.
 */
import type { MaintenanceWindow } from '../domain/maintenance-window.js';
import type { WindowExecution, WindowExecutionStatus } from '../domain/window-execution.js';
import {
  DETAILS,
  groupByPriority,
  isTerminalExecutionStatus,
  runFrame,
  windowExecutionResult,
  type RunFrame,
} from '../domain/window-run.js';
import type { WindowRunService } from '../services/window-run/window-run-service.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { SlotQueue } from './slot-queue.js';
import { TaskRunner, type InvocationEndings, type RunState } from './task-runner.js';
import { Wakeup } from './wakeup.js';

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

interface Run extends RunState {
  execution: WindowExecution;
  frame: RunFrame;
  cancelRequested: boolean;
  readonly wake: Wakeup;
  /** Stops the run's timers when it ends. */
  readonly ended: AbortController;
}

export class WindowRunner {
  private readonly active = new Map<string, Run>();
  /** Executions holding a slot (IN_PROGRESS or CANCELLING), and those waiting for one. */
  private readonly slots: SlotQueue<Run>;
  private readonly stopping = new AbortController();
  private readonly drives = new Set<Promise<void>>();
  private readonly tasks: TaskRunner;

  constructor(
    private readonly runs: WindowRunService,
    private readonly clock: Clock,
    private readonly logger: Logger,
    endings: InvocationEndings,
    options: RunnerOptions = DEFAULT_RUNNER_OPTIONS,
  ) {
    this.slots = new SlotQueue(options.maxConcurrentRuns, (run) => run.wake.notify());
    this.tasks = new TaskRunner(runs, clock, logger, endings, options.recheckIntervalMs, this.stopping.signal);
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
      this.tasks.cancelRunning(task);
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
          return isTerminalExecutionStatus(execution.status) ? execution.status : this.tasks.run(run, task, execution);
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

  private now(): number {
    return this.clock.now().getTime();
  }
}
