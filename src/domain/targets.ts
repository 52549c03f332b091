/**
 * Targets: how windows, tasks and commands select nodes (spec §4).
 *
 * A `Target` is `{ Key, Values }`. Entries of one list are AND-ed; values of one `tag:<k>` entry
 * are OR-ed; keys of a `tag-key` entry are AND-ed; `InstanceIds` is a union and stands alone.
 * Resolution against real nodes happens at execution time, never at registration.
 */
import { ValidationError } from './errors.js';

export interface Target {
  readonly Key: string;
  readonly Values: readonly string[];
}

export type WindowTargetResourceType = 'INSTANCE' | 'RESOURCE_GROUP';

export const INSTANCE_ID_PATTERN = /^(i-(\w{8}|\w{17})|mi-\w{17})$/;
const MAX_INSTANCE_IDS = 50;
const MAX_TAG_KEYS = 5;
const MAX_WINDOW_TARGET_IDS_PER_TASK = 10;
const RESOURCE_TYPE_FILTERS = new Set(['AWS::SSM::ManagedInstance', 'AWS::EC2::Instance']);

/** The kind of one target entry, from its key. */
export type TargetKind =
  'InstanceIds' | 'Tag' | 'TagKey' | 'ResourceGroupName' | 'ResourceGroupTypeFilters' | 'WindowTargetIds' | 'Unknown';

export function targetKind(key: string): TargetKind {
  if (key.toLowerCase() === 'instanceids') {
    return 'InstanceIds';
  }
  if (key.startsWith('tag:') && key.length > 4) {
    return 'Tag';
  }
  switch (key) {
    case 'tag-key':
      return 'TagKey';
    case 'resource-groups:Name':
      return 'ResourceGroupName';
    case 'resource-groups:ResourceTypeFilters':
      return 'ResourceGroupTypeFilters';
    case 'WindowTargetIds':
      return 'WindowTargetIds';
    default:
      return 'Unknown';
  }
}

function entryPath(field: string, index: number, member: 'key' | 'values'): string {
  return `${field}.${index + 1}.member.${member}`;
}

function requireValues(target: Target, field: string, index: number): void {
  if (target.Values.length === 0) {
    throw ValidationError.field(entryPath(field, index, 'values'), `Target ${target.Key} needs at least one value.`);
  }
}

function checkInstanceIds(target: Target, field: string, index: number): void {
  if (target.Values.length > MAX_INSTANCE_IDS) {
    throw ValidationError.field(
      entryPath(field, index, 'values'),
      `Target InstanceIds accepts at most ${MAX_INSTANCE_IDS} node ids; got ${target.Values.length}.`,
    );
  }
  for (const id of target.Values) {
    if (!INSTANCE_ID_PATTERN.test(id)) {
      throw ValidationError.field(
        entryPath(field, index, 'values'),
        `Invalid node id ${id}: node ids look like mi- followed by 17 hex digits.`,
        id,
      );
    }
  }
}

/** The per-key limits on an entry's values (spec §4.1, §11), shared by every kind of selector. */
function checkEntryValues(target: Target, kind: TargetKind, field: string, index: number): void {
  if (kind === 'InstanceIds') {
    checkInstanceIds(target, field, index);
  }
  if (kind === 'TagKey' && target.Values.length > MAX_TAG_KEYS) {
    throw ValidationError.field(
      entryPath(field, index, 'values'),
      `Target tag-key accepts at most ${MAX_TAG_KEYS} tag keys.`,
    );
  }
  if (kind === 'ResourceGroupName' && target.Values.length !== 1) {
    throw ValidationError.field(
      entryPath(field, index, 'values'),
      'Target resource-groups:Name takes exactly one resource group name.',
    );
  }
  if (kind === 'ResourceGroupTypeFilters') {
    if (target.Values.length > 5) {
      throw ValidationError.field(
        entryPath(field, index, 'values'),
        'Target resource-groups:ResourceTypeFilters accepts at most 5 resource types.',
      );
    }
    const unsupported = target.Values.find((value) => !RESOURCE_TYPE_FILTERS.has(value));
    if (unsupported !== undefined) {
      throw ValidationError.field(
        entryPath(field, index, 'values'),
        `Unsupported resource type filter ${unsupported}; supported: ${[...RESOURCE_TYPE_FILTERS].join(', ')}.`,
        unsupported,
      );
    }
  }
}

/**
 * Validates the selector of a window target for its resource type (spec §4.1).
 * @throws ValidationError naming `targets.N.member.key|values`.
 */
export function validateWindowTargets(
  resourceType: WindowTargetResourceType,
  targets: readonly Target[],
  field = 'targets',
): void {
  if (targets.length === 0) {
    throw ValidationError.field(field, 'At least one target is required.');
  }
  const kinds = targets.map((target) => targetKind(target.Key));
  targets.forEach((target, index) => {
    requireValues(target, field, index);
    const kind = kinds[index]!;
    const allowed: readonly TargetKind[] =
      resourceType === 'INSTANCE'
        ? ['InstanceIds', 'Tag', 'TagKey']
        : ['ResourceGroupName', 'ResourceGroupTypeFilters'];
    if (!allowed.includes(kind)) {
      throw ValidationError.field(
        entryPath(field, index, 'key'),
        resourceType === 'INSTANCE'
          ? `Target key ${target.Key} is not valid for ResourceType INSTANCE; use InstanceIds, tag:<key> or tag-key.`
          : `Target key ${target.Key} is not valid for ResourceType RESOURCE_GROUP; use resource-groups:Name and optionally resource-groups:ResourceTypeFilters.`,
        target.Key,
      );
    }
    checkEntryValues(target, kind, field, index);
  });
  if (kinds.includes('InstanceIds') && targets.length > 1) {
    throw ValidationError.field(field, 'Target InstanceIds cannot be combined with other target keys.');
  }
  const tagPairs = targets
    .filter((_, index) => kinds[index] === 'Tag')
    .reduce((sum, target) => sum + target.Values.length, 0);
  if (tagPairs > MAX_TAG_KEYS) {
    throw ValidationError.field(
      field,
      `A window target accepts at most ${MAX_TAG_KEYS} tag key-value pairs; got ${tagPairs}.`,
    );
  }
  if (resourceType === 'RESOURCE_GROUP') {
    if (kinds.filter((kind) => kind === 'ResourceGroupName').length !== 1) {
      throw ValidationError.field(field, 'A RESOURCE_GROUP target needs exactly one resource-groups:Name entry.');
    }
    if (kinds.filter((kind) => kind === 'ResourceGroupTypeFilters').length > 1) {
      throw ValidationError.field(field, 'Give resource-groups:ResourceTypeFilters at most once.');
    }
  }
}

const COMMAND_TARGET_KINDS: readonly TargetKind[] = [
  'InstanceIds',
  'Tag',
  'TagKey',
  'ResourceGroupName',
  'ResourceGroupTypeFilters',
];

/**
 * Validates `SendCommand.Targets` (spec §4.1, §11): node ids (alone), tags, tag keys, or one
 * resource group with optional resource type filters; never window target ids.
 * @throws ValidationError naming `targets...`.
 */
export function validateCommandTargets(targets: readonly Target[], field = 'targets'): void {
  const kinds = targets.map((target) => targetKind(target.Key));
  targets.forEach((target, index) => {
    requireValues(target, field, index);
    const kind = kinds[index]!;
    if (!COMMAND_TARGET_KINDS.includes(kind)) {
      throw ValidationError.field(
        entryPath(field, index, 'key'),
        `Target key ${target.Key} is not valid for a command; use InstanceIds, tag:<key>, tag-key or resource-groups:Name.`,
        target.Key,
      );
    }
    checkEntryValues(target, kind, field, index);
  });
  if (kinds.includes('InstanceIds') && targets.length > 1) {
    throw ValidationError.field(field, 'Target InstanceIds cannot be combined with other target keys.');
  }
  if (kinds.filter((kind) => kind === 'ResourceGroupName').length > 1) {
    throw ValidationError.field(field, 'A command can target at most one resource group.');
  }
  if (kinds.filter((kind) => kind === 'ResourceGroupTypeFilters').length > 1) {
    throw ValidationError.field(field, 'Give resource-groups:ResourceTypeFilters at most once.');
  }
  if (kinds.includes('ResourceGroupTypeFilters') && !kinds.includes('ResourceGroupName')) {
    throw ValidationError.field(field, 'resource-groups:ResourceTypeFilters needs a resource-groups:Name entry.');
  }
}

/** What a task's targets refer to, once validated. */
export type TaskTargetSelection =
  | { readonly kind: 'WindowTargetIds'; readonly windowTargetIds: readonly string[] }
  | { readonly kind: 'InstanceIds'; readonly instanceIds: readonly string[] }
  | { readonly kind: 'None' };

/**
 * Validates a window task's targets (spec §4.1, §5.10 rule 4): `WindowTargetIds` (at most 10),
 * or `InstanceIds` only when the window allows unassociated targets; never both.
 * Existence of the window target ids is the caller's check.
 * @throws ValidationError naming `targets...`.
 */
export function validateTaskTargets(
  targets: readonly Target[],
  options: { allowUnassociatedTargets: boolean },
  field = 'targets',
): TaskTargetSelection {
  if (targets.length === 0) {
    return { kind: 'None' };
  }
  const windowTargetIds: string[] = [];
  const instanceIds: string[] = [];
  targets.forEach((target, index) => {
    requireValues(target, field, index);
    const kind = targetKind(target.Key);
    if (kind === 'WindowTargetIds') {
      windowTargetIds.push(...target.Values);
    } else if (kind === 'InstanceIds') {
      if (!options.allowUnassociatedTargets) {
        throw ValidationError.field(
          entryPath(field, index, 'key'),
          'Targets of Key InstanceIds need a window with AllowUnassociatedTargets set to true; register the nodes as a window target and use WindowTargetIds instead.',
          target.Key,
        );
      }
      checkInstanceIds(target, field, index);
      instanceIds.push(...target.Values);
    } else {
      throw ValidationError.field(
        entryPath(field, index, 'key'),
        `Target key ${target.Key} is not valid for a window task; use WindowTargetIds, or InstanceIds in a window that allows unassociated targets.`,
        target.Key,
      );
    }
  });
  if (windowTargetIds.length > 0 && instanceIds.length > 0) {
    throw ValidationError.field(field, 'WindowTargetIds and InstanceIds cannot be combined in one task.');
  }
  if (windowTargetIds.length > MAX_WINDOW_TARGET_IDS_PER_TASK) {
    throw ValidationError.field(
      field,
      `A task can reference at most ${MAX_WINDOW_TARGET_IDS_PER_TASK} window targets; got ${windowTargetIds.length}.`,
    );
  }
  const uuid = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
  const malformed = windowTargetIds.find((id) => !uuid.test(id));
  if (malformed !== undefined) {
    throw ValidationError.field(field, `Invalid window target id ${malformed}.`, malformed);
  }
  return windowTargetIds.length > 0
    ? { kind: 'WindowTargetIds', windowTargetIds }
    : { kind: 'InstanceIds', instanceIds };
}

/** A node as targeting sees it: its id and its tags. */
export interface TargetableNode {
  readonly instanceId: string;
  readonly tags: ReadonlyMap<string, string>;
}

/** Does `node` satisfy every entry of `targets`? (Resource groups are resolved by the caller.) */
export function nodeMatchesTargets(node: TargetableNode, targets: readonly Target[]): boolean {
  return targets.every((target) => {
    switch (targetKind(target.Key)) {
      case 'InstanceIds':
        return target.Values.includes(node.instanceId);
      case 'Tag': {
        const value = node.tags.get(target.Key.slice(4));
        return value !== undefined && target.Values.includes(value);
      }
      case 'TagKey':
        return target.Values.every((key) => node.tags.has(key));
      default:
        return false;
    }
  });
}

/**
 * Does a registered selector (`registered`, e.g. a window target) cover what a query
 * (`query`, e.g. DescribeMaintenanceWindowsForTarget input) asks for? A query for instance ids
 * matches a selector listing any of them; a query for `tag:k=v` matches a selector with the
 * same tag key and value; a query for a resource group matches the same group name.
 */
export function selectorCoversQuery(registered: readonly Target[], query: readonly Target[]): boolean {
  return query.some((wanted) => {
    const wantedKind = targetKind(wanted.Key);
    return registered.some((have) => {
      const haveKind = targetKind(have.Key);
      if (wantedKind !== haveKind) {
        return false;
      }
      if (wantedKind === 'Tag' && have.Key !== wanted.Key) {
        return false;
      }
      return wanted.Values.some((value) => have.Values.includes(value));
    });
  });
}
