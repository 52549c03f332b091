import { z } from 'zod';
import { defineOperation } from '../operation.js';
import * as S from '../wire/shapes.js';

export const registerTargetWithMaintenanceWindow = defineOperation({
  name: 'RegisterTargetWithMaintenanceWindow',
  access: 'write',
  input: z.object({
    WindowId: S.MaintenanceWindowId,
    ResourceType: S.MaintenanceWindowResourceType,
    Targets: S.Targets,
    OwnerInformation: S.OwnerInformation.optional(),
    Name: S.MaintenanceWindowName.optional(),
    Description: S.MaintenanceWindowDescription.optional(),
    ClientToken: S.ClientToken.optional(),
  }),
  async handle(input, ctx) {
    const windowTargetId = await ctx.services.targets.register(
      input.WindowId,
      input.ResourceType,
      {
        targets: input.Targets,
        ownerInformation: input.OwnerInformation,
        name: input.Name,
        description: input.Description,
      },
      input.ClientToken,
    );
    return { WindowTargetId: windowTargetId };
  },
});
