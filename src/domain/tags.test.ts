import { describe, expect, it } from 'vitest';
import { LimitExceededError, ValidationError } from './errors.js';
import { MAX_TAGS_PER_RESOURCE, mergeTags, sortTags, validateNewTags, type Tag } from './tags.js';

function tags(count: number, prefix = 'key'): Tag[] {
  return Array.from({ length: count }, (_, index) => ({
    Key: `${prefix}-${String(index).padStart(2, '0')}`,
    Value: 'v',
  }));
}

function validationErrorOf(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected a ValidationError, but nothing was thrown');
}

describe('validateNewTags', () => {
  it.each([
    ['no tags', []],
    [
      'distinct keys',
      [
        { Key: 'Env', Value: 'Prod' },
        { Key: 'Owner', Value: '' },
      ],
    ],
    [
      'keys that differ only in case',
      [
        { Key: 'env', Value: 'a' },
        { Key: 'Env', Value: 'b' },
      ],
    ],
    ['a key that merely contains aws:', [{ Key: 'team:aws:billing', Value: 'x' }]],
  ] as const)('accepts %s', (_name, given) => {
    expect(() => validateNewTags(given)).not.toThrow();
  });

  interface RefusedCase {
    readonly name: string;
    readonly tags: readonly Tag[];
    readonly field: string;
  }

  const refused: readonly RefusedCase[] = [
    {
      name: 'a key in the reserved aws: namespace',
      tags: [{ Key: 'aws:createdBy', Value: 'me' }],
      field: 'tags.1.member.key',
    },
    { name: 'a reserved key in upper case', tags: [{ Key: 'AWS:owner', Value: 'me' }], field: 'tags.1.member.key' },
    {
      name: 'a reserved key after a valid one',
      tags: [
        { Key: 'Env', Value: 'Prod' },
        { Key: 'aws:x', Value: 'y' },
      ],
      field: 'tags.2.member.key',
    },
    {
      name: 'the same key twice',
      tags: [
        { Key: 'Env', Value: 'Prod' },
        { Key: 'Owner', Value: 'me' },
        { Key: 'Env', Value: 'Dev' },
      ],
      field: 'tags.3.member.key',
    },
  ];

  it.each(refused.map((c) => [c.name, c.field, c] as const))(
    'refuses %s on %s',
    (_name, _field, { tags: given, field }) => {
      const error = validationErrorOf(() => validateNewTags(given));
      expect(error.violations[0]?.field).toBe(field);
    },
  );

  it('prefixes member paths with the field it is given', () => {
    const error = validationErrorOf(() => validateNewTags([{ Key: 'aws:x', Value: 'y' }], 'tagList'));
    expect(error.violations[0]?.field).toBe('tagList.1.member.key');
  });
});

describe('mergeTags', () => {
  it('adds new keys and overwrites existing ones', () => {
    const merged = mergeTags(
      [
        { Key: 'Env', Value: 'Dev' },
        { Key: 'Owner', Value: 'me' },
      ],
      [
        { Key: 'Env', Value: 'Prod' },
        { Key: 'CostCenter', Value: '42' },
      ],
    );
    expect(merged).toEqual([
      { Key: 'CostCenter', Value: '42' },
      { Key: 'Env', Value: 'Prod' },
      { Key: 'Owner', Value: 'me' },
    ]);
  });

  it('returns the tags sorted by key', () => {
    expect(
      mergeTags(
        [],
        [
          { Key: 'b', Value: '' },
          { Key: 'B', Value: '' },
          { Key: 'a', Value: '' },
        ],
      ).map((tag) => tag.Key),
    ).toEqual(['B', 'a', 'b']);
  });

  it('allows exactly 50 tags on a resource', () => {
    expect(mergeTags(tags(49), tags(1, 'extra'))).toHaveLength(MAX_TAGS_PER_RESOURCE);
  });

  it('refuses a 51st tag with LimitExceededError reason TooManyTags', () => {
    let thrown: unknown;
    try {
      mergeTags(tags(50), tags(1, 'extra'));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(LimitExceededError);
    expect((thrown as LimitExceededError).reason).toBe('TooManyTags');
  });

  it('does not count an overwritten key twice towards the limit', () => {
    expect(mergeTags(tags(50), [{ Key: 'key-00', Value: 'changed' }])).toHaveLength(50);
  });

  it('leaves the existing tag list untouched', () => {
    const existing = [{ Key: 'Env', Value: 'Dev' }];
    mergeTags(existing, [{ Key: 'Env', Value: 'Prod' }]);
    expect(existing).toEqual([{ Key: 'Env', Value: 'Dev' }]);
  });
});

describe('sortTags', () => {
  it('orders tags by key in code-unit order', () => {
    expect(
      sortTags([
        { Key: 'z', Value: '1' },
        { Key: 'Z', Value: '2' },
        { Key: '0', Value: '3' },
      ]),
    ).toEqual([
      { Key: '0', Value: '3' },
      { Key: 'Z', Value: '2' },
      { Key: 'z', Value: '1' },
    ]);
  });
});
