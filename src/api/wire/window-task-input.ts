/** The task members shared by Register and Update, and their mapping to the domain. */
import type { z } from 'zod';
import type { WindowTaskPatch } from '../../domain/window-task.js';
import * as S from './shapes.js';

export const windowTaskMembers = {
  Targets: S.Targets.optional(),
  ServiceRoleArn: S.ServiceRole.optional(),
  TaskParameters: S.TaskParameters.optional(),
  TaskInvocationParameters: S.TaskInvocationParameters.optional(),
  Priority: S.MaintenanceWindowTaskPriority.optional(),
  MaxConcurrency: S.MaxConcurrency.optional(),
  MaxErrors: S.MaxErrors.optional(),
  LoggingInfo: S.LoggingInfo.optional(),
  Name: S.MaintenanceWindowName.optional(),
  Description: S.MaintenanceWindowDescription.optional(),
  CutoffBehavior: S.MaintenanceWindowTaskCutoffBehavior.optional(),
  AlarmConfiguration: S.AlarmConfiguration.optional(),
};

type WindowTaskMembers = z.infer<z.ZodObject<typeof windowTaskMembers>>;

export function windowTaskPatchOf(input: WindowTaskMembers & { TaskArn?: string }): WindowTaskPatch {
  return {
    taskArn: input.TaskArn,
    targets: input.Targets,
    serviceRoleArn: input.ServiceRoleArn,
    taskParameters: input.TaskParameters,
    taskInvocationParameters: input.TaskInvocationParameters,
    priority: input.Priority,
    maxConcurrency: input.MaxConcurrency,
    maxErrors: input.MaxErrors,
    loggingInfo: input.LoggingInfo,
    name: input.Name,
    description: input.Description,
    cutoffBehavior: input.CutoffBehavior,
    alarmConfiguration: input.AlarmConfiguration,
  };
}
