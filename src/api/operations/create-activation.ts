import { z } from 'zod';
import { defineOperation } from '../operation.js';
import * as S from '../wire/shapes.js';

export const createActivation = defineOperation({
  name: 'CreateActivation',
  access: 'write',
  input: z.object({
    Description: S.ActivationDescription.optional(),
    DefaultInstanceName: S.DefaultInstanceName.optional(),
    IamRole: S.IamRole,
    RegistrationLimit: S.RegistrationLimit.optional(),
    ExpirationDate: S.Timestamp.optional(),
    Tags: S.list(S.Tag, { max: 1000 }).optional(),
    // Reserved by SSM; checked for shape and otherwise ignored (spec §9.4).
    RegistrationMetadata: S.list(S.RegistrationMetadataItem).optional(),
  }),
  async handle(input, ctx) {
    const { activationId, activationCode } = await ctx.services.activations.create({
      description: input.Description,
      defaultInstanceName: input.DefaultInstanceName,
      iamRole: input.IamRole,
      registrationLimit: input.RegistrationLimit,
      expiresAt: input.ExpirationDate === undefined ? undefined : Math.round(input.ExpirationDate * 1000),
      tags: input.Tags ?? [],
    });
    return { ActivationId: activationId, ActivationCode: activationCode };
  },
});
