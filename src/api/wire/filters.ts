/**
 * Reading `Filters` of the maintenance window list operations: each operation names the keys it
 * supports; an unknown key or a bad value is a ValidationException naming the filter.
 */
import { ValidationError } from '../../domain/errors.js';

export interface WireFilter {
  readonly Key: string;
  readonly Values?: readonly string[];
}

/**
 * The value lists per supported key, one list per filter occurrence (values inside one filter
 * are OR-ed; occurrences of the same key are AND-ed).
 */
export function filterGroups(
  filters: readonly WireFilter[] | undefined,
  supported: readonly string[],
): Map<string, string[][]> {
  const byKey = new Map<string, string[][]>();
  (filters ?? []).forEach((filter, index) => {
    if (!supported.includes(filter.Key)) {
      throw ValidationError.field(
        `filters.${index + 1}.member.key`,
        `Filter key ${filter.Key} is not supported here; supported keys: ${supported.join(', ')}.`,
        filter.Key,
      );
    }
    const values = [...(filter.Values ?? [])];
    if (values.length === 0) {
      throw ValidationError.field(
        `filters.${index + 1}.member.values`,
        `Filter ${filter.Key} needs at least one value.`,
      );
    }
    byKey.set(filter.Key, [...(byKey.get(filter.Key) ?? []), values]);
  });
  return byKey;
}

/** Values per supported key for exact-match filters: repeated keys intersect. */
export function filterValues(
  filters: readonly WireFilter[] | undefined,
  supported: readonly string[],
): Map<string, string[]> {
  const byKey = new Map<string, string[]>();
  for (const [key, groups] of filterGroups(filters, supported)) {
    byKey.set(
      key,
      groups.reduce((kept, values) => kept.filter((value) => values.includes(value))),
    );
  }
  return byKey;
}

/**
 * Prefix filters AND-ed across occurrences, as one OR-list: a name starts with some prefix of
 * every group exactly when it starts with the longer of two compatible prefixes.
 */
export function andPrefixGroups(groups: readonly (readonly string[])[]): string[] {
  return groups
    .reduce<string[]>(
      (kept, group) => kept.flatMap((a) => group.flatMap((b) => (a.startsWith(b) ? [a] : b.startsWith(a) ? [b] : []))),
      [''],
    )
    .filter((prefix, index, all) => all.indexOf(prefix) === index);
}

/** An ISO-8601 date-time filter value (ExecutedBefore, ScheduledAfter, …). */
export function dateFilterValue(values: readonly string[] | undefined, key: string): Date | undefined {
  if (values === undefined) {
    return undefined;
  }
  if (values.length !== 1) {
    throw ValidationError.field('filters', `Filter ${key} takes exactly one date-time value.`);
  }
  const value = values[0]!;
  const parsed = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) ? new Date(value) : new Date(NaN);
  if (Number.isNaN(parsed.getTime())) {
    throw ValidationError.field(
      'filters',
      `Filter ${key} value ${value} is not an ISO-8601 date-time such as 2024-11-04T05:00:00Z.`,
      value,
    );
  }
  return parsed;
}

const TASK_STATUSES = ['PENDING', 'IN_PROGRESS', 'SUCCESS', 'FAILED', 'TIMED_OUT', 'CANCELLING', 'CANCELLED'] as const;

/** Values of a `STATUS` filter on task executions or invocations. */
export function statusFilterValues(
  values: readonly string[] | undefined,
): (typeof TASK_STATUSES)[number][] | undefined {
  return values?.map((value) => {
    const status = TASK_STATUSES.find((candidate) => candidate === value);
    if (status === undefined) {
      throw ValidationError.field('filters', `Filter STATUS takes ${TASK_STATUSES.join(', ')}; got ${value}.`, value);
    }
    return status;
  });
}
