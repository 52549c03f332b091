/**
 * The history of window runs has one writer: this service. Every transition of a run (spec
 * §6.2-§6.8) is a method here, taking domain records and writing them before it returns; the
 * scheduler decides when a due time fires and the runner drives a run (slots, priority groups,
 * rate control, waits), and both record what happens only through these methods.
 *
 * Transitions, in the order a run meets them:
 *   due time      started (PENDING), skipped (SKIPPED_OVERLAPPING) or missed (TIMED_OUT with
 *                 why), one row per (window, due time): the store's unique key refuses a second;
 *   execution     queued (waits for a slot) → started (IN_PROGRESS, with the plan it runs) →
 *                 ended (its status adds up from its tasks', window-run.ts);
 *   task          a priority group's task executions started together (all or none) → targets
 *                 recorded before anything launches → invocations launched (each task
 *                 invocation with its Run Command command, stored by CommandService in the same
 *                 transaction, dispatched after the commit) → invocations settled → ended;
 *   cancel        requested (CANCELLING, the same write for CancelMaintenanceWindowExecution and
 *                 for the window's deletion) → completed when the runner ends the run CANCELLED.
 * Writes go through a group commit: those that arrive together share one transaction.
 */
import { isTerminal, type InvocationDetails, type SendCommandRequest } from '../../domain/command.js';
import { NotFoundError, ValidationError } from '../../domain/errors.js';
import type { MaintenanceWindow, WindowTask } from '../../domain/maintenance-window.js';
import type {
  RunTarget,
  TaskExecution,
  TaskInvocation,
  WindowExecution,
  WindowExecutionStatus,
} from '../../domain/window-execution.js';
import { DETAILS, invocationStatusOf, type RunFrame } from '../../domain/window-run.js';
import {
  documentParametersOf,
  invocationRequest,
  launchedParameters,
  taskServiceRole,
  type ArnScope,
  type InvocationSite,
} from '../../domain/window-task-command.js';
import type { Clock } from '../../shared/clock.js';
import { newUuid } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';
import type { NodeWithTags, Store } from '../../store/store.js';
import type { PreparedCommand } from '../command-service.js';
import { DEFAULT_REGION, type ServiceContext } from '../service-context.js';
import { markCancelling } from './cancel-record.js';
import { dueTimeRecord, logDueTimes, type DueTime } from './due-times.js';
import { GroupCommit } from './group-commit.js';
import { resolveRunTargets } from './run-targets.js';

/**
 * How long one read of the fleet serves task starts. Targets are resolved when a task starts
 * (spec §4.2); a node registered, retagged or deregistered less than this long before is seen by
 * the next read. Measured with bench:schedule: 1,000 executions through the default 5 slots read
 * 10,000 nodes with their tags once per start without it.
 */
export const FLEET_SNAPSHOT_MS = 1_000;

/** Run Command, as window runs use it (the CommandService). */
export interface CommandPort {
  /** Validates and builds a command without storing it. */
  prepare(request: SendCommandRequest): Promise<PreparedCommand>;
  /** Stores a prepared command, here inside the history's transaction. */
  record(prepared: PreparedCommand, store: Store): Promise<void>;
  /** Hands a stored command to the dispatcher. */
  dispatch(commandId: string): void;
  cancel(commandId: string, instanceIds: undefined): Promise<void>;
}

/** One task execution of a run, with the task it runs. */
export interface TaskSite {
  readonly execution: WindowExecution;
  readonly task: WindowTask;
  readonly taskExecution: TaskExecution;
}

/** An invocation ready to be recorded: launched with its command, or failed before launch. */
export type Launch =
  | { readonly kind: 'ready'; readonly invocation: TaskInvocation; readonly prepared: PreparedCommand }
  | { readonly kind: 'failed'; readonly invocation: TaskInvocation };

export class WindowRunService {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly scope: ArnScope;
  private readonly writes: GroupCommit;
  /** The fleet as last read, shared by the task starts of the next `FLEET_SNAPSHOT_MS`. */
  private fleet: { readonly read: Promise<NodeWithTags[]>; readonly at: number } | undefined;

  constructor(
    ctx: ServiceContext,
    private readonly commands: CommandPort,
  ) {
    this.store = ctx.store;
    this.clock = ctx.clock;
    this.logger = ctx.logger;
    this.scope = { accountId: ctx.accountId, region: ctx.region ?? DEFAULT_REGION };
    this.writes = new GroupCommit(ctx.store);
  }

  // Reading a run back (after a restart, or to follow it)

  unfinishedExecutions(): Promise<WindowExecution[]> {
    return this.store.listUnfinishedWindowExecutions();
  }

  windowOf(execution: WindowExecution): Promise<MaintenanceWindow | undefined> {
    return this.store.getWindow(execution.windowId);
  }

  taskExecutionsOf(execution: WindowExecution): Promise<TaskExecution[]> {
    return this.store.listAllTaskExecutions(execution.windowExecutionId);
  }

  invocationsOf(taskExecution: TaskExecution): Promise<TaskInvocation[]> {
    return this.store.listAllTaskInvocations(taskExecution.taskExecutionId);
  }

  /** How the command of an invocation ended, if it did. */
  async commandEnding(
    invocation: TaskInvocation,
  ): Promise<{ details: InvocationDetails; endedAt?: number } | undefined> {
    const current = await this.store.getInvocation(invocation.executionId ?? '', invocation.instanceId ?? '');
    return current !== undefined && isTerminal(current.statusDetails)
      ? { details: current.statusDetails, endedAt: current.endedAt }
      : undefined;
  }

  // Due times

  /**
   * Records what the scheduler decided for due times, in one transaction. @returns the
   * executions started (PENDING), without those whose due time another pass or server recorded.
   */
  async recordDueTimes(decisions: readonly DueTime[]): Promise<WindowExecution[]> {
    const now = this.now();
    const started = await this.writes.run(async (store) => {
      const inserted: WindowExecution[] = [];
      for (const decision of decisions) {
        const execution = dueTimeRecord(decision, now);
        if ((await store.insertWindowExecution(execution)) && decision.kind === 'start') {
          inserted.push(execution);
        }
      }
      return inserted;
    });
    logDueTimes(this.logger, decisions, started, now);
    return started;
  }

  // The execution

  /** The execution waits for a free slot. */
  async queue(execution: WindowExecution): Promise<WindowExecution> {
    await this.writes.run((store) =>
      store.updateWindowExecution({ windowExecutionId: execution.windowExecutionId, statusDetails: DETAILS.queued }),
    );
    return { ...execution, statusDetails: DETAILS.queued };
  }

  /** The execution holds a slot: IN_PROGRESS with its plan (the window and its tasks now). */
  async startExecution(execution: WindowExecution, window: MaintenanceWindow): Promise<WindowExecution> {
    const startedAt = this.now();
    return this.writes.run(async (store) => {
      const plan = {
        duration: window.duration,
        cutoff: window.cutoff,
        allowUnassociatedTargets: window.allowUnassociatedTargets,
        tasks: await store.listAllWindowTasks(window.windowId),
      };
      await store.updateWindowExecution({
        windowExecutionId: execution.windowExecutionId,
        status: 'IN_PROGRESS',
        statusDetails: '',
        startedAt,
        plan,
      });
      return { ...execution, status: 'IN_PROGRESS', statusDetails: '', plan, startedAt };
    });
  }

  async endExecution(
    execution: WindowExecution,
    status: WindowExecutionStatus,
    statusDetails: string,
  ): Promise<WindowExecution> {
    const endedAt = this.now();
    await this.writes.run((store) =>
      store.updateWindowExecution({ windowExecutionId: execution.windowExecutionId, status, statusDetails, endedAt }),
    );
    this.logger.info(
      { windowId: execution.windowId, windowExecutionId: execution.windowExecutionId, status },
      'window execution ended',
    );
    return { ...execution, status, statusDetails, endedAt };
  }

  // Tasks

  /** Records the task executions of one priority group (all or none), IN_PROGRESS. */
  async startGroup(execution: WindowExecution, tasks: readonly WindowTask[]): Promise<TaskExecution[]> {
    const startedAt = this.now();
    const taskExecutions = tasks.map((task): TaskExecution => ({
      taskExecutionId: newUuid(),
      windowExecutionId: execution.windowExecutionId,
      windowTaskId: task.windowTaskId,
      taskArn: task.taskArn,
      taskType: task.taskType,
      serviceRole: taskServiceRole(task, this.scope.accountId),
      taskParameters: documentParametersOf(task),
      priority: task.priority,
      maxConcurrency: task.maxConcurrency,
      maxErrors: task.maxErrors,
      status: 'IN_PROGRESS',
      startedAt,
      alarmConfiguration: task.alarmConfiguration,
      cutoffBehavior: task.cutoffBehavior ?? 'CONTINUE_TASK',
    }));
    await this.writes.run(async (store) => {
      for (const taskExecution of taskExecutions) {
        await store.insertTaskExecution(taskExecution);
      }
    });
    return taskExecutions;
  }

  /**
   * Resolves the task's targets now (spec §4.2), checks its document and parameters once
   * (spec §6.4), and records the targets with the `aws:InstanceId` parameter before anything
   * launches. @returns the task execution as recorded, or why the task cannot run.
   */
  async recordTargets(site: TaskSite): Promise<{ taskExecution: TaskExecution } | { failure: string }> {
    let targets: RunTarget[];
    try {
      targets = await resolveRunTargets(this.store, await this.activeNodes(), site.execution.windowId, site.task);
      await this.checkDocument(site, targets);
    } catch (error) {
      if (error instanceof ValidationError || error instanceof NotFoundError) {
        return { failure: error.message.slice(0, 250) };
      }
      throw error;
    }
    const taskParameters = {
      ...site.taskExecution.taskParameters,
      'aws:InstanceId': { Values: targets.map((target) => target.instanceId) },
    };
    await this.writes.run((store) =>
      store.updateTaskExecution({
        taskExecutionId: site.taskExecution.taskExecutionId,
        runTargets: targets,
        taskParameters,
      }),
    );
    return { taskExecution: { ...site.taskExecution, runTargets: targets, taskParameters } };
  }

  /**
   * Builds the invocation of one target, storing nothing: its command prepared by CommandService,
   * or the invocation failed when the node is gone or cannot run the document.
   */
  async prepareInvocation(site: TaskSite, target: RunTarget): Promise<Launch> {
    const invocationId = newUuid();
    const now = this.now();
    const request = invocationRequest(this.siteOf(site, target, invocationId), this.scope);
    const base = {
      invocationId,
      taskExecutionId: site.taskExecution.taskExecutionId,
      windowExecutionId: site.execution.windowExecutionId,
      taskType: site.taskExecution.taskType,
      startedAt: now,
      ownerInformation: target.ownerInformation,
      windowTargetId: target.windowTargetId,
      instanceId: target.instanceId,
      parameters: launchedParameters(request, site.taskExecution),
    };
    try {
      const prepared = await this.commands.prepare(request);
      return {
        kind: 'ready',
        prepared,
        invocation: { ...base, executionId: prepared.command.commandId, status: 'IN_PROGRESS' },
      };
    } catch (error) {
      if (!(error instanceof ValidationError || error instanceof NotFoundError)) {
        throw error;
      }
      const statusDetails = isNodeProblem(error)
        ? error instanceof ValidationError
          ? 'InvalidPlatform'
          : 'Undeliverable'
        : error.message.slice(0, 250);
      return { kind: 'failed', invocation: { ...base, status: 'FAILED', statusDetails, endedAt: now } };
    }
  }

  /**
   * Records invocations, each with its command, in one transaction, then hands the commands to
   * the dispatcher. @param recorded called between the commit and the dispatch.
   */
  async launch(launches: readonly Launch[], recorded: () => void = () => {}): Promise<void> {
    if (launches.length === 0) {
      return;
    }
    await this.writes.run(async (store) => {
      for (const launch of launches) {
        await store.insertTaskInvocation(launch.invocation);
        if (launch.kind === 'ready') {
          await this.commands.record(launch.prepared, store);
        }
      }
    });
    recorded();
    for (const launch of launches) {
      if (launch.kind === 'ready') {
        this.commands.dispatch(launch.prepared.command.commandId);
      }
    }
  }

  /**
   * Records how an invocation ended. @param stoppedAtCutoff the task stopped at its cutoff
   * (CANCEL_TASK): a cancelled command counts as timed out. @returns the invocation's status.
   */
  async settleInvocation(
    invocation: TaskInvocation,
    details: InvocationDetails,
    endedAt: number,
    stoppedAtCutoff: boolean,
  ): Promise<WindowExecutionStatus> {
    const status = invocationStatusOf(details, stoppedAtCutoff);
    await this.writes.run((store) =>
      store.updateTaskInvocation({ invocationId: invocation.invocationId, status, statusDetails: details, endedAt }),
    );
    return status;
  }

  /** Ends a task execution; details say so when it ended after the window closed. */
  async endTask(
    taskExecution: TaskExecution,
    frame: RunFrame,
    status: WindowExecutionStatus,
    statusDetails: string,
  ): Promise<TaskExecution> {
    const endedAt = this.now();
    const endedInsideWindow = endedAt <= frame.closesAt;
    const details = endedInsideWindow ? statusDetails : DETAILS.endedAfterWindow(statusDetails).slice(0, 250);
    await this.writes.run((store) =>
      store.updateTaskExecution({
        taskExecutionId: taskExecution.taskExecutionId,
        status,
        statusDetails: details,
        endedAt,
        endedInsideWindow,
      }),
    );
    return { ...taskExecution, status, statusDetails: details, endedAt, endedInsideWindow };
  }

  // Cancel

  /**
   * CancelMaintenanceWindowExecution (spec §5.21, §6.8): records the request; the runner then
   * stops starting tasks, cancels running invocations and ends the execution CANCELLED.
   * @returns false when the execution is already terminal or cancelling (left as it is).
   * @throws NotFoundError
   */
  async requestCancel(windowExecutionId: string): Promise<boolean> {
    return this.writes.run(async (store) => {
      const execution = await store.getWindowExecution(windowExecutionId);
      if (execution === undefined) {
        throw new NotFoundError(
          'WindowExecution',
          windowExecutionId,
          `Maintenance window execution ${windowExecutionId} does not exist.`,
        );
      }
      return markCancelling(store, execution);
    });
  }

  /**
   * The window is being deleted (in the caller's transaction): its unfinished executions are
   * cancelled as by CancelMaintenanceWindowExecution, so a restarted engine still does it.
   */
  async cancelExecutionsOf(windowId: string, store: Store): Promise<void> {
    for (const execution of await store.listUnfinishedWindowExecutions()) {
      if (execution.windowId === windowId) {
        await markCancelling(store, execution);
      }
    }
  }

  /** Asks the dispatcher to cancel a task's command (it records the cancel). */
  cancelCommand(commandId: string): void {
    this.commands.cancel(commandId, undefined).catch((error: unknown) => {
      this.logger.warn({ err: error, commandId }, 'could not cancel a window task command');
    });
  }

  /** Validates the document and parameters once, before any node (spec §6.4). */
  private async checkDocument(site: TaskSite, targets: readonly RunTarget[]): Promise<void> {
    if (targets.length === 0) {
      return;
    }
    try {
      await this.commands.prepare(invocationRequest(this.siteOf(site, targets[0]!, ''), this.scope));
    } catch (error) {
      if (isNodeProblem(error)) {
        // About the first node only: its invocation will say so.
        return;
      }
      if (error instanceof ValidationError && error.reason === 'DocumentParameters') {
        throw new ValidationError(DETAILS.invalidParameters(parameterNames(error)), { cause: error });
      }
      throw error;
    }
  }

  /**
   * The registered nodes, as read at most `FLEET_SNAPSHOT_MS` ago. Task starts share one read:
   * a thousand windows starting at once read the fleet once, not a thousand times, and neither
   * do a thousand executions started a few at a time through the slots. A failed read is not
   * kept.
   */
  private activeNodes(): Promise<NodeWithTags[]> {
    const now = this.now();
    if (this.fleet === undefined || now - this.fleet.at >= FLEET_SNAPSHOT_MS || now < this.fleet.at) {
      const read = this.store.listActiveNodes();
      const fleet = { read, at: now };
      read.catch(() => {
        if (this.fleet === fleet) {
          this.fleet = undefined;
        }
      });
      this.fleet = fleet;
    }
    return this.fleet.read;
  }

  private siteOf(site: TaskSite, target: RunTarget, invocationId: string): InvocationSite {
    return {
      windowId: site.execution.windowId,
      windowExecutionId: site.execution.windowExecutionId,
      task: site.task,
      taskExecution: site.taskExecution,
      target,
      invocationId,
    };
  }

  private now(): number {
    return this.clock.now().getTime();
  }
}

/** Errors about one node rather than the task: not registered, or not its platform. */
function isNodeProblem(error: unknown): boolean {
  return (
    (error instanceof NotFoundError && error.resource === 'Instance') ||
    (error instanceof ValidationError && error.reason === 'UnsupportedPlatform')
  );
}

function parameterNames(error: ValidationError): string[] {
  const names = error.violations.map((violation) => violation.field.replace(/^parameters\.?/, '')).filter(Boolean);
  return names.length > 0 ? names : [error.message];
}
