/** Domain records of maintenance windows → their SSM wire structures (Appendix A). */
import type { MaintenanceWindow, WindowTarget, WindowTask } from '../../domain/maintenance-window.js';
import { formatScheduleTime } from '../../domain/schedule/schedule.js';
import type { TaskExecution, TaskInvocation, WindowExecution } from '../../domain/window-execution.js';
import type { WindowView } from '../../services/maintenance-window-service.js';
import { compact, timestamp } from './shapes.js';

/** The role SSM reports for a task registered without ServiceRoleArn (spec §2.3). */
export function defaultServiceRoleArn(accountId: string): string {
  return `arn:aws:iam::${accountId}:role/aws-service-role/ssm.amazonaws.com/AWSServiceRoleForAmazonSSM`;
}

export function nextExecutionTime(view: WindowView): string | undefined {
  return view.nextExecutionAt === undefined
    ? undefined
    : formatScheduleTime(view.nextExecutionAt, view.window.scheduleTimezone ?? 'UTC');
}

/** The configuration members shared by Get, Update and the identity of Describe. */
export function windowSettingsWire(window: MaintenanceWindow) {
  return {
    WindowId: window.windowId,
    Name: window.name,
    Description: window.description,
    StartDate: window.startDate,
    EndDate: window.endDate,
    Schedule: window.schedule,
    ScheduleTimezone: window.scheduleTimezone,
    ScheduleOffset: window.scheduleOffset,
    Duration: window.duration,
    Cutoff: window.cutoff,
    AllowUnassociatedTargets: window.allowUnassociatedTargets,
    Enabled: window.enabled,
  };
}

export function windowIdentityWire(view: WindowView) {
  const { window } = view;
  return compact({
    WindowId: window.windowId,
    Name: window.name,
    Description: window.description,
    Enabled: window.enabled,
    Duration: window.duration,
    Cutoff: window.cutoff,
    Schedule: window.schedule,
    ScheduleTimezone: window.scheduleTimezone,
    ScheduleOffset: window.scheduleOffset,
    EndDate: window.endDate,
    StartDate: window.startDate,
    NextExecutionTime: nextExecutionTime(view),
  });
}

export function windowTargetWire(target: WindowTarget) {
  return compact({
    WindowId: target.windowId,
    WindowTargetId: target.windowTargetId,
    ResourceType: target.resourceType,
    Targets: target.targets,
    OwnerInformation: target.ownerInformation,
    Name: target.name,
    Description: target.description,
  });
}

/** Members of a task common to Get, Update and Describe. */
export function windowTaskWire(task: WindowTask, accountId: string) {
  return {
    WindowId: task.windowId,
    WindowTaskId: task.windowTaskId,
    Targets: task.targets,
    TaskArn: task.taskArn,
    ServiceRoleArn: task.serviceRoleArn ?? defaultServiceRoleArn(accountId),
    TaskParameters: task.taskParameters ?? {},
    Priority: task.priority,
    MaxConcurrency: task.maxConcurrency,
    MaxErrors: task.maxErrors,
    LoggingInfo: task.loggingInfo,
    Name: task.name,
    Description: task.description,
    CutoffBehavior: task.cutoffBehavior,
    AlarmConfiguration: task.alarmConfiguration,
  };
}

export function windowExecutionWire(execution: WindowExecution) {
  return compact({
    WindowId: execution.windowId,
    WindowExecutionId: execution.windowExecutionId,
    Status: execution.status,
    StatusDetails: execution.statusDetails,
    StartTime: timestamp(execution.startedAt),
    EndTime: timestamp(execution.endedAt),
  });
}

export function taskExecutionIdentityWire(task: TaskExecution) {
  return compact({
    WindowExecutionId: task.windowExecutionId,
    TaskExecutionId: task.taskExecutionId,
    Status: task.status,
    StatusDetails: task.statusDetails,
    StartTime: timestamp(task.startedAt),
    EndTime: timestamp(task.endedAt),
    TaskArn: task.taskArn,
    TaskType: task.taskType,
    AlarmConfiguration: task.alarmConfiguration,
    TriggeredAlarms: task.triggeredAlarms,
  });
}

export function taskExecutionWire(task: TaskExecution) {
  return compact({
    WindowExecutionId: task.windowExecutionId,
    TaskExecutionId: task.taskExecutionId,
    TaskArn: task.taskArn,
    ServiceRole: task.serviceRole,
    Type: task.taskType,
    TaskParameters: [task.taskParameters],
    Priority: task.priority,
    MaxConcurrency: task.maxConcurrency,
    MaxErrors: task.maxErrors,
    Status: task.status,
    StatusDetails: task.statusDetails,
    StartTime: timestamp(task.startedAt),
    EndTime: timestamp(task.endedAt),
    AlarmConfiguration: task.alarmConfiguration,
    TriggeredAlarms: task.triggeredAlarms,
    // Not in SSM's model (clients ignore members they do not know): the cutoff behaviour the
    // task ran with, which the history otherwise could not show.
    CutoffBehavior: task.cutoffBehavior,
  });
}

export function taskInvocationWire(invocation: TaskInvocation) {
  return compact({
    WindowExecutionId: invocation.windowExecutionId,
    TaskExecutionId: invocation.taskExecutionId,
    InvocationId: invocation.invocationId,
    ExecutionId: invocation.executionId,
    TaskType: invocation.taskType,
    Parameters: invocation.parameters,
    Status: invocation.status,
    StatusDetails: invocation.statusDetails,
    StartTime: timestamp(invocation.startedAt),
    EndTime: timestamp(invocation.endedAt),
    OwnerInformation: invocation.ownerInformation,
    WindowTargetId: invocation.windowTargetId,
  });
}
