/**
 * The rules of a window run (spec §6): when a window opens and stops starting tasks, how the
 * statuses of invocations add up to a task execution's and a window execution's, the status
 * details Mado writes, and the pseudo parameters substituted into task parameters.
 *
 * Time frame: a run belongs to the due time it was fired for. The window is open from that due
 * time for Duration hours, and tasks start only before `due + Duration − Cutoff`. A run that
 * starts late (after downtime, or queued behind other runs) keeps the frame of its due time: an
 * operator's 02:00–04:00 window never touches a node at 05:00.
 */
import type { InvocationDetails } from './command.js';
import type { MaintenanceWindow } from './maintenance-window.js';
import type { WindowExecutionStatus } from './window-execution.js';

const HOUR_MS = 60 * 60 * 1000;

/** The instants that bound a run fired for `dueAt`. */
export interface RunFrame {
  readonly opensAt: number;
  /** No task execution (priority group) starts at or after this instant. */
  readonly cutoffAt: number;
  readonly closesAt: number;
}

export function runFrame(window: Pick<MaintenanceWindow, 'duration' | 'cutoff'>, dueAt: number): RunFrame {
  return {
    opensAt: dueAt,
    cutoffAt: dueAt + (window.duration - window.cutoff) * HOUR_MS,
    closesAt: dueAt + window.duration * HOUR_MS,
  };
}

const TERMINAL_EXECUTION: ReadonlySet<WindowExecutionStatus> = new Set([
  'SUCCESS',
  'FAILED',
  'TIMED_OUT',
  'CANCELLED',
  'SKIPPED_OVERLAPPING',
]);

export function isTerminalExecutionStatus(status: WindowExecutionStatus): boolean {
  return TERMINAL_EXECUTION.has(status);
}

/** The status of a window-task invocation for the status of its command invocation (spec §6.7). */
export function invocationStatusOf(details: InvocationDetails, stoppedAtCutoff: boolean): WindowExecutionStatus {
  switch (details) {
    case 'Pending':
    case 'InProgress':
    case 'Delayed':
      return 'IN_PROGRESS';
    case 'Success':
      return 'SUCCESS';
    case 'Failed':
    case 'Undeliverable':
    case 'InvalidPlatform':
    case 'AccessDenied':
      return 'FAILED';
    case 'ExecutionTimedOut':
    case 'DeliveryTimedOut':
      return 'TIMED_OUT';
    case 'Cancelling':
      return 'CANCELLING';
    case 'Cancelled':
    case 'Terminated':
      return stoppedAtCutoff ? 'TIMED_OUT' : 'CANCELLED';
  }
}

/** Invocations that count toward a task's MaxErrors (spec §6.5). */
export function countsAsTaskError(status: WindowExecutionStatus): boolean {
  return status === 'FAILED' || status === 'TIMED_OUT';
}

/** What a finished task execution knows when it settles. */
export interface TaskOutcome {
  readonly invocationStatuses: readonly WindowExecutionStatus[];
  /** Targets never launched (error threshold, cancel or cutoff). */
  readonly unlaunched: number;
  readonly cancelRequested: boolean;
  readonly stoppedAtCutoff: boolean;
}

/** A task execution's final status (spec §6.4): CANCELLED > FAILED > TIMED_OUT > SUCCESS. */
export function taskExecutionStatus(outcome: TaskOutcome): WindowExecutionStatus {
  const has = (status: WindowExecutionStatus) => outcome.invocationStatuses.includes(status);
  if (outcome.cancelRequested && (outcome.unlaunched > 0 || has('CANCELLED'))) {
    return 'CANCELLED';
  }
  if (has('FAILED')) {
    return 'FAILED';
  }
  if (has('TIMED_OUT') || (outcome.stoppedAtCutoff && outcome.unlaunched > 0)) {
    return 'TIMED_OUT';
  }
  if (has('CANCELLED')) {
    return 'CANCELLED';
  }
  return outcome.unlaunched > 0 ? 'FAILED' : 'SUCCESS';
}

/** What a finished window execution knows when it settles. */
export interface WindowOutcome {
  readonly taskStatuses: readonly WindowExecutionStatus[];
  /** Priority groups that never started because the cutoff had passed. */
  readonly groupsSkippedAtCutoff: number;
  readonly cancelRequested: boolean;
}

/** A window execution's final status and details (spec §6.1, §6.3). */
export function windowExecutionResult(outcome: WindowOutcome): {
  status: WindowExecutionStatus;
  statusDetails: string;
} {
  const has = (status: WindowExecutionStatus) => outcome.taskStatuses.includes(status);
  if (outcome.cancelRequested) {
    return { status: 'CANCELLED', statusDetails: DETAILS.cancelled };
  }
  if (has('FAILED')) {
    return { status: 'FAILED', statusDetails: DETAILS.windowFailed };
  }
  if (outcome.groupsSkippedAtCutoff > 0) {
    return { status: 'TIMED_OUT', statusDetails: DETAILS.cutoffBeforeAllTasks };
  }
  if (has('TIMED_OUT')) {
    return { status: 'TIMED_OUT', statusDetails: DETAILS.windowTimedOut };
  }
  if (has('CANCELLED')) {
    return { status: 'CANCELLED', statusDetails: DETAILS.cancelled };
  }
  if (outcome.taskStatuses.length === 0) {
    return { status: 'SUCCESS', statusDetails: DETAILS.noTasks };
  }
  return { status: 'SUCCESS', statusDetails: DETAILS.windowSucceeded };
}

/** What a task execution's StatusDetails says of how it ended. */
export function taskExecutionDetails(outcome: {
  readonly status: WindowExecutionStatus;
  /** Invocations that ended. */
  readonly ended: number;
  readonly unlaunched: number;
  readonly stoppedAtCutoff: boolean;
}): string {
  switch (outcome.status) {
    case 'SUCCESS':
      return `All ${outcome.ended} invocations succeeded.`;
    case 'CANCELLED':
      return DETAILS.cancelled;
    case 'TIMED_OUT':
      return outcome.stoppedAtCutoff ? DETAILS.stoppedAtCutoff : 'One or more invocations timed out.';
    default:
      return outcome.unlaunched > 0 ? DETAILS.thresholdReached(outcome.unlaunched) : 'One or more invocations failed.';
  }
}

/** Tasks grouped by Priority, ascending; registration order within a group (spec §6.3). */
export function groupByPriority<T extends { readonly priority: number }>(tasks: readonly T[]): T[][] {
  const groups = new Map<number, T[]>();
  for (const task of tasks) {
    groups.set(task.priority, [...(groups.get(task.priority) ?? []), task]);
  }
  return [...groups.entries()].sort(([a], [b]) => a - b).map(([, group]) => group);
}

/** StatusDetails Mado writes (spec §6.1: SSM's strings where it has them). All ≤ 250 chars. */
export const DETAILS = {
  noTasks: 'No tasks to execute.',
  windowSucceeded: 'All tasks completed successfully.',
  windowFailed: 'One or more tasks in the orchestration failed.',
  windowTimedOut: 'One or more tasks timed out.',
  cutoffBeforeAllTasks: 'Maintenance window cutoff reached before all tasks could start.',
  cancelled: 'Cancelled by user.',
  cancelling: 'Cancellation requested; running work is stopping.',
  noTargets: 'No targets resolved.',
  stoppedAtCutoff: 'Task stopped at cutoff (CANCEL_TASK).',
  queued: 'Waiting for a free execution slot.',
  overlapping: (previousExecutionId: string) =>
    `Overlapping execution skipped: previous execution ${previousExecutionId} still running.`,
  missed: (reason: string) => `Not started: ${reason}`.slice(0, 250),
  thresholdReached: (notStarted: number) => `Error threshold reached; ${notStarted} targets not started.`,
  endedAfterWindow: (details: string) => `${details.replace(/\.$/, '')}. Ended after the window closed.`,
  invalidParameters: (names: readonly string[]) =>
    `The following SSM parameters are invalid: ${names.join(', ')}`.slice(0, 250),
} as const;

/** Values of the pseudo parameters for one invocation (spec §6.9). */
export interface PseudoParameterValues {
  readonly WINDOW_ID: string;
  readonly WINDOW_TASK_ID: string;
  readonly WINDOW_TARGET_ID: string;
  readonly WINDOW_EXECUTION_ID: string;
  readonly TASK_EXECUTION_ID: string;
  readonly INVOCATION_ID: string;
  readonly TARGET_TYPE: string;
  readonly TARGET_ID: string;
  readonly RESOURCE_ID: string;
  readonly LOGGING_S3_BUCKET_NAME: string;
  readonly LOGGING_S3_KEY_PREFIX: string;
  readonly LOGGING_S3_REGION: string;
}

const PSEUDO_PARAMETER = /\{\{\s*([A-Z_0-9]+)\s*\}\}/g;

/** Replaces known `{{NAME}}` placeholders (spaces inside the braces allowed); others stay as written. */
export function substitutePseudoParameters(text: string, values: PseudoParameterValues): string {
  return text.replace(PSEUDO_PARAMETER, (whole, name: string) =>
    Object.hasOwn(values, name) ? values[name as keyof PseudoParameterValues] : whole,
  );
}
