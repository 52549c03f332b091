import { z } from 'zod';
import { defineOperation } from '../operation.js';
import * as S from '../wire/shapes.js';

export const deleteDocument = defineOperation({
  name: 'DeleteDocument',
  access: 'write',
  input: z.object({
    Name: S.DocumentName,
    DocumentVersion: S.DocumentVersion.optional(),
    VersionName: S.DocumentVersionName.optional(),
    // Accepted and ignored for Command documents (spec §8.6).
    Force: z.boolean().optional(),
  }),
  async handle(input, ctx) {
    await ctx.services.documents.delete(input.Name, {
      documentVersion: input.DocumentVersion,
      versionName: input.VersionName,
    });
    return {};
  },
});
