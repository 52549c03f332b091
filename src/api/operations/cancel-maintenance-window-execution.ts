import { z } from 'zod';
import { defineOperation } from '../operation.js';
import * as S from '../wire/shapes.js';

export const cancelMaintenanceWindowExecution = defineOperation({
  name: 'CancelMaintenanceWindowExecution',
  access: 'write',
  input: z.object({ WindowExecutionId: S.MaintenanceWindowExecutionId }),
  async handle(input, ctx) {
    await ctx.services.history.cancel(input.WindowExecutionId);
    return { WindowExecutionId: input.WindowExecutionId };
  },
});
