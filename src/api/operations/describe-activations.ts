import { z } from 'zod';
import { ValidationError } from '../../domain/errors.js';
import { defineOperation } from '../operation.js';
import { nextTokenOf, pagingOf } from '../paging.js';
import { activationWire } from '../wire/node-wire.js';
import * as S from '../wire/shapes.js';

const FILTER_KEYS = ['ActivationIds', 'DefaultInstanceName', 'IamRole'] as const;

/** Values per key (a key given twice keeps the values common to both); bad filters are InvalidFilter. */
function activationFilters(filters: readonly { FilterKey?: string; FilterValues?: string[] }[] | undefined) {
  const byKey = new Map<(typeof FILTER_KEYS)[number], string[]>();
  for (const filter of filters ?? []) {
    const key = FILTER_KEYS.find((candidate) => candidate === filter.FilterKey);
    if (key === undefined) {
      throw new ValidationError(
        `Filter key ${filter.FilterKey ?? '(none)'} is not supported; supported keys: ${FILTER_KEYS.join(', ')}.`,
        { reason: 'BadFilter' },
      );
    }
    const values = filter.FilterValues ?? [];
    if (values.length === 0) {
      throw new ValidationError(`Filter ${key} needs at least one value.`, { reason: 'BadFilter' });
    }
    const kept = byKey.get(key);
    byKey.set(key, kept === undefined ? [...values] : kept.filter((value) => values.includes(value)));
  }
  return {
    activationIds: byKey.get('ActivationIds'),
    defaultInstanceNames: byKey.get('DefaultInstanceName'),
    iamRoles: byKey.get('IamRole'),
  };
}

export const describeActivations = defineOperation({
  name: 'DescribeActivations',
  access: 'read',
  invalidTokenError: 'InvalidNextToken',
  input: z.object({
    Filters: S.list(S.DescribeActivationsFilter).optional(),
    MaxResults: S.int({ min: 1, max: 50 }).optional(),
    NextToken: S.NextToken.optional(),
  }),
  async handle(input, ctx) {
    const query = activationFilters(input.Filters);
    const page = await ctx.services.activations.describe({
      ...query,
      ...pagingOf(ctx, this.name, query, input, 50, this.invalidTokenError),
    });
    return S.compact({
      ActivationList: page.items.map(activationWire),
      NextToken: nextTokenOf(ctx, this.name, query, page),
    });
  },
});
