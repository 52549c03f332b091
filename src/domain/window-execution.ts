/**
 * The history of maintenance window runs (spec §5.15-§5.20, §6.1): a window execution, its task
 * executions and their per-node invocations. One status vocabulary serves all three.
 */
import type {
  AlarmConfiguration,
  CutoffBehavior,
  TaskParameters,
  WindowTask,
  WindowTaskType,
} from './maintenance-window.js';
import type { WindowTargetResourceType } from './targets.js';

export const WINDOW_EXECUTION_STATUSES = [
  'PENDING',
  'IN_PROGRESS',
  'SUCCESS',
  'FAILED',
  'TIMED_OUT',
  'CANCELLING',
  'CANCELLED',
  'SKIPPED_OVERLAPPING',
] as const;

export type WindowExecutionStatus = (typeof WINDOW_EXECUTION_STATUSES)[number];

export interface WindowExecution {
  readonly windowExecutionId: string;
  readonly windowId: string;
  /** The due time the scheduler fired for; unique per window. */
  readonly scheduledAt: number;
  readonly status: WindowExecutionStatus;
  readonly statusDetails?: string;
  readonly startedAt: number;
  readonly endedAt?: number;
  /** CancelMaintenanceWindowExecution was received (or the window was deleted while running). */
  readonly cancelRequested?: boolean;
  /** What the run works from, fixed when it starts; absent for runs that never started. */
  readonly plan?: RunPlan;
}

/**
 * A run's plan, written with the execution when it starts: later edits of the window or its
 * tasks do not change a run under way, and a restarted server resumes the same plan.
 */
export interface RunPlan {
  readonly duration: number;
  readonly cutoff: number;
  readonly allowUnassociatedTargets: boolean;
  /** The window's tasks at the start, in registration order. */
  readonly tasks: readonly WindowTask[];
}

/** One node a task execution runs on, and the window target it was selected through. */
export interface RunTarget {
  readonly instanceId: string;
  readonly windowTargetId?: string;
  readonly resourceType: WindowTargetResourceType;
  readonly ownerInformation?: string;
}

export interface AlarmStateInformation {
  readonly Name: string;
  readonly State: 'UNKNOWN' | 'ALARM';
}

export interface TaskExecution {
  readonly taskExecutionId: string;
  readonly windowExecutionId: string;
  readonly windowTaskId: string;
  readonly taskArn: string;
  readonly taskType: WindowTaskType;
  readonly serviceRole: string;
  /** Resolved parameters as sent, plus `aws:InstanceId` for RUN_COMMAND (spec §5.18). */
  readonly taskParameters: TaskParameters;
  readonly priority: number;
  readonly maxConcurrency: string;
  readonly maxErrors: string;
  readonly status: WindowExecutionStatus;
  readonly statusDetails?: string;
  readonly startedAt: number;
  readonly endedAt?: number;
  readonly alarmConfiguration?: AlarmConfiguration;
  readonly triggeredAlarms?: readonly AlarmStateInformation[];
  readonly cutoffBehavior?: CutoffBehavior;
  /** The nodes resolved when the task started, in launch order. */
  readonly runTargets?: readonly RunTarget[];
  /** Set when the task ends: whether it ended before the window closed. */
  readonly endedInsideWindow?: boolean;
}

export interface TaskInvocation {
  readonly invocationId: string;
  readonly taskExecutionId: string;
  readonly windowExecutionId: string;
  /** For RUN_COMMAND, the CommandId. */
  readonly executionId?: string;
  readonly taskType: WindowTaskType;
  /** JSON string describing what was launched (spec §5.19). */
  readonly parameters: string;
  readonly status: WindowExecutionStatus;
  readonly statusDetails?: string;
  readonly startedAt: number;
  readonly endedAt?: number;
  readonly ownerInformation?: string;
  readonly windowTargetId?: string;
  /** The node the invocation runs on (RUN_COMMAND). */
  readonly instanceId?: string;
}
