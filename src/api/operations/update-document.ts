import { z } from 'zod';
import { defineOperation } from '../operation.js';
import { documentDescriptionWire } from '../wire/document-wire.js';
import * as S from '../wire/shapes.js';

export const updateDocument = defineOperation({
  name: 'UpdateDocument',
  access: 'write',
  input: z.object({
    Content: S.str({ min: 1 }),
    Attachments: S.list(S.AttachmentsSource, { max: 20 }).optional(),
    Name: S.DocumentName,
    DisplayName: S.DocumentDisplayName.optional(),
    VersionName: S.DocumentVersionName.optional(),
    DocumentVersion: S.DocumentVersion.optional(),
    DocumentFormat: S.DocumentFormat.optional(),
    TargetType: S.TargetType.optional(),
  }),
  async handle(input, ctx) {
    const described = await ctx.services.documents.update({
      name: input.Name,
      content: input.Content,
      documentVersion: input.DocumentVersion,
      documentFormat: input.DocumentFormat,
      versionName: input.VersionName,
      displayName: input.DisplayName,
      targetType: input.TargetType,
      attachments: input.Attachments,
    });
    return { DocumentDescription: documentDescriptionWire(described) };
  },
});
