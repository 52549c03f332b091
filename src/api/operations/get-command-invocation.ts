import { z } from 'zod';
import { defineOperation } from '../operation.js';
import { getCommandInvocationWire } from '../wire/command-wire.js';
import * as S from '../wire/shapes.js';

export const getCommandInvocation = defineOperation({
  name: 'GetCommandInvocation',
  access: 'read',
  input: z.object({
    CommandId: S.CommandId,
    InstanceId: S.InstanceId,
    PluginName: S.CommandPluginName.optional(),
  }),
  async handle(input, ctx) {
    const detail = await ctx.services.commands.getInvocation(input.CommandId, input.InstanceId, input.PluginName);
    return getCommandInvocationWire(detail);
  },
});
