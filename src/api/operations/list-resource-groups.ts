/** Mado's own operation (target `Mado.ListResourceGroups`): every resource group, not paginated. */
import { z } from 'zod';
import { defineOperation } from '../operation.js';
import { resourceGroupWire } from '../wire/resource-group-wire.js';

export const listResourceGroups = defineOperation({
  name: 'ListResourceGroups',
  access: 'read',
  input: z.object({}),
  async handle(_input, ctx) {
    return { ResourceGroups: (await ctx.services.resourceGroups.list()).map(resourceGroupWire) };
  },
});
