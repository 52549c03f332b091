import { z } from 'zod';
import { defineOperation } from '../operation.js';
import * as S from '../wire/shapes.js';

export const updateMaintenanceWindowTarget = defineOperation({
  name: 'UpdateMaintenanceWindowTarget',
  access: 'write',
  input: z.object({
    WindowId: S.MaintenanceWindowId,
    WindowTargetId: S.MaintenanceWindowTargetId,
    Targets: S.Targets.optional(),
    OwnerInformation: S.OwnerInformation.optional(),
    Name: S.MaintenanceWindowName.optional(),
    Description: S.MaintenanceWindowDescription.optional(),
    Replace: z.boolean().optional(),
  }),
  async handle(input, ctx) {
    const target = await ctx.services.targets.update(
      input.WindowId,
      input.WindowTargetId,
      {
        targets: input.Targets,
        ownerInformation: input.OwnerInformation,
        name: input.Name,
        description: input.Description,
      },
      input.Replace ?? false,
    );
    return S.compact({
      WindowId: target.windowId,
      WindowTargetId: target.windowTargetId,
      Targets: target.targets,
      OwnerInformation: target.ownerInformation,
      Name: target.name,
      Description: target.description,
    });
  },
});
