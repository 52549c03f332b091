import { z } from 'zod';
import { defineOperation } from '../operation.js';
import { windowTaskWire } from '../wire/maintenance-window-wire.js';
import * as S from '../wire/shapes.js';

export const getMaintenanceWindowTask = defineOperation({
  name: 'GetMaintenanceWindowTask',
  access: 'read',
  input: z.object({ WindowId: S.MaintenanceWindowId, WindowTaskId: S.MaintenanceWindowTaskId }),
  async handle(input, ctx) {
    const task = await ctx.services.tasks.get(input.WindowId, input.WindowTaskId);
    return S.compact({
      ...windowTaskWire(task, ctx.accountId),
      TaskType: task.taskType,
      TaskInvocationParameters: task.taskInvocationParameters,
    });
  },
});
