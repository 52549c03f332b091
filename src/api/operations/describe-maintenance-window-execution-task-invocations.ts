import { z } from 'zod';
import { defineOperation } from '../operation.js';
import { nextTokenOf, pagingOf } from '../paging.js';
import { filterValues, statusFilterValues } from '../wire/filters.js';
import { taskInvocationWire } from '../wire/maintenance-window-wire.js';
import * as S from '../wire/shapes.js';

export const describeMaintenanceWindowExecutionTaskInvocations = defineOperation({
  name: 'DescribeMaintenanceWindowExecutionTaskInvocations',
  access: 'read',
  input: z.object({
    WindowExecutionId: S.MaintenanceWindowExecutionId,
    TaskId: S.MaintenanceWindowExecutionTaskId,
    Filters: S.MaintenanceWindowFilters.optional(),
    MaxResults: S.MaintenanceWindowMaxResults.optional(),
    NextToken: S.NextToken.optional(),
  }),
  async handle(input, ctx) {
    const filters = filterValues(input.Filters, ['STATUS']);
    const query = {
      windowExecutionId: input.WindowExecutionId,
      taskExecutionId: input.TaskId,
      statuses: statusFilterValues(filters.get('STATUS')),
    };
    const page = await ctx.services.history.describeInvocations({
      ...query,
      ...pagingOf(ctx, this.name, query, input, 10),
    });
    return S.compact({
      WindowExecutionTaskInvocationIdentities: page.items.map(taskInvocationWire),
      NextToken: nextTokenOf(ctx, this.name, query, page),
    });
  },
});
