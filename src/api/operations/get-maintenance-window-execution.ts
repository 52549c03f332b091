import { z } from 'zod';
import { defineOperation } from '../operation.js';
import * as S from '../wire/shapes.js';

export const getMaintenanceWindowExecution = defineOperation({
  name: 'GetMaintenanceWindowExecution',
  access: 'read',
  input: z.object({ WindowExecutionId: S.MaintenanceWindowExecutionId }),
  async handle(input, ctx) {
    const { execution, taskExecutionIds } = await ctx.services.history.getExecution(input.WindowExecutionId);
    return S.compact({
      WindowExecutionId: execution.windowExecutionId,
      TaskIds: taskExecutionIds,
      Status: execution.status,
      StatusDetails: execution.statusDetails,
      StartTime: S.timestamp(execution.startedAt),
      EndTime: S.timestamp(execution.endedAt),
    });
  },
});
