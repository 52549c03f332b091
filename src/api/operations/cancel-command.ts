import { z } from 'zod';
import { defineOperation } from '../operation.js';
import * as S from '../wire/shapes.js';

export const cancelCommand = defineOperation({
  name: 'CancelCommand',
  access: 'write',
  input: z.object({
    CommandId: S.CommandId,
    InstanceIds: S.list(S.InstanceId, { max: 50 }).optional(),
  }),
  async handle(input, ctx) {
    // An empty list means every node, as when the member is absent.
    const instanceIds =
      input.InstanceIds === undefined || input.InstanceIds.length === 0 ? undefined : input.InstanceIds;
    await ctx.services.commands.cancel(input.CommandId, instanceIds);
    return {};
  },
});
