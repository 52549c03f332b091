import { z } from 'zod';
import { ValidationError } from '../../domain/errors.js';
import { formatScheduleTime } from '../../domain/schedule/schedule.js';
import { defineOperation } from '../operation.js';
import { nextTokenOf, pageOfList, pagingOf } from '../paging.js';
import { dateFilterValue, filterValues } from '../wire/filters.js';
import * as S from '../wire/shapes.js';

/** No maximum in the model; we cap pages at 100 (spec §1.8). */
const MAX_PAGE = 100;

export const describeMaintenanceWindowSchedule = defineOperation({
  name: 'DescribeMaintenanceWindowSchedule',
  access: 'read',
  input: z.object({
    WindowId: S.MaintenanceWindowId.optional(),
    Targets: S.Targets.optional(),
    ResourceType: S.MaintenanceWindowResourceType.optional(),
    Filters: S.list(S.PatchOrchestratorFilter, { max: 5 }).optional(),
    MaxResults: S.MaintenanceWindowSearchMaxResults.optional(),
    NextToken: S.NextToken.optional(),
  }),
  async handle(input, ctx) {
    if (input.WindowId === undefined && (input.Targets === undefined || input.Targets.length === 0)) {
      throw ValidationError.field('windowId', 'Give either WindowId, or Targets with ResourceType.');
    }
    if (input.WindowId === undefined && input.ResourceType === undefined) {
      throw ValidationError.field('resourceType', 'ResourceType is required with Targets.');
    }
    const filters = filterValues(input.Filters, ['ScheduledBefore', 'ScheduledAfter']);
    const query = {
      windowId: input.WindowId,
      targets: input.WindowId === undefined ? input.Targets : undefined,
      resourceType: input.WindowId === undefined ? input.ResourceType : undefined,
      scheduledBefore: dateFilterValue(filters.get('ScheduledBefore'), 'ScheduledBefore'),
      scheduledAfter: dateFilterValue(filters.get('ScheduledAfter'), 'ScheduledAfter'),
    };
    const paging = pagingOf(ctx, this.name, query, input, 10);
    const runs = await ctx.services.schedules.schedule(query);
    const page = pageOfList(runs, { ...paging, limit: Math.min(paging.limit, MAX_PAGE) });
    return S.compact({
      ScheduledWindowExecutions: page.items.map((run) => ({
        WindowId: run.windowId,
        Name: run.name,
        ExecutionTime: formatScheduleTime(run.executionAt, run.timezone),
      })),
      NextToken: nextTokenOf(ctx, this.name, query, page),
    });
  },
});
