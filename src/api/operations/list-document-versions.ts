import { z } from 'zod';
import { defineOperation } from '../operation.js';
import { nextTokenOf, pagingOf } from '../paging.js';
import { documentVersionInfoWire } from '../wire/document-wire.js';
import * as S from '../wire/shapes.js';

export const listDocumentVersions = defineOperation({
  name: 'ListDocumentVersions',
  access: 'read',
  invalidTokenError: 'InvalidNextToken',
  input: z.object({
    Name: S.DocumentARN,
    MaxResults: S.DocumentMaxResults.optional(),
    NextToken: S.NextToken.optional(),
  }),
  async handle(input, ctx) {
    const query = { name: input.Name };
    const { document, versions } = await ctx.services.documents.listVersions(
      input.Name,
      pagingOf(ctx, this.name, query, input, 50, this.invalidTokenError),
    );
    return S.compact({
      DocumentVersions: versions.items.map((version) => documentVersionInfoWire(document, version)),
      NextToken: nextTokenOf(ctx, this.name, query, versions),
    });
  },
});
