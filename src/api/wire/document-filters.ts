/**
 * Reading ListDocuments' filters (spec §8.6, §1.9): `Filters` (`DocumentKeyValuesFilter`,
 * `Key`/`Values`) or the legacy `DocumentFilterList` (`key`/`value`), not both. Values inside
 * one filter are OR-ed, filters are AND-ed. An unknown key is InvalidFilterKey; a bad value is a
 * ValidationException naming the filter.
 *
 * Keys: `Owner` (one value: Self, Amazon, Private, Public, ThirdParty or All), `Name` (name
 * prefix), `PlatformTypes` (Linux, Windows, MacOS), `DocumentType`, `TargetType`, and
 * `tag:<key>` (values OR-ed; none means any value; one tag key per request). The legacy list
 * has `Name` (prefix), `Owner`, `PlatformTypes` and `DocumentType`.
 */
import { ValidationError } from '../../domain/errors.js';
import {
  DOCUMENT_OWNER_FILTERS,
  type DocumentListQuery,
  type DocumentOwnerFilter,
} from '../../services/document-listing.js';
import { DocumentType } from './shapes.js';

export interface WireDocumentKeyValuesFilter {
  readonly Key?: string;
  readonly Values?: readonly string[];
}

export interface WireDocumentFilter {
  readonly key: string;
  readonly value: string;
}

const KEYS = ['Owner', 'Name', 'PlatformTypes', 'DocumentType', 'TargetType', 'tag:<key>'] as const;
const LEGACY_KEYS = ['Name', 'Owner', 'PlatformTypes', 'DocumentType'] as const;
const PLATFORM_TYPES = ['Windows', 'Linux', 'MacOS'];
const DOCUMENT_TYPES: readonly string[] = DocumentType.options;

interface Groups {
  owner?: DocumentOwnerFilter;
  namePrefixes: string[][];
  documentTypes: string[][];
  platformTypes: string[][];
  targetTypes: string[][];
  tag?: { key: string; values: string[] };
}

function unknownKey(key: string, supported: readonly string[]): ValidationError {
  return new ValidationError(
    `Filter key ${key} is not supported by ListDocuments; supported keys: ${supported.join(', ')}.`,
    {
      reason: 'UnknownFilterKey',
    },
  );
}

function checkAll(values: readonly string[], allowed: readonly string[], key: string, field: string): void {
  const bad = values.find((value) => !allowed.includes(value));
  if (bad !== undefined) {
    throw ValidationError.field(field, `Filter ${key} takes values among ${allowed.join(', ')}; got ${bad}.`, bad);
  }
}

/** Adds one filter (key and values) to the groups. */
function addFilter(groups: Groups, key: string, values: readonly string[], field: string): void {
  if (key.startsWith('tag:')) {
    const tagKey = key.slice('tag:'.length);
    if (tagKey === '') {
      throw ValidationError.field(field.replace(/values$/, 'key'), 'A tag filter names its tag key: tag:<key>.', key);
    }
    if (groups.tag !== undefined) {
      throw ValidationError.field(
        field.replace(/values$/, 'key'),
        `ListDocuments takes one tag key per request; ${key} follows tag:${groups.tag.key}.`,
        key,
      );
    }
    groups.tag = { key: tagKey, values: [...values] };
    return;
  }
  if (values.length === 0) {
    throw ValidationError.field(field, `Filter ${key} needs at least one value.`);
  }
  switch (key) {
    case 'Owner':
      if (values.length !== 1 || groups.owner !== undefined) {
        throw ValidationError.field(field, 'Filter Owner takes exactly one value, once.', values);
      }
      checkAll(values, DOCUMENT_OWNER_FILTERS, key, field);
      groups.owner = values[0] as DocumentOwnerFilter;
      return;
    case 'Name':
      groups.namePrefixes.push([...values]);
      return;
    case 'PlatformTypes':
      checkAll(values, PLATFORM_TYPES, key, field);
      groups.platformTypes.push([...values]);
      return;
    case 'DocumentType':
      checkAll(values, DOCUMENT_TYPES, key, field);
      groups.documentTypes.push([...values]);
      return;
    case 'TargetType':
      groups.targetTypes.push([...values]);
      return;
    default:
      throw unknownKey(key, KEYS);
  }
}

/**
 * The ListDocuments query the request's filters select.
 * @throws ValidationError: UnknownFilterKey for an unknown key; no reason for both
 *   lists at once, a missing key, a filter without values, a value outside its set, Owner twice
 *   or with several values, and a second tag key.
 */
export function documentListQuery(
  filters: readonly WireDocumentKeyValuesFilter[] | undefined,
  legacy: readonly WireDocumentFilter[] | undefined,
): DocumentListQuery {
  if (filters !== undefined && legacy !== undefined) {
    throw ValidationError.field('documentFilterList', 'Give Filters or the older DocumentFilterList, not both.');
  }
  const groups: Groups = { namePrefixes: [], documentTypes: [], platformTypes: [], targetTypes: [] };
  (filters ?? []).forEach((filter, index) => {
    if (filter.Key === undefined) {
      throw ValidationError.field(`filters.${index + 1}.member.key`, 'Member must not be null');
    }
    addFilter(groups, filter.Key, filter.Values ?? [], `filters.${index + 1}.member.values`);
  });
  (legacy ?? []).forEach((filter, index) => {
    if (!(LEGACY_KEYS as readonly string[]).includes(filter.key)) {
      throw unknownKey(filter.key, LEGACY_KEYS);
    }
    addFilter(groups, filter.key, [filter.value], `documentFilterList.${index + 1}.member.value`);
  });
  return {
    ...(groups.owner === undefined ? {} : { owner: groups.owner }),
    ...(groups.namePrefixes.length === 0 ? {} : { namePrefixes: groups.namePrefixes }),
    ...(groups.documentTypes.length === 0 ? {} : { documentTypes: groups.documentTypes }),
    ...(groups.platformTypes.length === 0 ? {} : { platformTypes: groups.platformTypes }),
    ...(groups.targetTypes.length === 0 ? {} : { targetTypes: groups.targetTypes }),
    ...(groups.tag === undefined ? {} : { tag: groups.tag }),
  };
}
