/** Mado's own operation (target `Mado.DeleteResourceGroup`). */
import { z } from 'zod';
import { defineOperation } from '../operation.js';
import * as S from '../wire/shapes.js';

export const deleteResourceGroup = defineOperation({
  name: 'DeleteResourceGroup',
  access: 'write',
  input: z.object({ Name: S.str({ min: 1, max: 128 }) }),
  async handle(input, ctx) {
    await ctx.services.resourceGroups.delete(input.Name);
    return {};
  },
});
