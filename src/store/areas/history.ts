/** The history of window runs: executions, their task executions and task invocations. */
import type { TaskParameters } from '../../domain/maintenance-window.js';
import type {
  RunPlan,
  RunTarget,
  TaskExecution,
  TaskInvocation,
  WindowExecution,
  WindowExecutionStatus,
} from '../../domain/window-execution.js';
import type { Page, PageRequest } from './paging.js';

export interface WindowExecutionQuery extends PageRequest {
  readonly windowId: string;
  /** Inclusive bounds on the start time. */
  readonly startedAtOrBefore?: number;
  readonly startedAtOrAfter?: number;
}

export interface TaskExecutionQuery extends PageRequest {
  readonly windowExecutionId: string;
  readonly statuses?: readonly WindowExecutionStatus[];
}

export interface TaskInvocationQuery extends PageRequest {
  readonly windowExecutionId: string;
  readonly taskExecutionId: string;
  readonly statuses?: readonly WindowExecutionStatus[];
}

export interface WindowExecutionChange {
  readonly windowExecutionId: string;
  readonly status?: WindowExecutionStatus;
  readonly statusDetails?: string;
  readonly startedAt?: number;
  readonly endedAt?: number;
  readonly cancelRequested?: boolean;
  readonly plan?: RunPlan;
}

export interface TaskExecutionChange {
  readonly taskExecutionId: string;
  readonly status?: WindowExecutionStatus;
  readonly statusDetails?: string;
  readonly endedAt?: number;
  readonly endedInsideWindow?: boolean;
  readonly taskParameters?: TaskParameters;
  readonly runTargets?: readonly RunTarget[];
}

export interface TaskInvocationChange {
  readonly invocationId: string;
  readonly status: WindowExecutionStatus;
  readonly statusDetails?: string;
  readonly endedAt?: number;
}

/** What happened when windows ran. */
/** What happened when windows ran. */
export interface HistoryStore {
  /**
   * Inserts the execution unless the window already has one for the same due time (the store's
   * unique key is what makes a double start impossible). @returns whether it was inserted.
   */
  insertWindowExecution(execution: WindowExecution): Promise<boolean>;
  updateWindowExecution(change: WindowExecutionChange): Promise<void>;
  /** Executions not yet in a terminal status, oldest due time first. */
  listUnfinishedWindowExecutions(): Promise<WindowExecution[]>;
  /** The latest due time each window has an execution for. */
  lastDueTimes(): Promise<Map<string, number>>;
  getWindowExecution(windowExecutionId: string): Promise<WindowExecution | undefined>;
  /** Newest first. */
  listWindowExecutions(query: WindowExecutionQuery): Promise<Page<WindowExecution>>;
  insertTaskExecution(execution: TaskExecution): Promise<void>;
  updateTaskExecution(change: TaskExecutionChange): Promise<void>;
  /** Every task execution of one window execution, in start order. */
  listAllTaskExecutions(windowExecutionId: string): Promise<TaskExecution[]>;
  getTaskExecution(windowExecutionId: string, taskExecutionId: string): Promise<TaskExecution | undefined>;
  /** In start order. */
  listTaskExecutions(query: TaskExecutionQuery): Promise<Page<TaskExecution>>;
  /** Task execution ids of one window execution, in start order. */
  listTaskExecutionIds(windowExecutionId: string): Promise<string[]>;
  insertTaskInvocation(invocation: TaskInvocation): Promise<void>;
  updateTaskInvocation(change: TaskInvocationChange): Promise<void>;
  /** Every invocation of one task execution, in start order. */
  listAllTaskInvocations(taskExecutionId: string): Promise<TaskInvocation[]>;
  getTaskInvocation(
    windowExecutionId: string,
    taskExecutionId: string,
    invocationId: string,
  ): Promise<TaskInvocation | undefined>;
  listTaskInvocations(query: TaskInvocationQuery): Promise<Page<TaskInvocation>>;
}
