import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors.js';
import {
  nodeMatchesTargets,
  selectorCoversQuery,
  targetKind,
  validateCommandTargets,
  validateTaskTargets,
  validateWindowTargets,
  type Target,
  type TargetableNode,
  type WindowTargetResourceType,
} from './targets.js';

const NODE_A = 'mi-0123456789abcdef0';
const NODE_B = 'mi-0123456789abcdef1';
const WINDOW_TARGET_ID = '8f7c1b9e-3a52-4d6f-9b0e-2c4d6e8fa0b1';

function nodeIds(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `mi-${index.toString(16).padStart(17, '0')}`);
}

function windowTargetIds(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`);
}

/** The ValidationError `fn` throws; fails the test when it throws anything else or nothing. */
function validationErrorOf(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected a ValidationError, but nothing was thrown');
}

describe('targetKind', () => {
  it.each([
    ['InstanceIds', 'InstanceIds'],
    ['instanceids', 'InstanceIds'],
    ['INSTANCEIDS', 'InstanceIds'],
    ['tag:Env', 'Tag'],
    ['tag:', 'Unknown'],
    ['Tag:Env', 'Unknown'],
    ['tag-key', 'TagKey'],
    ['resource-groups:Name', 'ResourceGroupName'],
    ['resource-groups:ResourceTypeFilters', 'ResourceGroupTypeFilters'],
    ['WindowTargetIds', 'WindowTargetIds'],
    ['windowtargetids', 'Unknown'],
    ['Env', 'Unknown'],
  ])('classifies key %s as %s', (key, kind) => {
    expect(targetKind(key)).toBe(kind);
  });
});

describe('validateWindowTargets', () => {
  interface AcceptedCase {
    readonly name: string;
    readonly resourceType: WindowTargetResourceType;
    readonly targets: readonly Target[];
  }

  const accepted: readonly AcceptedCase[] = [
    { name: 'a managed node id', resourceType: 'INSTANCE', targets: [{ Key: 'InstanceIds', Values: [NODE_A] }] },
    {
      name: 'EC2-style ids of 8 and 17 characters',
      resourceType: 'INSTANCE',
      targets: [{ Key: 'InstanceIds', Values: ['i-0123abcd', 'i-0123456789abcdef0'] }],
    },
    {
      name: 'a lower-case instanceids key',
      resourceType: 'INSTANCE',
      targets: [{ Key: 'instanceids', Values: [NODE_A] }],
    },
    { name: 'exactly 50 node ids', resourceType: 'INSTANCE', targets: [{ Key: 'InstanceIds', Values: nodeIds(50) }] },
    { name: 'a tag with two values', resourceType: 'INSTANCE', targets: [{ Key: 'tag:Env', Values: ['Prod', 'Dev'] }] },
    {
      name: 'two tag entries with five pairs in all',
      resourceType: 'INSTANCE',
      targets: [
        { Key: 'tag:Env', Values: ['Prod', 'Dev'] },
        { Key: 'tag:Role', Values: ['Web', 'Api', 'Db'] },
      ],
    },
    {
      name: 'tag-key with five keys',
      resourceType: 'INSTANCE',
      targets: [{ Key: 'tag-key', Values: ['a', 'b', 'c', 'd', 'e'] }],
    },
    {
      name: 'a tag together with tag-key',
      resourceType: 'INSTANCE',
      targets: [
        { Key: 'tag:Env', Values: ['Prod'] },
        { Key: 'tag-key', Values: ['Owner'] },
      ],
    },
    {
      name: 'a resource group name alone',
      resourceType: 'RESOURCE_GROUP',
      targets: [{ Key: 'resource-groups:Name', Values: ['web-servers'] }],
    },
    {
      name: 'a resource group name with both supported type filters',
      resourceType: 'RESOURCE_GROUP',
      targets: [
        { Key: 'resource-groups:Name', Values: ['web-servers'] },
        { Key: 'resource-groups:ResourceTypeFilters', Values: ['AWS::SSM::ManagedInstance', 'AWS::EC2::Instance'] },
      ],
    },
    {
      name: 'type filters listed before the resource group name',
      resourceType: 'RESOURCE_GROUP',
      targets: [
        { Key: 'resource-groups:ResourceTypeFilters', Values: ['AWS::SSM::ManagedInstance'] },
        { Key: 'resource-groups:Name', Values: ['web-servers'] },
      ],
    },
  ];

  it.each(accepted.map((c) => [c.name, c.resourceType, c] as const))(
    'accepts %s for %s',
    (_name, _type, { resourceType, targets }) => {
      expect(() => validateWindowTargets(resourceType, targets)).not.toThrow();
    },
  );

  interface RefusedCase {
    readonly name: string;
    readonly resourceType: WindowTargetResourceType;
    readonly targets: readonly Target[];
    readonly field: string;
  }

  const refused: readonly RefusedCase[] = [
    { name: 'an empty target list', resourceType: 'INSTANCE', targets: [], field: 'targets' },
    {
      name: 'an entry without values',
      resourceType: 'INSTANCE',
      targets: [{ Key: 'tag:Env', Values: [] }],
      field: 'targets.1.member.values',
    },
    {
      name: 'a resource group key on an INSTANCE target',
      resourceType: 'INSTANCE',
      targets: [{ Key: 'resource-groups:Name', Values: ['web-servers'] }],
      field: 'targets.1.member.key',
    },
    {
      name: 'WindowTargetIds on a window target',
      resourceType: 'INSTANCE',
      targets: [{ Key: 'WindowTargetIds', Values: [WINDOW_TARGET_ID] }],
      field: 'targets.1.member.key',
    },
    {
      name: 'an unknown key',
      resourceType: 'INSTANCE',
      targets: [{ Key: 'Env', Values: ['Prod'] }],
      field: 'targets.1.member.key',
    },
    {
      name: 'a tag key without a name',
      resourceType: 'INSTANCE',
      targets: [{ Key: 'tag:', Values: ['Prod'] }],
      field: 'targets.1.member.key',
    },
    {
      name: 'a bad key in the second entry',
      resourceType: 'INSTANCE',
      targets: [
        { Key: 'tag:Env', Values: ['Prod'] },
        { Key: 'Role', Values: ['Web'] },
      ],
      field: 'targets.2.member.key',
    },
    {
      name: 'a tag key on a RESOURCE_GROUP target',
      resourceType: 'RESOURCE_GROUP',
      targets: [
        { Key: 'resource-groups:Name', Values: ['web-servers'] },
        { Key: 'tag:Env', Values: ['Prod'] },
      ],
      field: 'targets.2.member.key',
    },
    {
      name: 'InstanceIds on a RESOURCE_GROUP target',
      resourceType: 'RESOURCE_GROUP',
      targets: [{ Key: 'InstanceIds', Values: [NODE_A] }],
      field: 'targets.1.member.key',
    },
    {
      name: 'a node id of the wrong form',
      resourceType: 'INSTANCE',
      targets: [{ Key: 'InstanceIds', Values: [NODE_A, 'mi-123'] }],
      field: 'targets.1.member.values',
    },
    {
      name: 'a host name instead of a node id',
      resourceType: 'INSTANCE',
      targets: [{ Key: 'InstanceIds', Values: ['web-01.example.com'] }],
      field: 'targets.1.member.values',
    },
    {
      name: '51 node ids',
      resourceType: 'INSTANCE',
      targets: [{ Key: 'InstanceIds', Values: nodeIds(51) }],
      field: 'targets.1.member.values',
    },
    {
      name: 'InstanceIds combined with a tag',
      resourceType: 'INSTANCE',
      targets: [
        { Key: 'InstanceIds', Values: [NODE_A] },
        { Key: 'tag:Env', Values: ['Prod'] },
      ],
      field: 'targets',
    },
    {
      name: 'InstanceIds given twice',
      resourceType: 'INSTANCE',
      targets: [
        { Key: 'InstanceIds', Values: [NODE_A] },
        { Key: 'InstanceIds', Values: [NODE_B] },
      ],
      field: 'targets',
    },
    {
      name: 'tag-key with six keys',
      resourceType: 'INSTANCE',
      targets: [{ Key: 'tag-key', Values: ['a', 'b', 'c', 'd', 'e', 'f'] }],
      field: 'targets.1.member.values',
    },
    {
      name: 'one tag with six values',
      resourceType: 'INSTANCE',
      targets: [{ Key: 'tag:Env', Values: ['a', 'b', 'c', 'd', 'e', 'f'] }],
      field: 'targets',
    },
    {
      name: 'six tag pairs over two entries',
      resourceType: 'INSTANCE',
      targets: [
        { Key: 'tag:Env', Values: ['Prod', 'Dev', 'Test'] },
        { Key: 'tag:Role', Values: ['Web', 'Api', 'Db'] },
      ],
      field: 'targets',
    },
    {
      name: 'a resource group name with two values',
      resourceType: 'RESOURCE_GROUP',
      targets: [{ Key: 'resource-groups:Name', Values: ['web-servers', 'db-servers'] }],
      field: 'targets.1.member.values',
    },
    {
      name: 'a resource group name given twice',
      resourceType: 'RESOURCE_GROUP',
      targets: [
        { Key: 'resource-groups:Name', Values: ['web-servers'] },
        { Key: 'resource-groups:Name', Values: ['db-servers'] },
      ],
      field: 'targets',
    },
    {
      name: 'type filters without a resource group name',
      resourceType: 'RESOURCE_GROUP',
      targets: [{ Key: 'resource-groups:ResourceTypeFilters', Values: ['AWS::SSM::ManagedInstance'] }],
      field: 'targets',
    },
    {
      name: 'an unsupported resource type filter',
      resourceType: 'RESOURCE_GROUP',
      targets: [
        { Key: 'resource-groups:Name', Values: ['web-servers'] },
        { Key: 'resource-groups:ResourceTypeFilters', Values: ['AWS::SSM::ManagedInstance', 'AWS::S3::Bucket'] },
      ],
      field: 'targets.2.member.values',
    },
    {
      name: 'six resource type filters',
      resourceType: 'RESOURCE_GROUP',
      targets: [
        { Key: 'resource-groups:Name', Values: ['web-servers'] },
        {
          Key: 'resource-groups:ResourceTypeFilters',
          Values: [
            'AWS::EC2::Instance',
            'AWS::EC2::Instance',
            'AWS::EC2::Instance',
            'AWS::EC2::Instance',
            'AWS::EC2::Instance',
            'AWS::EC2::Instance',
          ],
        },
      ],
      field: 'targets.2.member.values',
    },
    {
      name: 'type filters given twice',
      resourceType: 'RESOURCE_GROUP',
      targets: [
        { Key: 'resource-groups:Name', Values: ['web-servers'] },
        { Key: 'resource-groups:ResourceTypeFilters', Values: ['AWS::EC2::Instance'] },
        { Key: 'resource-groups:ResourceTypeFilters', Values: ['AWS::SSM::ManagedInstance'] },
      ],
      field: 'targets',
    },
  ];

  it.each(refused.map((c) => [c.name, c.resourceType, c.field, c] as const))(
    'refuses %s for %s on %s',
    (_name, _type, _field, { resourceType, targets, field }) => {
      const error = validationErrorOf(() => validateWindowTargets(resourceType, targets));
      expect(error.violations[0]?.field).toBe(field);
    },
  );

  it('names the offending node id in the violation', () => {
    const error = validationErrorOf(() =>
      validateWindowTargets('INSTANCE', [{ Key: 'InstanceIds', Values: [NODE_A, 'mi-nothex'] }]),
    );
    expect(error.violations[0]?.value).toBe('mi-nothex');
  });

  it('prefixes member paths with the field it is given', () => {
    const error = validationErrorOf(() =>
      validateWindowTargets('INSTANCE', [{ Key: 'Env', Values: ['Prod'] }], 'windowTargets'),
    );
    expect(error.violations[0]?.field).toBe('windowTargets.1.member.key');
  });
});

describe('validateTaskTargets', () => {
  interface SelectionCase {
    readonly name: string;
    readonly targets: readonly Target[];
    readonly allowUnassociatedTargets: boolean;
    readonly selection: ReturnType<typeof validateTaskTargets>;
  }

  const selections: readonly SelectionCase[] = [
    { name: 'no targets', targets: [], allowUnassociatedTargets: false, selection: { kind: 'None' } },
    {
      name: 'one window target id',
      targets: [{ Key: 'WindowTargetIds', Values: [WINDOW_TARGET_ID] }],
      allowUnassociatedTargets: false,
      selection: { kind: 'WindowTargetIds', windowTargetIds: [WINDOW_TARGET_ID] },
    },
    {
      name: 'ten window target ids over two entries',
      targets: [
        { Key: 'WindowTargetIds', Values: windowTargetIds(10).slice(0, 4) },
        { Key: 'WindowTargetIds', Values: windowTargetIds(10).slice(4) },
      ],
      allowUnassociatedTargets: false,
      selection: { kind: 'WindowTargetIds', windowTargetIds: windowTargetIds(10) },
    },
    {
      name: 'node ids in a window that allows unassociated targets',
      targets: [{ Key: 'InstanceIds', Values: [NODE_A, NODE_B] }],
      allowUnassociatedTargets: true,
      selection: { kind: 'InstanceIds', instanceIds: [NODE_A, NODE_B] },
    },
    {
      name: 'upper-case window target ids',
      targets: [{ Key: 'WindowTargetIds', Values: [WINDOW_TARGET_ID.toUpperCase()] }],
      allowUnassociatedTargets: false,
      selection: { kind: 'WindowTargetIds', windowTargetIds: [WINDOW_TARGET_ID.toUpperCase()] },
    },
  ];

  it.each(selections.map((c) => [c.selection.kind, c.name, c] as const))(
    'selects %s for %s',
    (_kind, _name, { targets, allowUnassociatedTargets, selection }) => {
      expect(validateTaskTargets(targets, { allowUnassociatedTargets })).toEqual(selection);
    },
  );

  interface RefusedCase {
    readonly name: string;
    readonly targets: readonly Target[];
    readonly allowUnassociatedTargets: boolean;
    readonly field: string;
  }

  const refused: readonly RefusedCase[] = [
    {
      name: 'node ids in a window that does not allow unassociated targets',
      targets: [{ Key: 'InstanceIds', Values: [NODE_A] }],
      allowUnassociatedTargets: false,
      field: 'targets.1.member.key',
    },
    {
      name: 'a tag target',
      targets: [{ Key: 'tag:Env', Values: ['Prod'] }],
      allowUnassociatedTargets: true,
      field: 'targets.1.member.key',
    },
    {
      name: 'a resource group target',
      targets: [{ Key: 'resource-groups:Name', Values: ['web-servers'] }],
      allowUnassociatedTargets: true,
      field: 'targets.1.member.key',
    },
    {
      name: 'an entry without values',
      targets: [{ Key: 'WindowTargetIds', Values: [] }],
      allowUnassociatedTargets: false,
      field: 'targets.1.member.values',
    },
    {
      name: 'window target ids combined with node ids',
      targets: [
        { Key: 'WindowTargetIds', Values: [WINDOW_TARGET_ID] },
        { Key: 'InstanceIds', Values: [NODE_A] },
      ],
      allowUnassociatedTargets: true,
      field: 'targets',
    },
    {
      name: 'eleven window target ids',
      targets: [{ Key: 'WindowTargetIds', Values: windowTargetIds(11) }],
      allowUnassociatedTargets: false,
      field: 'targets',
    },
    {
      name: 'eleven window target ids over two entries',
      targets: [
        { Key: 'WindowTargetIds', Values: windowTargetIds(11).slice(0, 6) },
        { Key: 'WindowTargetIds', Values: windowTargetIds(11).slice(6) },
      ],
      allowUnassociatedTargets: false,
      field: 'targets',
    },
    {
      name: 'a window target id that is not a UUID',
      targets: [{ Key: 'WindowTargetIds', Values: ['web-servers'] }],
      allowUnassociatedTargets: false,
      field: 'targets',
    },
    {
      name: 'a malformed node id',
      targets: [{ Key: 'InstanceIds', Values: ['mi-123'] }],
      allowUnassociatedTargets: true,
      field: 'targets.1.member.values',
    },
    {
      name: '51 node ids',
      targets: [{ Key: 'InstanceIds', Values: nodeIds(51) }],
      allowUnassociatedTargets: true,
      field: 'targets.1.member.values',
    },
  ];

  it.each(refused.map((c) => [c.name, c.field, c] as const))(
    'refuses %s on %s',
    (_name, _field, { targets, allowUnassociatedTargets, field }) => {
      const error = validationErrorOf(() => validateTaskTargets(targets, { allowUnassociatedTargets }));
      expect(error.violations[0]?.field).toBe(field);
    },
  );
});

describe('validateCommandTargets', () => {
  it.each<[string, readonly Target[]]>([
    ['node ids', [{ Key: 'InstanceIds', Values: [NODE_A, NODE_B] }]],
    [
      'a tag with a tag key',
      [
        { Key: 'tag:Env', Values: ['Prod', 'Dev'] },
        { Key: 'tag-key', Values: ['Owner'] },
      ],
    ],
    [
      'a resource group with a type filter',
      [
        { Key: 'resource-groups:Name', Values: ['web-servers'] },
        { Key: 'resource-groups:ResourceTypeFilters', Values: ['AWS::SSM::ManagedInstance'] },
      ],
    ],
  ])('accepts %s', (_name, targets) => {
    expect(() => validateCommandTargets(targets)).not.toThrow();
  });

  it.each<[string, readonly Target[], string]>([
    ['window target ids', [{ Key: 'WindowTargetIds', Values: [WINDOW_TARGET_ID] }], 'targets.1.member.key'],
    ['an unknown key', [{ Key: 'Env', Values: ['Prod'] }], 'targets.1.member.key'],
    ['a tag without values', [{ Key: 'tag:Env', Values: [] }], 'targets.1.member.values'],
    ['a malformed node id', [{ Key: 'InstanceIds', Values: ['mi-123'] }], 'targets.1.member.values'],
    ['six tag keys', [{ Key: 'tag-key', Values: ['a', 'b', 'c', 'd', 'e', 'f'] }], 'targets.1.member.values'],
    [
      'node ids with a tag',
      [
        { Key: 'InstanceIds', Values: [NODE_A] },
        { Key: 'tag:Env', Values: ['Prod'] },
      ],
      'targets',
    ],
    [
      'two resource groups',
      [
        { Key: 'resource-groups:Name', Values: ['a'] },
        { Key: 'resource-groups:Name', Values: ['b'] },
      ],
      'targets',
    ],
    [
      'a type filter without a resource group',
      [{ Key: 'resource-groups:ResourceTypeFilters', Values: ['AWS::SSM::ManagedInstance'] }],
      'targets',
    ],
  ])('refuses %s', (_name, targets, field) => {
    expect(validationErrorOf(() => validateCommandTargets(targets)).violations[0]?.field).toBe(field);
  });
});

describe('nodeMatchesTargets', () => {
  const node: TargetableNode = {
    instanceId: NODE_A,
    tags: new Map([
      ['Env', 'Prod'],
      ['Role', 'Web'],
    ]),
  };

  interface MatchCase {
    readonly name: string;
    readonly targets: readonly Target[];
    readonly matches: boolean;
  }

  const cases: readonly MatchCase[] = [
    { name: 'its id among the listed ids', targets: [{ Key: 'InstanceIds', Values: [NODE_B, NODE_A] }], matches: true },
    { name: 'a lower-case instanceids key', targets: [{ Key: 'instanceids', Values: [NODE_A] }], matches: true },
    { name: 'only other ids', targets: [{ Key: 'InstanceIds', Values: [NODE_B] }], matches: false },
    { name: 'its tag value', targets: [{ Key: 'tag:Env', Values: ['Prod'] }], matches: true },
    { name: 'one of several tag values (OR)', targets: [{ Key: 'tag:Env', Values: ['Dev', 'Prod'] }], matches: true },
    { name: 'another tag value', targets: [{ Key: 'tag:Env', Values: ['Dev'] }], matches: false },
    { name: 'a tag it does not have', targets: [{ Key: 'tag:Owner', Values: ['Prod'] }], matches: false },
    { name: 'its tag key in another case', targets: [{ Key: 'tag:env', Values: ['Prod'] }], matches: false },
    { name: 'its tag value in another case', targets: [{ Key: 'tag:Env', Values: ['prod'] }], matches: false },
    { name: 'all listed tag keys (AND)', targets: [{ Key: 'tag-key', Values: ['Env', 'Role'] }], matches: true },
    {
      name: 'tag keys of which one is missing',
      targets: [{ Key: 'tag-key', Values: ['Env', 'Owner'] }],
      matches: false,
    },
    {
      name: 'every entry (AND across entries)',
      targets: [
        { Key: 'tag:Env', Values: ['Prod'] },
        { Key: 'tag:Role', Values: ['Web', 'Api'] },
      ],
      matches: true,
    },
    {
      name: 'one entry but not the other',
      targets: [
        { Key: 'tag:Env', Values: ['Prod'] },
        { Key: 'tag:Role', Values: ['Api'] },
      ],
      matches: false,
    },
    {
      name: 'a tag entry and a tag-key entry',
      targets: [
        { Key: 'tag:Role', Values: ['Web'] },
        { Key: 'tag-key', Values: ['Env'] },
      ],
      matches: true,
    },
    {
      name: 'a resource group (resolved elsewhere)',
      targets: [{ Key: 'resource-groups:Name', Values: ['web'] }],
      matches: false,
    },
    {
      name: 'window target ids (resolved elsewhere)',
      targets: [{ Key: 'WindowTargetIds', Values: [WINDOW_TARGET_ID] }],
      matches: false,
    },
  ];

  it.each(cases.map((c) => [c.matches ? 'matches' : 'does not match', c.name, c] as const))(
    '%s a node given %s',
    (_verdict, _name, { targets, matches }) => {
      expect(nodeMatchesTargets(node, targets)).toBe(matches);
    },
  );
});

describe('selectorCoversQuery', () => {
  interface CoverCase {
    readonly name: string;
    readonly registered: readonly Target[];
    readonly query: readonly Target[];
    readonly covers: boolean;
  }

  const cases: readonly CoverCase[] = [
    {
      name: 'a node id the selector lists',
      registered: [{ Key: 'InstanceIds', Values: [NODE_A, NODE_B] }],
      query: [{ Key: 'InstanceIds', Values: [NODE_B] }],
      covers: true,
    },
    {
      name: 'one of several queried node ids',
      registered: [{ Key: 'InstanceIds', Values: [NODE_A] }],
      query: [{ Key: 'InstanceIds', Values: ['mi-0000000000000000f', NODE_A] }],
      covers: true,
    },
    {
      name: 'a node id with a key spelt in another case',
      registered: [{ Key: 'InstanceIds', Values: [NODE_A] }],
      query: [{ Key: 'instanceids', Values: [NODE_A] }],
      covers: true,
    },
    {
      name: 'a node id the selector does not list',
      registered: [{ Key: 'InstanceIds', Values: [NODE_A] }],
      query: [{ Key: 'InstanceIds', Values: [NODE_B] }],
      covers: false,
    },
    {
      name: 'the same tag key and value',
      registered: [
        { Key: 'tag:Env', Values: ['Prod'] },
        { Key: 'tag:Role', Values: ['Web'] },
      ],
      query: [{ Key: 'tag:Role', Values: ['Web'] }],
      covers: true,
    },
    {
      name: 'the same tag key with another value',
      registered: [{ Key: 'tag:Env', Values: ['Prod'] }],
      query: [{ Key: 'tag:Env', Values: ['Dev'] }],
      covers: false,
    },
    {
      name: 'the same value under another tag key',
      registered: [{ Key: 'tag:Env', Values: ['Prod'] }],
      query: [{ Key: 'tag:Stage', Values: ['Prod'] }],
      covers: false,
    },
    {
      name: 'a tag when the selector lists node ids',
      registered: [{ Key: 'InstanceIds', Values: [NODE_A] }],
      query: [{ Key: 'tag:Env', Values: ['Prod'] }],
      covers: false,
    },
    {
      name: 'a node id when the selector is a tag',
      registered: [{ Key: 'tag:Env', Values: [NODE_A] }],
      query: [{ Key: 'InstanceIds', Values: [NODE_A] }],
      covers: false,
    },
    {
      name: 'the same resource group',
      registered: [{ Key: 'resource-groups:Name', Values: ['web-servers'] }],
      query: [{ Key: 'resource-groups:Name', Values: ['web-servers'] }],
      covers: true,
    },
    {
      name: 'another resource group',
      registered: [{ Key: 'resource-groups:Name', Values: ['web-servers'] }],
      query: [{ Key: 'resource-groups:Name', Values: ['db-servers'] }],
      covers: false,
    },
    {
      name: 'any one of several query entries',
      registered: [{ Key: 'tag:Env', Values: ['Prod'] }],
      query: [
        { Key: 'tag:Role', Values: ['Web'] },
        { Key: 'tag:Env', Values: ['Prod'] },
      ],
      covers: true,
    },
    { name: 'an empty query', registered: [{ Key: 'tag:Env', Values: ['Prod'] }], query: [], covers: false },
  ];

  it.each(cases.map((c) => [c.covers ? 'covers' : 'does not cover', c.name, c] as const))(
    '%s a query for %s',
    (_verdict, _name, { registered, query, covers }) => {
      expect(selectorCoversQuery(registered, query)).toBe(covers);
    },
  );
});
