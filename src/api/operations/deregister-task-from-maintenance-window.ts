import { z } from 'zod';
import { defineOperation } from '../operation.js';
import * as S from '../wire/shapes.js';

export const deregisterTaskFromMaintenanceWindow = defineOperation({
  name: 'DeregisterTaskFromMaintenanceWindow',
  access: 'write',
  input: z.object({ WindowId: S.MaintenanceWindowId, WindowTaskId: S.MaintenanceWindowTaskId }),
  async handle(input, ctx) {
    await ctx.services.tasks.deregister(input.WindowId, input.WindowTaskId);
    return { WindowId: input.WindowId, WindowTaskId: input.WindowTaskId };
  },
});
