/**
 * Resource groups: named, saved node selectors (tags or node ids), addressed by targets as
 * `resource-groups:Name`. Mado's stand-in for AWS Resource Groups (spec §4.2).
 */
import { ValidationError } from './errors.js';
import { targetKind, type Target } from './targets.js';

export interface ResourceGroup {
  readonly name: string;
  readonly description?: string;
  /** AND-ed entries of `InstanceIds`, `tag:<key>` or `tag-key`. */
  readonly targets: readonly Target[];
  readonly createdAt: number;
}

export const RESOURCE_GROUP_NAME_PATTERN = /^[a-zA-Z0-9_.-]{1,128}$/;

/** @throws ValidationError naming `name` or `targets`. */
export function validateResourceGroup(name: string, targets: readonly Target[]): void {
  if (!RESOURCE_GROUP_NAME_PATTERN.test(name)) {
    throw ValidationError.field(
      'name',
      `Resource group name ${name} must be 1 to 128 letters, digits, _ . or -.`,
      name,
    );
  }
  if (targets.length === 0 || targets.length > 5) {
    throw ValidationError.field('targets', 'A resource group needs 1 to 5 target entries.');
  }
  targets.forEach((target, index) => {
    const kind = targetKind(target.Key);
    if (kind !== 'InstanceIds' && kind !== 'Tag' && kind !== 'TagKey') {
      throw ValidationError.field(
        `targets.${index + 1}.member.key`,
        `A resource group selects nodes by InstanceIds, tag:<key> or tag-key; got ${target.Key}.`,
        target.Key,
      );
    }
    if (target.Values.length === 0) {
      throw ValidationError.field(
        `targets.${index + 1}.member.values`,
        `Target ${target.Key} needs at least one value.`,
      );
    }
  });
}
