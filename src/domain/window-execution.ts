/**
 * The history of maintenance window runs (spec §5.15-§5.20, §6.1): a window execution, its task
 * executions and their per-node invocations. One status vocabulary serves all three.
 */
import type { AlarmConfiguration, TaskParameters, WindowTaskType } from './maintenance-window.js';

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
}
