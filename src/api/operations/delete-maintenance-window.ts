import { z } from 'zod';
import { defineOperation } from '../operation.js';
import * as S from '../wire/shapes.js';

export const deleteMaintenanceWindow = defineOperation({
  name: 'DeleteMaintenanceWindow',
  access: 'write',
  input: z.object({ WindowId: S.MaintenanceWindowId }),
  async handle(input, ctx) {
    await ctx.services.windows.delete(input.WindowId);
    return { WindowId: input.WindowId };
  },
});
