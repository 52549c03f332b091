/**
 * The tag queries (`tags`): one table for every taggable resource type. Dialect-neutral.
 * `replaceTags` deletes and inserts: the caller runs it in a transaction.
 */
import type { Tag, TaggableResourceType } from '../../domain/tags.js';
import type { Db } from './query-kit.js';

export async function getTags(db: Db, resourceType: TaggableResourceType, resourceId: string): Promise<Tag[]> {
  const rows = await db
    .selectFrom('tags')
    .select(['tag_key', 'tag_value'])
    .where('resource_type', '=', resourceType)
    .where('resource_id', '=', resourceId)
    .orderBy('tag_key')
    .execute();
  return rows.map((row) => ({ Key: row.tag_key, Value: row.tag_value }));
}

export async function replaceTags(
  db: Db,
  resourceType: TaggableResourceType,
  resourceId: string,
  tags: readonly Tag[],
): Promise<void> {
  await db.deleteFrom('tags').where('resource_type', '=', resourceType).where('resource_id', '=', resourceId).execute();
  if (tags.length > 0) {
    await db
      .insertInto('tags')
      .values(
        tags.map((tag) => ({
          resource_type: resourceType,
          resource_id: resourceId,
          tag_key: tag.Key,
          tag_value: tag.Value,
        })),
      )
      .execute();
  }
}
