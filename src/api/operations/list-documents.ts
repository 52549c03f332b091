import { z } from 'zod';
import { defineOperation } from '../operation.js';
import { nextTokenOf, pagingOf } from '../paging.js';
import { documentListQuery } from '../wire/document-filters.js';
import { documentIdentifierWire } from '../wire/document-wire.js';
import * as S from '../wire/shapes.js';

export const listDocuments = defineOperation({
  name: 'ListDocuments',
  access: 'read',
  invalidTokenError: 'InvalidNextToken',
  input: z.object({
    DocumentFilterList: S.list(S.DocumentFilter, { min: 1 }).optional(),
    Filters: S.list(S.DocumentKeyValuesFilter, { max: 6 }).optional(),
    MaxResults: S.DocumentMaxResults.optional(),
    NextToken: S.NextToken.optional(),
  }),
  async handle(input, ctx) {
    const query = documentListQuery(input.Filters, input.DocumentFilterList);
    const page = await ctx.services.documents.list(
      query,
      pagingOf(ctx, this.name, query, input, 50, this.invalidTokenError),
    );
    return S.compact({
      DocumentIdentifiers: page.items.map(documentIdentifierWire),
      NextToken: nextTokenOf(ctx, this.name, query, page),
    });
  },
});
