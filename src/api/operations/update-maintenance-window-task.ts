import { z } from 'zod';
import { defineOperation } from '../operation.js';
import { windowTaskWire } from '../wire/maintenance-window-wire.js';
import * as S from '../wire/shapes.js';
import { windowTaskMembers, windowTaskPatchOf } from '../wire/window-task-input.js';

export const updateMaintenanceWindowTask = defineOperation({
  name: 'UpdateMaintenanceWindowTask',
  access: 'write',
  input: z.object({
    WindowId: S.MaintenanceWindowId,
    WindowTaskId: S.MaintenanceWindowTaskId,
    TaskArn: S.MaintenanceWindowTaskArn.optional(),
    Replace: z.boolean().optional(),
    ...windowTaskMembers,
  }),
  async handle(input, ctx) {
    const task = await ctx.services.tasks.update(
      input.WindowId,
      input.WindowTaskId,
      windowTaskPatchOf(input),
      input.Replace ?? false,
    );
    return S.compact({
      ...windowTaskWire(task, ctx.accountId),
      TaskInvocationParameters: task.taskInvocationParameters,
    });
  },
});
