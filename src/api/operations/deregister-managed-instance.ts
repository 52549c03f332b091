import { z } from 'zod';
import { defineOperation } from '../operation.js';
import * as S from '../wire/shapes.js';

export const deregisterManagedInstance = defineOperation({
  name: 'DeregisterManagedInstance',
  access: 'write',
  input: z.object({ InstanceId: S.ManagedInstanceId }),
  async handle(input, ctx) {
    await ctx.services.nodes.deregister(input.InstanceId);
    return {};
  },
});
