import { z } from 'zod';
import { defineOperation } from '../operation.js';
import * as S from '../wire/shapes.js';

export const createMaintenanceWindow = defineOperation({
  name: 'CreateMaintenanceWindow',
  access: 'write',
  input: z.object({
    Name: S.MaintenanceWindowName,
    Description: S.MaintenanceWindowDescription.optional(),
    StartDate: S.MaintenanceWindowStringDateTime.optional(),
    EndDate: S.MaintenanceWindowStringDateTime.optional(),
    Schedule: S.MaintenanceWindowSchedule,
    ScheduleTimezone: S.MaintenanceWindowTimezone.optional(),
    ScheduleOffset: S.MaintenanceWindowOffset.optional(),
    Duration: S.MaintenanceWindowDurationHours,
    Cutoff: S.MaintenanceWindowCutoff,
    AllowUnassociatedTargets: z.boolean(),
    ClientToken: S.ClientToken.optional(),
    Tags: S.list(S.Tag, { max: 1000 }).optional(),
  }),
  async handle(input, ctx) {
    const windowId = await ctx.services.windows.create(
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
      },
      input.Tags ?? [],
      input.ClientToken,
    );
    return { WindowId: windowId };
  },
});
