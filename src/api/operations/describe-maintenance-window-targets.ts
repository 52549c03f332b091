import { z } from 'zod';
import { defineOperation } from '../operation.js';
import { nextTokenOf, pagingOf } from '../paging.js';
import { filterValues } from '../wire/filters.js';
import { windowTargetWire } from '../wire/maintenance-window-wire.js';
import * as S from '../wire/shapes.js';

export const describeMaintenanceWindowTargets = defineOperation({
  name: 'DescribeMaintenanceWindowTargets',
  access: 'read',
  input: z.object({
    WindowId: S.MaintenanceWindowId,
    Filters: S.MaintenanceWindowFilters.optional(),
    MaxResults: S.MaintenanceWindowMaxResults.optional(),
    NextToken: S.NextToken.optional(),
  }),
  async handle(input, ctx) {
    const filters = filterValues(input.Filters, ['Type', 'WindowTargetId', 'OwnerInformation']);
    const query = {
      windowId: input.WindowId,
      resourceTypes: filters.get('Type'),
      windowTargetIds: filters.get('WindowTargetId'),
      ownerInformation: filters.get('OwnerInformation'),
    };
    const page = await ctx.services.targets.describe({ ...query, ...pagingOf(ctx, this.name, query, input, 10) });
    return S.compact({
      Targets: page.items.map(windowTargetWire),
      NextToken: nextTokenOf(ctx, this.name, query, page),
    });
  },
});
