import { z } from 'zod';
import { defineOperation } from '../operation.js';
import { getDocumentWire } from '../wire/document-wire.js';
import * as S from '../wire/shapes.js';

export const getDocument = defineOperation({
  name: 'GetDocument',
  access: 'read',
  input: z.object({
    Name: S.DocumentARN,
    VersionName: S.DocumentVersionName.optional(),
    DocumentVersion: S.DocumentVersion.optional(),
    DocumentFormat: S.DocumentFormat.optional(),
  }),
  async handle(input, ctx) {
    const { described, content, format } = await ctx.services.documents.getContent(
      input.Name,
      { documentVersion: input.DocumentVersion, versionName: input.VersionName },
      input.DocumentFormat,
    );
    return { ...getDocumentWire(described), Content: content, DocumentFormat: format };
  },
});
