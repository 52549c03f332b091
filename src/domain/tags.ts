/** Tags on SSM resources (spec §2.2, §10): validation rules shared by every taggable resource. */
import { LimitExceededError, ValidationError } from './errors.js';

export interface Tag {
  readonly Key: string;
  readonly Value: string;
}

export type TaggableResourceType = 'MaintenanceWindow' | 'ManagedInstance' | 'Document';

/** Maximum tags on one resource after a merge. */
export const MAX_TAGS_PER_RESOURCE = 50;

/**
 * Checks a list of tags supplied by a caller: at most 50, no reserved `aws:` keys, no key twice.
 * @throws LimitExceededError(TooManyTags); ValidationError naming `tags.N.member.key`.
 */
export function validateNewTags(tags: readonly Tag[], field = 'tags'): void {
  if (tags.length > MAX_TAGS_PER_RESOURCE) {
    throw new LimitExceededError(
      `A resource can have at most ${MAX_TAGS_PER_RESOURCE} tags; the request has ${tags.length}.`,
      'TooManyTags',
    );
  }
  const seen = new Set<string>();
  tags.forEach((tag, index) => {
    const path = `${field}.${index + 1}.member.key`;
    if (tag.Key.toLowerCase().startsWith('aws:')) {
      throw ValidationError.field(path, `Tag keys beginning with "aws:" are reserved (${tag.Key}).`, tag.Key);
    }
    if (seen.has(tag.Key)) {
      throw ValidationError.field(path, `Duplicate tag key ${tag.Key} in the request.`, tag.Key);
    }
    seen.add(tag.Key);
  });
}

/**
 * The tag set after adding (or overwriting) `added` on top of `existing`.
 * @throws LimitExceededError(TooManyTags) when more than 50 tags would result.
 */
export function mergeTags(existing: readonly Tag[], added: readonly Tag[]): Tag[] {
  const merged = new Map(existing.map((tag) => [tag.Key, tag.Value]));
  for (const tag of added) {
    merged.set(tag.Key, tag.Value);
  }
  if (merged.size > MAX_TAGS_PER_RESOURCE) {
    throw new LimitExceededError(
      `A resource can have at most ${MAX_TAGS_PER_RESOURCE} tags; this request would leave ${merged.size}.`,
      'TooManyTags',
    );
  }
  return sortTags([...merged].map(([Key, Value]) => ({ Key, Value })));
}

export function sortTags(tags: Tag[]): Tag[] {
  return tags.sort((a, b) => (a.Key < b.Key ? -1 : a.Key > b.Key ? 1 : 0));
}
