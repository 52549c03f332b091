/**
 * Mado's own operation (target `Mado.CreateResourceGroup`): saves a named node selector that
 * targets address as `resource-groups:Name` (spec §4.2). A group of the same name is replaced.
 */
import { z } from 'zod';
import { defineOperation } from '../operation.js';
import { resourceGroupWire } from '../wire/resource-group-wire.js';
import * as S from '../wire/shapes.js';

export const createResourceGroup = defineOperation({
  name: 'CreateResourceGroup',
  access: 'write',
  input: z.object({
    Name: S.str({ min: 1, max: 128 }),
    Description: S.str({ min: 0, max: 1024 }).optional(),
    Targets: S.Targets,
  }),
  async handle(input, ctx) {
    const group = await ctx.services.resourceGroups.put(input.Name, input.Targets, input.Description);
    return { ResourceGroup: resourceGroupWire(group) };
  },
});
