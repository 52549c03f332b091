import { z } from 'zod';
import { defineOperation } from '../operation.js';
import { documentDescriptionWire } from '../wire/document-wire.js';
import * as S from '../wire/shapes.js';

export const createDocument = defineOperation({
  name: 'CreateDocument',
  access: 'write',
  input: z.object({
    Content: S.str({ min: 1 }),
    Requires: S.list(S.DocumentRequires, { min: 1 }).optional(),
    Attachments: S.list(S.AttachmentsSource, { max: 20 }).optional(),
    Name: S.DocumentName,
    DisplayName: S.DocumentDisplayName.optional(),
    VersionName: S.DocumentVersionName.optional(),
    DocumentType: S.DocumentType.optional(),
    DocumentFormat: S.DocumentFormat.optional(),
    TargetType: S.TargetType.optional(),
    Tags: S.list(S.Tag, { max: 1000 }).optional(),
  }),
  async handle(input, ctx) {
    const described = await ctx.services.documents.create({
      name: input.Name,
      content: input.Content,
      documentType: input.DocumentType,
      documentFormat: input.DocumentFormat,
      versionName: input.VersionName,
      displayName: input.DisplayName,
      targetType: input.TargetType,
      requires: input.Requires,
      attachments: input.Attachments,
      tags: input.Tags,
    });
    return { DocumentDescription: documentDescriptionWire(described) };
  },
});
