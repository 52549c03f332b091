import { z } from 'zod';
import { defineOperation } from '../operation.js';
import * as S from '../wire/shapes.js';
import { windowTaskMembers, windowTaskPatchOf } from '../wire/window-task-input.js';

export const registerTaskWithMaintenanceWindow = defineOperation({
  name: 'RegisterTaskWithMaintenanceWindow',
  access: 'write',
  input: z.object({
    WindowId: S.MaintenanceWindowId,
    TaskArn: S.MaintenanceWindowTaskArn,
    TaskType: S.MaintenanceWindowTaskType,
    ClientToken: S.ClientToken.optional(),
    ...windowTaskMembers,
  }),
  async handle(input, ctx) {
    const patch = windowTaskPatchOf(input);
    const windowTaskId = await ctx.services.tasks.register(
      input.WindowId,
      input.TaskType,
      { ...patch, taskArn: input.TaskArn, targets: input.Targets ?? [] },
      input.ClientToken,
    );
    return { WindowTaskId: windowTaskId };
  },
});
