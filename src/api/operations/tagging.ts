/** AddTagsToResource, RemoveTagsFromResource, ListTagsForResource (spec §10). */
import { z } from 'zod';
import type { TaggableResourceType } from '../../domain/tags.js';
import { WireError } from '../errors.js';
import { defineOperation, type RequestContext } from '../operation.js';
import * as S from '../wire/shapes.js';

function taggable(ctx: RequestContext, type: string): TaggableResourceType {
  if (!ctx.services.tags.isSupported(type)) {
    throw new WireError('InvalidResourceType', `Resource type ${type} cannot be tagged on this server.`);
  }
  return type;
}

const resource = { ResourceType: S.ResourceTypeForTagging, ResourceId: z.string() };

export const addTagsToResource = defineOperation({
  name: 'AddTagsToResource',
  access: 'write',
  input: z.object({ ...resource, Tags: S.list(S.Tag, { max: 1000 }) }),
  async handle(input, ctx) {
    await ctx.services.tags.add(taggable(ctx, input.ResourceType), input.ResourceId, input.Tags);
    return {};
  },
});

export const removeTagsFromResource = defineOperation({
  name: 'RemoveTagsFromResource',
  access: 'write',
  input: z.object({ ...resource, TagKeys: z.array(S.TagKey) }),
  async handle(input, ctx) {
    await ctx.services.tags.remove(taggable(ctx, input.ResourceType), input.ResourceId, input.TagKeys);
    return {};
  },
});

export const listTagsForResource = defineOperation({
  name: 'ListTagsForResource',
  access: 'read',
  input: z.object(resource),
  async handle(input, ctx) {
    return { TagList: await ctx.services.tags.list(taggable(ctx, input.ResourceType), input.ResourceId) };
  },
});
