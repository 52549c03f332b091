import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../domain/errors.js';
import { commandFilterQuery, invocationDetailsFor, invocationFilterQuery } from './command-filters.js';

function errorOf(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected a ValidationError, but nothing was thrown');
}

describe('commandFilterQuery', () => {
  it('reads every supported key', () => {
    expect(
      commandFilterQuery([
        { key: 'InvokedAfter', value: '2024-01-01T00:00:00Z' },
        { key: 'InvokedBefore', value: '2024-02-01T00:00:00Z' },
        { key: 'Status', value: 'NoInstancesInTag' },
        { key: 'ExecutionStage', value: 'Complete' },
        { key: 'DocumentName', value: 'AWS-RunShellScript' },
      ]),
    ).toEqual({
      requestedAtOrAfter: Date.parse('2024-01-01T00:00:00Z'),
      requestedAtOrBefore: Date.parse('2024-02-01T00:00:00Z'),
      statuses: ['NoInstancesInTag'],
      stage: 'Complete',
      documentName: 'AWS-RunShellScript',
    });
  });

  it('sets nothing without filters', () => {
    expect(commandFilterQuery(undefined)).toEqual({
      requestedAtOrAfter: undefined,
      requestedAtOrBefore: undefined,
      statuses: undefined,
      stage: undefined,
      documentName: undefined,
    });
  });

  it('refuses an unknown key as UnknownFilterKey (InvalidFilterKey)', () => {
    expect(errorOf(() => commandFilterQuery([{ key: 'Owner', value: 'me' }])).reason).toBe('UnknownFilterKey');
  });

  it.each([
    ['an unknown status', { key: 'Status', value: 'Done' }],
    ['an unknown execution stage', { key: 'ExecutionStage', value: 'Running' }],
    ['a date that is not ISO-8601', { key: 'InvokedAfter', value: 'yesterday' }],
  ])('answers ValidationException for %s', (_name, filter) => {
    expect(errorOf(() => commandFilterQuery([filter])).reason).toBeUndefined();
  });

  it('refuses a key given twice', () => {
    const error = errorOf(() =>
      commandFilterQuery([
        { key: 'Status', value: 'Success' },
        { key: 'Status', value: 'Failed' },
      ]),
    );
    expect(error.violations[0]?.field).toBe('filters.2.member.key');
  });
});

describe('invocationFilterQuery', () => {
  it('refuses ExecutionStage, which only ListCommands has, as UnknownFilterKey', () => {
    expect(errorOf(() => invocationFilterQuery([{ key: 'ExecutionStage', value: 'Complete' }])).reason).toBe(
      'UnknownFilterKey',
    );
  });

  it('accepts the invocation-only status values', () => {
    expect(invocationFilterQuery([{ key: 'Status', value: 'Undeliverable' }]).statusDetails).toEqual(['Undeliverable']);
  });

  it('refuses a command-only status value', () => {
    expect(errorOf(() => invocationFilterQuery([{ key: 'Status', value: 'NoInstancesInTag' }])).reason).toBeUndefined();
  });
});

describe('invocationDetailsFor', () => {
  it.each([
    ['TimedOut', ['ExecutionTimedOut', 'DeliveryTimedOut']],
    ['Failed', ['Failed', 'Undeliverable', 'InvalidPlatform', 'AccessDenied']],
    ['Cancelled', ['Terminated', 'Cancelled']],
    ['Pending', ['Pending']],
    ['DeliveryTimedOut', ['DeliveryTimedOut']],
    ['AccessDenied', ['AccessDenied']],
  ] as const)('selects %s as %j', (value, details) => {
    expect([...invocationDetailsFor(value)].sort()).toEqual([...details].sort());
  });
});
