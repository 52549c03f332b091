import { z } from 'zod';
import { defineOperation } from '../operation.js';
import { nextTokenOf, pagingOf } from '../paging.js';
import { dateFilterValue, filterValues } from '../wire/filters.js';
import { windowExecutionWire } from '../wire/maintenance-window-wire.js';
import * as S from '../wire/shapes.js';

export const describeMaintenanceWindowExecutions = defineOperation({
  name: 'DescribeMaintenanceWindowExecutions',
  access: 'read',
  input: z.object({
    WindowId: S.MaintenanceWindowId,
    Filters: S.MaintenanceWindowFilters.optional(),
    MaxResults: S.MaintenanceWindowMaxResults.optional(),
    NextToken: S.NextToken.optional(),
  }),
  async handle(input, ctx) {
    const filters = filterValues(input.Filters, ['ExecutedBefore', 'ExecutedAfter']);
    const query = {
      windowId: input.WindowId,
      startedAtOrBefore: dateFilterValue(filters.get('ExecutedBefore'), 'ExecutedBefore')?.getTime(),
      startedAtOrAfter: dateFilterValue(filters.get('ExecutedAfter'), 'ExecutedAfter')?.getTime(),
    };
    const page = await ctx.services.history.describeExecutions({
      ...query,
      ...pagingOf(ctx, this.name, query, input, 10),
    });
    return S.compact({
      WindowExecutions: page.items.map(windowExecutionWire),
      NextToken: nextTokenOf(ctx, this.name, query, page),
    });
  },
});
