import { z } from 'zod';
import { defineOperation } from '../operation.js';
import * as S from '../wire/shapes.js';

export const deregisterTargetFromMaintenanceWindow = defineOperation({
  name: 'DeregisterTargetFromMaintenanceWindow',
  access: 'write',
  input: z.object({
    WindowId: S.MaintenanceWindowId,
    WindowTargetId: S.MaintenanceWindowTargetId,
    Safe: z.boolean().optional(),
  }),
  async handle(input, ctx) {
    await ctx.services.targets.deregister(input.WindowId, input.WindowTargetId, input.Safe ?? false);
    return { WindowId: input.WindowId, WindowTargetId: input.WindowTargetId };
  },
});
