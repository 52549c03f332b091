import { z } from 'zod';
import { defineOperation } from '../operation.js';
import { nextTokenOf, pagingOf } from '../paging.js';
import { filterValues, statusFilterValues } from '../wire/filters.js';
import { taskExecutionIdentityWire } from '../wire/maintenance-window-wire.js';
import * as S from '../wire/shapes.js';

export const describeMaintenanceWindowExecutionTasks = defineOperation({
  name: 'DescribeMaintenanceWindowExecutionTasks',
  access: 'read',
  input: z.object({
    WindowExecutionId: S.MaintenanceWindowExecutionId,
    Filters: S.MaintenanceWindowFilters.optional(),
    MaxResults: S.MaintenanceWindowMaxResults.optional(),
    NextToken: S.NextToken.optional(),
  }),
  async handle(input, ctx) {
    const filters = filterValues(input.Filters, ['STATUS']);
    const query = {
      windowExecutionId: input.WindowExecutionId,
      statuses: statusFilterValues(filters.get('STATUS')),
    };
    const page = await ctx.services.history.describeTaskExecutions({
      ...query,
      ...pagingOf(ctx, this.name, query, input, 10),
    });
    return S.compact({
      WindowExecutionTaskIdentities: page.items.map(taskExecutionIdentityWire),
      NextToken: nextTokenOf(ctx, this.name, query, page),
    });
  },
});
