import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../domain/errors.js';
import { andPrefixGroups, dateFilterValue, filterGroups, filterValues } from './filters.js';

describe('maintenance window filters', () => {
  it('keeps one value list per filter occurrence', () => {
    const groups = filterGroups(
      [
        { Key: 'Name', Values: ['a', 'b'] },
        { Key: 'Name', Values: ['c'] },
      ],
      ['Name'],
    );
    expect(groups.get('Name')).toEqual([['a', 'b'], ['c']]);
  });

  it('intersects repeated exact-match filters', () => {
    const values = filterValues(
      [
        { Key: 'Type', Values: ['INSTANCE', 'RESOURCE_GROUP'] },
        { Key: 'Type', Values: ['INSTANCE'] },
      ],
      ['Type'],
    );
    expect(values.get('Type')).toEqual(['INSTANCE']);
  });

  it('refuses an unsupported key, naming the filter', () => {
    expect(() => filterGroups([{ Key: 'Owner', Values: ['x'] }], ['Name'])).toThrow(ValidationError);
    try {
      filterGroups(
        [
          { Key: 'Name', Values: ['x'] },
          { Key: 'Owner', Values: ['x'] },
        ],
        ['Name'],
      );
    } catch (error) {
      expect((error as ValidationError).violations[0]?.field).toBe('filters.2.member.key');
    }
  });

  it('refuses a filter without values', () => {
    expect(() => filterGroups([{ Key: 'Name', Values: [] }], ['Name'])).toThrow(/at least one value/);
  });

  it.each([
    { groups: [['My']], expected: ['My'] },
    { groups: [['My'], ['My-First']], expected: ['My-First'] },
    { groups: [['My-First'], ['My']], expected: ['My-First'] },
    { groups: [['a'], ['b']], expected: [] },
    {
      groups: [
        ['a', 'b'],
        ['ab', 'bc', 'c'],
      ],
      expected: ['ab', 'bc'],
    },
    { groups: [['x', 'x']], expected: ['x'] },
  ])('ANDs prefix groups $groups into $expected', ({ groups, expected }) => {
    expect(andPrefixGroups(groups)).toEqual(expected);
  });

  it('reads one ISO-8601 date-time value', () => {
    expect(dateFilterValue(['2024-11-04T05:00:00Z'], 'ExecutedBefore')?.toISOString()).toBe('2024-11-04T05:00:00.000Z');
    expect(dateFilterValue(undefined, 'ExecutedBefore')).toBeUndefined();
    expect(() => dateFilterValue(['yesterday'], 'ExecutedBefore')).toThrow(/ExecutedBefore/);
    expect(() => dateFilterValue(['2024-01-01', '2024-01-02'], 'ExecutedBefore')).toThrow(/exactly one/);
  });
});
