/**
 * Reading the `Filters` of ListCommands and ListCommandInvocations (`CommandFilter`, lower-case
 * `key`/`value`, spec §7.8-§7.9). An unknown key is InvalidFilterKey; a bad value, or a key
 * given twice, is a ValidationException naming the filter.
 */
import { STATUS_OF, type InvocationDetails } from '../../domain/command.js';
import { ValidationError } from '../../domain/errors.js';
import { dateFilterValue } from './filters.js';

export interface WireCommandFilter {
  readonly key: string;
  readonly value: string;
}

/** Status filter values of ListCommands: matched against Status or StatusDetails. */
export const COMMAND_STATUS_FILTER_VALUES = [
  'Pending',
  'InProgress',
  'Success',
  'Cancelled',
  'Failed',
  'TimedOut',
  'AccessDenied',
  'DeliveryTimedOut',
  'ExecutionTimedOut',
  'Incomplete',
  'NoInstancesInTag',
  'LimitExceeded',
] as const;

/** Status filter values of ListCommandInvocations. */
export const INVOCATION_STATUS_FILTER_VALUES = [
  'Pending',
  'InProgress',
  'Delayed',
  'Success',
  'Cancelled',
  'Failed',
  'TimedOut',
  'AccessDenied',
  'DeliveryTimedOut',
  'ExecutionTimedOut',
  'Undeliverable',
  'InvalidPlatform',
  'Terminated',
] as const;

const COMMAND_KEYS = ['InvokedAfter', 'InvokedBefore', 'Status', 'ExecutionStage', 'DocumentName'] as const;
const INVOCATION_KEYS = ['InvokedAfter', 'InvokedBefore', 'Status', 'DocumentName'] as const;

/** The single value per key, after checking keys (InvalidFilterKey) and repeats. */
function valuesByKey(
  filters: readonly WireCommandFilter[] | undefined,
  supported: readonly string[],
): Map<string, { value: string; field: string }> {
  const byKey = new Map<string, { value: string; field: string }>();
  (filters ?? []).forEach((filter, index) => {
    const field = `filters.${index + 1}.member.value`;
    if (!supported.includes(filter.key)) {
      throw new ValidationError(
        `Filter key ${filter.key} is not supported here; supported keys: ${supported.join(', ')}.`,
        { reason: 'UnknownFilterKey' },
      );
    }
    if (byKey.has(filter.key)) {
      throw ValidationError.field(
        `filters.${index + 1}.member.key`,
        `Filter key ${filter.key} is given more than once.`,
        filter.key,
      );
    }
    byKey.set(filter.key, { value: filter.value, field });
  });
  return byKey;
}

function oneOf<const T extends readonly string[]>(
  entry: { value: string; field: string } | undefined,
  key: string,
  allowed: T,
): T[number] | undefined {
  if (entry === undefined) {
    return undefined;
  }
  if (!allowed.includes(entry.value)) {
    throw ValidationError.field(
      entry.field,
      `Filter ${key} takes one of ${allowed.join(', ')}; got ${entry.value}.`,
      entry.value,
    );
  }
  return entry.value;
}

function instant(entry: { value: string } | undefined, key: string): number | undefined {
  return entry === undefined ? undefined : dateFilterValue([entry.value], key)?.getTime();
}

/** Query members for ListCommands (`CommandQuery` without paging and ids). */
export function commandFilterQuery(filters: readonly WireCommandFilter[] | undefined) {
  const byKey = valuesByKey(filters, COMMAND_KEYS);
  const status = oneOf(byKey.get('Status'), 'Status', COMMAND_STATUS_FILTER_VALUES);
  return {
    requestedAtOrAfter: instant(byKey.get('InvokedAfter'), 'InvokedAfter'),
    requestedAtOrBefore: instant(byKey.get('InvokedBefore'), 'InvokedBefore'),
    statuses: status === undefined ? undefined : [status],
    stage: oneOf(byKey.get('ExecutionStage'), 'ExecutionStage', ['Executing', 'Complete'] as const),
    documentName: byKey.get('DocumentName')?.value,
  };
}

/**
 * The StatusDetails an invocation Status filter value selects: a status selects every detail
 * reported under it (`TimedOut` → `ExecutionTimedOut`, `DeliveryTimedOut`), a detail itself.
 */
export function invocationDetailsFor(value: (typeof INVOCATION_STATUS_FILTER_VALUES)[number]): InvocationDetails[] {
  const underStatus = (Object.keys(STATUS_OF) as InvocationDetails[]).filter((details) => STATUS_OF[details] === value);
  return underStatus.length > 0 ? underStatus : [value as InvocationDetails];
}

/** Query members for ListCommandInvocations (`InvocationQuery` without paging and ids). */
export function invocationFilterQuery(filters: readonly WireCommandFilter[] | undefined) {
  const byKey = valuesByKey(filters, INVOCATION_KEYS);
  const status = oneOf(byKey.get('Status'), 'Status', INVOCATION_STATUS_FILTER_VALUES);
  return {
    requestedAtOrAfter: instant(byKey.get('InvokedAfter'), 'InvokedAfter'),
    requestedAtOrBefore: instant(byKey.get('InvokedBefore'), 'InvokedBefore'),
    statusDetails: status === undefined ? undefined : invocationDetailsFor(status),
    documentName: byKey.get('DocumentName')?.value,
  };
}
