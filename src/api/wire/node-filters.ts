/**
 * Reading DescribeInstanceInformation's two filter styles (spec §9.3) into the node service's
 * filters: `Filters` (`Key`/`Values`, with `tag:<key>` and `tag-key`) and the legacy
 * `InstanceInformationFilterList` (`key`/`valueSet`, no tag filters). Giving both is a
 * ValidationException; an unknown key is InvalidFilterKey; a value outside a closed set is
 * InvalidInstanceInformationFilterValue. Values inside one filter are OR-ed; filters are AND-ed,
 * so a key given twice keeps the values common to both.
 */
import { ValidationError } from '../../domain/errors.js';
import { checkNodeFilterValues, type NodeFilters } from '../../services/managed-node-service.js';

export interface WireStringFilter {
  readonly Key: string;
  readonly Values: readonly string[];
}

export interface WireLegacyFilter {
  readonly key: string;
  readonly valueSet: readonly string[];
}

/** The plain keys of both styles and the NodeFilters member each one sets. */
const PLAIN_KEYS = {
  InstanceIds: 'instanceIds',
  AgentVersion: 'agentVersions',
  PingStatus: 'pingStatuses',
  PlatformTypes: 'platformTypes',
  ActivationIds: 'activationIds',
  IamRole: 'iamRoles',
  ResourceType: 'resourceTypes',
  AssociationStatus: 'associationStatuses',
  SourceIds: 'sourceIds',
  SourceTypes: 'sourceTypes',
} as const satisfies Record<string, keyof NodeFilters>;

type PlainKey = keyof typeof PLAIN_KEYS;

/** The keys of the legacy list: no source or tag filters. */
const LEGACY_KEYS: readonly PlainKey[] = [
  'InstanceIds',
  'AgentVersion',
  'PingStatus',
  'PlatformTypes',
  'ActivationIds',
  'IamRole',
  'ResourceType',
  'AssociationStatus',
];

function unknownKey(key: string, supported: string): ValidationError {
  return new ValidationError(`Filter key ${key} is not supported; supported keys: ${supported}.`, {
    reason: 'UnknownFilterKey',
  });
}

function isPlainKey(key: string): key is PlainKey {
  return Object.hasOwn(PLAIN_KEYS, key);
}

/**
 * NodeFilters for one request.
 * @throws ValidationError: no reason when both styles are given, UnknownFilterKey (wire
 *   InvalidFilterKey), NodeFilterValue (InvalidInstanceInformationFilterValue).
 */
export function nodeFiltersOf(
  filters: readonly WireStringFilter[] | undefined,
  legacy: readonly WireLegacyFilter[] | undefined,
): NodeFilters {
  if ((filters?.length ?? 0) > 0 && (legacy?.length ?? 0) > 0) {
    throw ValidationError.field('filters', 'Give either Filters or InstanceInformationFilterList, not both.');
  }
  const plain = new Map<PlainKey, string[]>();
  const tagKeys: string[][] = [];
  const tags: { key: string; values: string[] }[] = [];
  const addPlain = (key: PlainKey, values: readonly string[]) => {
    checkNodeFilterValues(key, values);
    const kept = plain.get(key);
    plain.set(key, kept === undefined ? [...values] : kept.filter((value) => values.includes(value)));
  };
  for (const filter of legacy ?? []) {
    if (!isPlainKey(filter.key) || !LEGACY_KEYS.includes(filter.key)) {
      throw unknownKey(filter.key, LEGACY_KEYS.join(', '));
    }
    addPlain(filter.key, filter.valueSet);
  }
  for (const filter of filters ?? []) {
    if (isPlainKey(filter.Key)) {
      addPlain(filter.Key, filter.Values);
    } else if (filter.Key === 'tag-key') {
      tagKeys.push([...filter.Values]);
    } else if (filter.Key.startsWith('tag:') && filter.Key.length > 4) {
      tags.push({ key: filter.Key.slice(4), values: [...filter.Values] });
    } else {
      throw unknownKey(filter.Key, [...Object.keys(PLAIN_KEYS), 'tag-key', 'tag:<key>'].join(', '));
    }
  }
  const out: { -readonly [K in keyof NodeFilters]: NodeFilters[K] } = {};
  for (const [key, values] of plain) {
    out[PLAIN_KEYS[key]] = values;
  }
  if (tagKeys.length > 0) {
    out.tagKeys = tagKeys;
  }
  if (tags.length > 0) {
    out.tags = tags;
  }
  return out;
}
