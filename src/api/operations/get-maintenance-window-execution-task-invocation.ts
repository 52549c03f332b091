import { z } from 'zod';
import { defineOperation } from '../operation.js';
import { taskInvocationWire } from '../wire/maintenance-window-wire.js';
import * as S from '../wire/shapes.js';

export const getMaintenanceWindowExecutionTaskInvocation = defineOperation({
  name: 'GetMaintenanceWindowExecutionTaskInvocation',
  access: 'read',
  input: z.object({
    WindowExecutionId: S.MaintenanceWindowExecutionId,
    TaskId: S.MaintenanceWindowExecutionTaskId,
    InvocationId: S.MaintenanceWindowExecutionTaskInvocationId,
  }),
  async handle(input, ctx) {
    return taskInvocationWire(
      await ctx.services.history.getInvocation(input.WindowExecutionId, input.TaskId, input.InvocationId),
    );
  },
});
