import { z } from 'zod';
import { defineOperation } from '../operation.js';
import * as S from '../wire/shapes.js';

export const deleteActivation = defineOperation({
  name: 'DeleteActivation',
  access: 'write',
  input: z.object({ ActivationId: S.ActivationId }),
  async handle(input, ctx) {
    await ctx.services.activations.delete(input.ActivationId);
    return {};
  },
});
