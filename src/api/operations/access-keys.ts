/**
 * Mado's own operations for API access keys (target prefix `Mado.`, same JSON 1.1 protocol and
 * signing as SSM's). Admin only. The secret is returned once, by CreateAccessKey.
 */
import { z } from 'zod';
import { ACCESS_ROLES, type AccessKey, type AccessKeyInfo } from '../../domain/access-key.js';
import { defineOperation } from '../operation.js';
import * as S from '../wire/shapes.js';

function keyWire(key: AccessKeyInfo) {
  return S.compact({
    AccessKeyId: key.accessKeyId,
    Role: key.role,
    Description: key.description,
    CreatedDate: S.timestamp(key.createdAt),
  });
}

export const createAccessKey = defineOperation({
  name: 'CreateAccessKey',
  access: 'admin',
  input: z.object({
    Role: S.enumOf(ACCESS_ROLES as unknown as readonly [string, ...string[]]).optional(),
    Description: S.str({ min: 1, max: 256 }).optional(),
  }),
  async handle(input, ctx) {
    const key = await ctx.services.accessKeys.create(
      (input.Role ?? 'operator') as AccessKey['role'],
      input.Description,
    );
    return { AccessKey: { ...keyWire(key), SecretAccessKey: key.secretAccessKey } };
  },
});

export const listAccessKeys = defineOperation({
  name: 'ListAccessKeys',
  access: 'admin',
  input: z.object({}),
  async handle(_input, ctx) {
    return { AccessKeys: (await ctx.services.accessKeys.list()).map(keyWire) };
  },
});

export const deleteAccessKey = defineOperation({
  name: 'DeleteAccessKey',
  access: 'admin',
  input: z.object({ AccessKeyId: S.str({ min: 1, max: 128 }) }),
  async handle(input, ctx) {
    await ctx.services.accessKeys.delete(input.AccessKeyId);
    return {};
  },
});
