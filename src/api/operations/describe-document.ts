import { z } from 'zod';
import { defineOperation } from '../operation.js';
import { documentDescriptionWire } from '../wire/document-wire.js';
import * as S from '../wire/shapes.js';

export const describeDocument = defineOperation({
  name: 'DescribeDocument',
  access: 'read',
  input: z.object({
    Name: S.DocumentARN,
    DocumentVersion: S.DocumentVersion.optional(),
    VersionName: S.DocumentVersionName.optional(),
  }),
  async handle(input, ctx) {
    const described = await ctx.services.documents.describe(input.Name, {
      documentVersion: input.DocumentVersion,
      versionName: input.VersionName,
    });
    return { Document: documentDescriptionWire(described) };
  },
});
