import { z } from 'zod';
import { defineOperation } from '../operation.js';
import { nextTokenOf, pagingOf } from '../paging.js';
import { invocationFilterQuery } from '../wire/command-filters.js';
import { commandInvocationWire } from '../wire/command-wire.js';
import * as S from '../wire/shapes.js';

export const listCommandInvocations = defineOperation({
  name: 'ListCommandInvocations',
  access: 'read',
  invalidTokenError: 'InvalidNextToken',
  input: z.object({
    CommandId: S.CommandId.optional(),
    InstanceId: S.InstanceId.optional(),
    MaxResults: S.CommandMaxResults.optional(),
    NextToken: S.NextToken.optional(),
    Filters: S.CommandFilters.optional(),
    Details: z.boolean().optional(),
  }),
  async handle(input, ctx) {
    // Details changes what each item shows, not which items: it is not part of the query.
    const query = { commandId: input.CommandId, instanceId: input.InstanceId, ...invocationFilterQuery(input.Filters) };
    const page = await ctx.services.commands.listInvocations({
      ...query,
      ...pagingOf(ctx, this.name, query, input, 50, this.invalidTokenError),
    });
    return S.compact({
      CommandInvocations: page.items.map(({ invocation, command }) =>
        commandInvocationWire(invocation, command, input.Details ?? false, ctx.region),
      ),
      NextToken: nextTokenOf(ctx, this.name, query, page),
    });
  },
});
