import { z } from 'zod';
import { ValidationError } from '../../domain/errors.js';
import { defineOperation } from '../operation.js';
import { nextTokenOf, pagingOf } from '../paging.js';
import { filterValues } from '../wire/filters.js';
import { windowTaskWire } from '../wire/maintenance-window-wire.js';
import * as S from '../wire/shapes.js';

function priorities(values: readonly string[] | undefined): number[] | undefined {
  return values?.map((value) => {
    if (!/^\d+$/.test(value)) {
      throw ValidationError.field('filters', `Filter Priority takes whole numbers; got ${value}.`, value);
    }
    return Number(value);
  });
}

export const describeMaintenanceWindowTasks = defineOperation({
  name: 'DescribeMaintenanceWindowTasks',
  access: 'read',
  input: z.object({
    WindowId: S.MaintenanceWindowId,
    Filters: S.MaintenanceWindowFilters.optional(),
    MaxResults: S.MaintenanceWindowMaxResults.optional(),
    NextToken: S.NextToken.optional(),
  }),
  async handle(input, ctx) {
    const filters = filterValues(input.Filters, ['WindowTaskId', 'TaskArn', 'Priority', 'TaskType']);
    const query = {
      windowId: input.WindowId,
      windowTaskIds: filters.get('WindowTaskId'),
      taskArns: filters.get('TaskArn'),
      priorities: priorities(filters.get('Priority')),
      taskTypes: filters.get('TaskType'),
    };
    const page = await ctx.services.tasks.describe({ ...query, ...pagingOf(ctx, this.name, query, input, 10) });
    return S.compact({
      Tasks: page.items.map((task) => S.compact({ ...windowTaskWire(task, ctx.accountId), Type: task.taskType })),
      NextToken: nextTokenOf(ctx, this.name, query, page),
    });
  },
});
