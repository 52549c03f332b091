import { z } from 'zod';
import { defineOperation } from '../operation.js';
import { windowSettingsWire } from '../wire/maintenance-window-wire.js';
import * as S from '../wire/shapes.js';

export const updateMaintenanceWindow = defineOperation({
  name: 'UpdateMaintenanceWindow',
  access: 'write',
  input: z.object({
    WindowId: S.MaintenanceWindowId,
    Name: S.MaintenanceWindowName.optional(),
    Description: S.MaintenanceWindowDescription.optional(),
    StartDate: S.MaintenanceWindowStringDateTime.optional(),
    EndDate: S.MaintenanceWindowStringDateTime.optional(),
    Schedule: S.MaintenanceWindowSchedule.optional(),
    ScheduleTimezone: S.MaintenanceWindowTimezone.optional(),
    ScheduleOffset: S.MaintenanceWindowOffset.optional(),
    Duration: S.MaintenanceWindowDurationHours.optional(),
    Cutoff: S.MaintenanceWindowCutoff.optional(),
    AllowUnassociatedTargets: z.boolean().optional(),
    Enabled: z.boolean().optional(),
    Replace: z.boolean().optional(),
  }),
  async handle(input, ctx) {
    const window = await ctx.services.windows.update(
      input.WindowId,
      {
        name: input.Name,
        description: input.Description,
        schedule: input.Schedule,
        scheduleTimezone: input.ScheduleTimezone,
        scheduleOffset: input.ScheduleOffset,
        startDate: input.StartDate,
        endDate: input.EndDate,
        duration: input.Duration,
        cutoff: input.Cutoff,
        allowUnassociatedTargets: input.AllowUnassociatedTargets,
        enabled: input.Enabled,
      },
      input.Replace ?? false,
    );
    return S.compact(windowSettingsWire(window));
  },
});
