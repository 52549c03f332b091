import { z } from 'zod';
import { defineOperation } from '../operation.js';
import { nextTokenOf, pageOfList, pagingOf } from '../paging.js';
import * as S from '../wire/shapes.js';

const MAX_PAGE = 100;

export const describeMaintenanceWindowsForTarget = defineOperation({
  name: 'DescribeMaintenanceWindowsForTarget',
  access: 'read',
  input: z.object({
    Targets: S.Targets,
    ResourceType: S.MaintenanceWindowResourceType,
    MaxResults: S.MaintenanceWindowSearchMaxResults.optional(),
    NextToken: S.NextToken.optional(),
  }),
  async handle(input, ctx) {
    const query = { targets: input.Targets, resourceType: input.ResourceType };
    const paging = pagingOf(ctx, this.name, query, input, 10);
    const windows = await ctx.services.schedules.windowsCovering(input.Targets, input.ResourceType);
    const page = pageOfList(windows, { ...paging, limit: Math.min(paging.limit, MAX_PAGE) });
    return S.compact({
      WindowIdentities: page.items.map((window) => ({ WindowId: window.windowId, Name: window.name })),
      NextToken: nextTokenOf(ctx, this.name, query, page),
    });
  },
});
