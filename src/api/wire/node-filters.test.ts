import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../domain/errors.js';
import { nodeFiltersOf } from './node-filters.js';

const NODE = 'mi-0123456789abcdef0';

function errorOf(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected a ValidationError, but nothing was thrown');
}

describe('nodeFiltersOf', () => {
  it('reads Filters with plain, tag and tag-key keys', () => {
    expect(
      nodeFiltersOf(
        [
          { Key: 'InstanceIds', Values: [NODE] },
          { Key: 'PingStatus', Values: ['Online'] },
          { Key: 'SourceTypes', Values: ['AWS::SSM::ManagedInstance'] },
          { Key: 'tag:Env', Values: ['Prod', 'Dev'] },
          { Key: 'tag-key', Values: ['Owner'] },
        ],
        undefined,
      ),
    ).toEqual({
      instanceIds: [NODE],
      pingStatuses: ['Online'],
      sourceTypes: ['AWS::SSM::ManagedInstance'],
      tags: [{ key: 'Env', values: ['Prod', 'Dev'] }],
      tagKeys: [['Owner']],
    });
  });

  it('reads the legacy list', () => {
    expect(nodeFiltersOf(undefined, [{ key: 'PlatformTypes', valueSet: ['Linux', 'MacOS'] }])).toEqual({
      platformTypes: ['Linux', 'MacOS'],
    });
  });

  it('keeps the values common to a key given twice', () => {
    expect(
      nodeFiltersOf(
        [
          { Key: 'PlatformTypes', Values: ['Linux', 'Windows'] },
          { Key: 'PlatformTypes', Values: ['Linux', 'MacOS'] },
        ],
        undefined,
      ),
    ).toEqual({ platformTypes: ['Linux'] });
  });

  it('keeps each tag-key filter as its own group', () => {
    expect(
      nodeFiltersOf(
        [
          { Key: 'tag-key', Values: ['a', 'b'] },
          { Key: 'tag-key', Values: ['c'] },
        ],
        undefined,
      ).tagKeys,
    ).toEqual([['a', 'b'], ['c']]);
  });

  it('refuses both styles together with a ValidationException', () => {
    const error = errorOf(() =>
      nodeFiltersOf([{ Key: 'PingStatus', Values: ['Online'] }], [{ key: 'PingStatus', valueSet: ['Online'] }]),
    );
    expect(error.reason).toBeUndefined();
  });

  it.each([
    ['an unknown key in Filters', [{ Key: 'Colour', Values: ['x'] }], undefined],
    ['an empty tag key in Filters', [{ Key: 'tag:', Values: ['x'] }], undefined],
    ['an unknown key in the legacy list', undefined, [{ key: 'Colour', valueSet: ['x'] }]],
    ['a tag key in the legacy list', undefined, [{ key: 'tag:Env', valueSet: ['x'] }]],
    ['a source key in the legacy list', undefined, [{ key: 'SourceIds', valueSet: [NODE] }]],
  ])('refuses %s as UnknownFilterKey (InvalidFilterKey)', (_name, filters, legacy) => {
    expect(errorOf(() => nodeFiltersOf(filters, legacy)).reason).toBe('UnknownFilterKey');
  });

  it.each([
    ['PingStatus', 'Sleeping'],
    ['PlatformTypes', 'Solaris'],
    ['ResourceType', 'Server'],
    ['AssociationStatus', 'Done'],
    ['SourceTypes', 'AWS::Lambda::Function'],
  ])('refuses %s=%s as NodeFilterValue (InvalidInstanceInformationFilterValue)', (key, value) => {
    expect(errorOf(() => nodeFiltersOf([{ Key: key, Values: [value] }], undefined)).reason).toBe('NodeFilterValue');
    expect(errorOf(() => nodeFiltersOf(undefined, [{ key, valueSet: [value] }])).reason).toBe(
      key === 'SourceTypes' ? 'UnknownFilterKey' : 'NodeFilterValue',
    );
  });
});
