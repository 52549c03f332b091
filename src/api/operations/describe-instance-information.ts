import { z } from 'zod';
import { defineOperation } from '../operation.js';
import { nextTokenOf, pagingOf } from '../paging.js';
import { nodeFiltersOf } from '../wire/node-filters.js';
import { instanceInformationWire } from '../wire/node-wire.js';
import * as S from '../wire/shapes.js';

export const describeInstanceInformation = defineOperation({
  name: 'DescribeInstanceInformation',
  access: 'read',
  invalidTokenError: 'InvalidNextToken',
  input: z.object({
    InstanceInformationFilterList: S.list(S.InstanceInformationFilter).optional(),
    Filters: S.list(S.InstanceInformationStringFilter).optional(),
    MaxResults: S.int({ min: 5, max: 50 }).optional(),
    NextToken: S.NextToken.optional(),
  }),
  async handle(input, ctx) {
    const filters = nodeFiltersOf(input.Filters, input.InstanceInformationFilterList);
    const page = await ctx.services.nodes.describe(
      filters,
      pagingOf(ctx, this.name, filters, input, 10, this.invalidTokenError),
    );
    return S.compact({
      InstanceInformationList: page.items.map(instanceInformationWire),
      NextToken: nextTokenOf(ctx, this.name, filters, page),
    });
  },
});
