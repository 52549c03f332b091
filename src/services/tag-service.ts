/** Tags on resources (spec §10): add (overwrite by key), remove, list. */
import { NotFoundError, ValidationError } from '../domain/errors.js';
import { mergeTags, validateNewTags, type Tag, type TaggableResourceType } from '../domain/tags.js';
import type { Store } from '../store/store.js';
import type { ServiceContext } from './service-context.js';

/** Says whether a resource of one type exists. Each resource type that can be tagged has one. */
export type ResourceExists = (store: Store, resourceId: string) => Promise<boolean>;

export class TagService {
  private readonly resources = new Map<TaggableResourceType, ResourceExists>();

  constructor(private readonly ctx: ServiceContext) {
    this.resources.set('MaintenanceWindow', async (store, id) => (await store.getWindow(id)) !== undefined);
  }

  /** Makes a resource type taggable. */
  registerResourceType(type: TaggableResourceType, exists: ResourceExists): void {
    this.resources.set(type, exists);
  }

  isSupported(type: string): type is TaggableResourceType {
    return this.resources.has(type as TaggableResourceType);
  }

  /** @throws ValidationError, NotFoundError(TaggableResource), LimitExceededError(TooManyTags). */
  async add(type: TaggableResourceType, resourceId: string, tags: readonly Tag[]): Promise<void> {
    validateNewTags(tags);
    await this.ctx.store.transaction(async (store) => {
      await this.requireResource(store, type, resourceId);
      const merged = mergeTags(await store.getTags(type, resourceId), tags);
      await store.replaceTags(type, resourceId, merged);
    });
  }

  /** Removes the listed keys; keys the resource does not have are ignored. */
  async remove(type: TaggableResourceType, resourceId: string, keys: readonly string[]): Promise<void> {
    keys.forEach((key, index) => {
      if (key.toLowerCase().startsWith('aws:')) {
        throw ValidationError.field(
          `tagKeys.${index + 1}.member`,
          `Tag keys beginning with "aws:" are reserved (${key}).`,
          key,
        );
      }
    });
    await this.ctx.store.transaction(async (store) => {
      await this.requireResource(store, type, resourceId);
      const drop = new Set(keys);
      const kept = (await store.getTags(type, resourceId)).filter((tag) => !drop.has(tag.Key));
      await store.replaceTags(type, resourceId, kept);
    });
  }

  async list(type: TaggableResourceType, resourceId: string): Promise<Tag[]> {
    await this.requireResource(this.ctx.store, type, resourceId);
    return this.ctx.store.getTags(type, resourceId);
  }

  private async requireResource(store: Store, type: TaggableResourceType, resourceId: string): Promise<void> {
    const exists = this.resources.get(type);
    if (exists === undefined || !(await exists(store, resourceId))) {
      throw new NotFoundError(
        'TaggableResource',
        resourceId,
        `The resource ID "${resourceId}" is not valid for resource type ${type}. Verify the ID and try again.`,
      );
    }
  }
}
