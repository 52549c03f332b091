import { z } from 'zod';
import { defineOperation } from '../operation.js';
import { taskExecutionWire } from '../wire/maintenance-window-wire.js';
import * as S from '../wire/shapes.js';

export const getMaintenanceWindowExecutionTask = defineOperation({
  name: 'GetMaintenanceWindowExecutionTask',
  access: 'read',
  input: z.object({
    WindowExecutionId: S.MaintenanceWindowExecutionId,
    TaskId: S.MaintenanceWindowExecutionTaskId,
  }),
  async handle(input, ctx) {
    return taskExecutionWire(await ctx.services.history.getTaskExecution(input.WindowExecutionId, input.TaskId));
  },
});
