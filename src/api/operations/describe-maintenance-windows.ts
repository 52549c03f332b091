import { z } from 'zod';
import { ValidationError } from '../../domain/errors.js';
import { defineOperation } from '../operation.js';
import { nextTokenOf, pagingOf } from '../paging.js';
import { andPrefixGroups, filterGroups } from '../wire/filters.js';
import { windowIdentityWire } from '../wire/maintenance-window-wire.js';
import * as S from '../wire/shapes.js';

function enabledFilter(values: readonly string[] | undefined): boolean | undefined {
  if (values === undefined) {
    return undefined;
  }
  const flags = new Set(
    values.map((value) => {
      const lower = value.toLowerCase();
      if (lower !== 'true' && lower !== 'false') {
        throw ValidationError.field('filters', `Filter Enabled takes true or false; got ${value}.`, value);
      }
      return lower === 'true';
    }),
  );
  // Both values given: every window qualifies.
  return flags.size === 1 ? [...flags][0] : undefined;
}

export const describeMaintenanceWindows = defineOperation({
  name: 'DescribeMaintenanceWindows',
  access: 'read',
  input: z.object({
    Filters: S.MaintenanceWindowFilters.optional(),
    MaxResults: S.MaintenanceWindowMaxResults.optional(),
    NextToken: S.NextToken.optional(),
  }),
  async handle(input, ctx) {
    const filters = filterGroups(input.Filters, ['Name', 'Enabled']);
    const names = filters.get('Name');
    const query = {
      namePrefixes: names === undefined ? undefined : andPrefixGroups(names),
      enabled: enabledFilter(filters.get('Enabled')?.flat()),
    };
    const page = await ctx.services.windows.describe({
      ...query,
      ...pagingOf(ctx, this.name, query, input, 10),
    });
    return S.compact({
      WindowIdentities: page.items.map(windowIdentityWire),
      NextToken: nextTokenOf(ctx, this.name, query, page),
    });
  },
});
