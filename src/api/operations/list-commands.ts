import { z } from 'zod';
import { defineOperation } from '../operation.js';
import { nextTokenOf, pagingOf } from '../paging.js';
import { commandFilterQuery } from '../wire/command-filters.js';
import { commandWire } from '../wire/command-wire.js';
import * as S from '../wire/shapes.js';

export const listCommands = defineOperation({
  name: 'ListCommands',
  access: 'read',
  invalidTokenError: 'InvalidNextToken',
  input: z.object({
    CommandId: S.CommandId.optional(),
    InstanceId: S.InstanceId.optional(),
    MaxResults: S.CommandMaxResults.optional(),
    NextToken: S.NextToken.optional(),
    Filters: S.CommandFilters.optional(),
  }),
  async handle(input, ctx) {
    const query = { commandId: input.CommandId, instanceId: input.InstanceId, ...commandFilterQuery(input.Filters) };
    const page = await ctx.services.commands.list({
      ...query,
      ...pagingOf(ctx, this.name, query, input, 50, this.invalidTokenError),
    });
    return S.compact({
      Commands: page.items.map((command) => commandWire(command, ctx.region)),
      NextToken: nextTokenOf(ctx, this.name, query, page),
    });
  },
});
