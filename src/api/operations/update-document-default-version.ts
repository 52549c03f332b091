import { z } from 'zod';
import { defineOperation } from '../operation.js';
import * as S from '../wire/shapes.js';

export const updateDocumentDefaultVersion = defineOperation({
  name: 'UpdateDocumentDefaultVersion',
  access: 'write',
  input: z.object({
    Name: S.DocumentName,
    DocumentVersion: S.DocumentVersionNumber,
  }),
  async handle(input, ctx) {
    const description = await ctx.services.documents.updateDefaultVersion(input.Name, input.DocumentVersion);
    return {
      Description: S.compact({
        Name: description.name,
        DefaultVersion: String(description.defaultVersion),
        DefaultVersionName: description.defaultVersionName,
      }),
    };
  },
});
