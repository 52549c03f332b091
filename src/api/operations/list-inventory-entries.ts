/**
 * ListInventoryEntries for the one inventory type Mado collects, `AWS:Application`: the packages
 * the agent installed on the node (`aws:configurePackage`), as it last reported them.
 */
import { z } from 'zod';
import { APPLICATION_INVENTORY_SCHEMA_VERSION } from '../../domain/package.js';
import type { InventoryFilterType } from '../../services/inventory-service.js';
import { defineOperation } from '../operation.js';
import { nextTokenOf, pageOfList, pagingOf } from '../paging.js';
import * as S from '../wire/shapes.js';

const InventoryFilter = z.object({
  Key: S.str({ min: 1, max: 200 }),
  Values: S.list(z.string(), { min: 1, max: 40 }),
  Type: S.enumOf(['Equal', 'NotEqual', 'BeginWith', 'LessThan', 'GreaterThan', 'Exists']).optional(),
});

/** SSM's CaptureTime: UTC to the second, `2024-01-15T12:00:00Z`. */
function captureTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export const listInventoryEntries = defineOperation({
  name: 'ListInventoryEntries',
  access: 'read',
  invalidTokenError: 'InvalidNextToken',
  input: z.object({
    InstanceId: S.InstanceId,
    TypeName: S.str({ min: 1, max: 100, pattern: '^(AWS|Custom):.*$' }),
    Filters: S.list(InventoryFilter, { min: 1, max: 5 }).optional(),
    MaxResults: S.int({ min: 1, max: 50 }).optional(),
    NextToken: S.NextToken.optional(),
  }),
  async handle(input, ctx) {
    const filters = (input.Filters ?? []).map((filter) => ({
      key: filter.Key,
      values: filter.Values,
      type: (filter.Type ?? 'Equal') as InventoryFilterType,
    }));
    const listing = await ctx.services.inventory.listApplications(input.InstanceId, input.TypeName, filters);
    const query = { instanceId: input.InstanceId, typeName: input.TypeName, filters };
    const page = pageOfList(listing.entries, pagingOf(ctx, this.name, query, input, 50, this.invalidTokenError));
    return S.compact({
      TypeName: input.TypeName,
      InstanceId: input.InstanceId,
      SchemaVersion: listing.inventory === undefined ? undefined : APPLICATION_INVENTORY_SCHEMA_VERSION,
      CaptureTime: listing.inventory === undefined ? undefined : captureTime(listing.inventory.capturedAt),
      Entries: page.items,
      NextToken: nextTokenOf(ctx, this.name, query, page),
    });
  },
});
