import { z } from 'zod';
import { defineOperation } from '../operation.js';
import { nextExecutionTime, windowSettingsWire } from '../wire/maintenance-window-wire.js';
import * as S from '../wire/shapes.js';

export const getMaintenanceWindow = defineOperation({
  name: 'GetMaintenanceWindow',
  access: 'read',
  input: z.object({ WindowId: S.MaintenanceWindowId }),
  async handle(input, ctx) {
    const view = await ctx.services.windows.get(input.WindowId);
    return S.compact({
      ...windowSettingsWire(view.window),
      NextExecutionTime: nextExecutionTime(view),
      CreatedDate: S.timestamp(view.window.createdAt),
      ModifiedDate: S.timestamp(view.window.modifiedAt),
    });
  },
});
