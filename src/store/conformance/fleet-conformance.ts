/**
 * The fleet part of the store conformance suite (`describeStoreConformance` calls it inside its
 * own describe block, with the fresh store of each test): activations, the nodes registered
 * through them with their tags, heartbeats and facts, and resource groups.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Activation } from '../../domain/activation.js';
import type { ManagedNode, NodeFacts } from '../../domain/managed-node.js';
import type { ActivationQuery, Store } from '../store.js';
import { allPages, itemsOf, MINUTE, T0, uuidOf } from './support.js';

function anActivation(n: number, overrides: Partial<Activation> = {}): Activation {
  return {
    activationId: uuidOf(n),
    activationCodeHash: `hash-${n}`,
    iamRole: 'MadoNodeRole',
    registrationLimit: 10,
    registrationsCount: 0,
    expiresAt: T0 + 24 * 60 * MINUTE,
    createdAt: T0,
    deleted: false,
    tags: [],
    ...overrides,
  };
}

function aNode(n: number, activationId: string, overrides: Partial<ManagedNode> = {}): ManagedNode {
  return {
    instanceId: `mi-${n.toString(16).padStart(17, '0')}`,
    activationId,
    iamRole: 'MadoNodeRole',
    publicKey: `MCowBQYDK2VwAyEA${n}`,
    registeredAt: T0,
    ...overrides,
  };
}

const FACTS: NodeFacts = {
  agentVersion: '1.2.3',
  platformType: 'Linux',
  platformName: 'Debian GNU/Linux',
  platformVersion: '12',
  architecture: 'x86_64',
  computerName: 'web-1',
  ipAddresses: ['10.0.0.5', 'fe80::1'],
};

export function describeFleetConformance(current: () => Store): void {
  let store: Store;
  beforeEach(() => {
    store = current();
  });

  describe('activations', () => {
    it('returns a stored activation with every member as stored', async () => {
      const activation = anActivation(1, {
        description: 'web tier',
        defaultInstanceName: 'web',
        tags: [{ Key: 'Env', Value: 'Prod' }],
      });
      await store.insertActivation(activation);
      expect(await store.getActivation(activation.activationId)).toEqual(activation);
      expect(await store.getActivation(uuidOf(2))).toBeUndefined();
    });

    it('lists activations newest first across pages, without the deleted ones', async () => {
      for (let n = 1; n <= 5; n += 1) {
        await store.insertActivation(anActivation(n, { createdAt: n === 5 ? T0 : T0 + n * MINUTE }));
      }
      expect(await store.deleteActivation(uuidOf(2))).toBe(true);
      expect(await store.deleteActivation(uuidOf(2))).toBe(false);
      expect(await store.deleteActivation(uuidOf(9))).toBe(false);
      expect((await store.getActivation(uuidOf(2)))?.deleted).toBe(true);
      const pages = await allPages((after) => store.listActivations({ limit: 2, after }));
      expect(pages.map((page) => page.items.length)).toEqual([2, 2]);
      expect(itemsOf(pages).map((activation) => activation.activationId)).toEqual([
        uuidOf(4),
        uuidOf(3),
        uuidOf(1),
        uuidOf(5),
      ]);
    });

    it('filters activations by id, default name and role, AND-ed; an empty list matches nothing', async () => {
      await store.insertActivation(anActivation(1, { defaultInstanceName: 'web' }));
      await store.insertActivation(anActivation(2, { defaultInstanceName: 'db', iamRole: 'Other' }));
      await store.insertActivation(anActivation(3, { defaultInstanceName: 'web', iamRole: 'Other' }));
      const ids = async (query: Partial<ActivationQuery>) =>
        (await store.listActivations({ limit: 10, ...query })).items.map((activation) => activation.activationId);
      expect(await ids({ activationIds: [uuidOf(1), uuidOf(3)] })).toEqual([uuidOf(3), uuidOf(1)]);
      expect(await ids({ defaultInstanceNames: ['web'] })).toEqual([uuidOf(3), uuidOf(1)]);
      expect(await ids({ iamRoles: ['Other'] })).toEqual([uuidOf(3), uuidOf(2)]);
      expect(await ids({ defaultInstanceNames: ['web'], iamRoles: ['Other'] })).toEqual([uuidOf(3)]);
      expect(await ids({ activationIds: [] })).toEqual([]);
    });
  });

  describe('managed nodes', () => {
    async function register(n: number, tags: Record<string, string> = {}): Promise<ManagedNode> {
      const node = aNode(n, uuidOf(1), { name: `node-${n}` });
      await store.registerManagedNode(node, new Map(Object.entries(tags)));
      return node;
    }

    beforeEach(async () => {
      await store.insertActivation(anActivation(1));
    });

    it('registers a node with its tags and counts the registration', async () => {
      const node = await register(1, { Env: 'Prod', Role: 'web' });
      await register(2);
      expect(await store.getManagedNode(node.instanceId)).toEqual(node);
      expect(await store.getManagedNode('mi-ffffffffffffffff0')).toBeUndefined();
      expect((await store.getActivation(uuidOf(1)))?.registrationsCount).toBe(2);
      expect(await store.getTags('ManagedInstance', node.instanceId)).toEqual([
        { Key: 'Env', Value: 'Prod' },
        { Key: 'Role', Value: 'web' },
      ]);
    });

    it('registers nothing and counts nothing when the node is already registered', async () => {
      const node = await register(1, { Env: 'Prod' });
      await expect(store.registerManagedNode(node, new Map([['Env', 'Test']]))).rejects.toThrow();
      expect((await store.getActivation(uuidOf(1)))?.registrationsCount).toBe(1);
      expect(await store.getTags('ManagedInstance', node.instanceId)).toEqual([{ Key: 'Env', Value: 'Prod' }]);
    });

    it('lists the active nodes by id with their tags, and forgets a deregistered node and its tags', async () => {
      const second = await register(2, { Env: 'Test' });
      const first = await register(1, { Env: 'Prod' });
      const third = await register(3);
      expect(await store.deregisterManagedNode(second.instanceId, T0 + MINUTE)).toBe(true);
      expect(await store.deregisterManagedNode(second.instanceId, T0 + 2 * MINUTE)).toBe(false);
      expect(await store.deregisterManagedNode('mi-ffffffffffffffff0', T0)).toBe(false);
      const active = await store.listActiveNodes();
      expect(active.map(({ node, tags }) => [node.instanceId, Object.fromEntries(tags)])).toEqual([
        [first.instanceId, { Env: 'Prod' }],
        [third.instanceId, {}],
      ]);
      expect((await store.getManagedNode(second.instanceId))?.deregisteredAt).toBe(T0 + MINUTE);
      expect(await store.getTags('ManagedInstance', second.instanceId)).toEqual([]);
    });

    it('records what a node reports and its heartbeats, many at once', async () => {
      const a = await register(1);
      const b = await register(2);
      await store.updateNodeFacts(a.instanceId, FACTS, T0 + 1_000);
      expect(await store.getManagedNode(a.instanceId)).toEqual({ ...a, facts: FACTS, lastPingAt: T0 + 1_000 });
      await store.recordNodePings([
        { instanceId: a.instanceId, at: T0 + 5_000 },
        { instanceId: b.instanceId, at: T0 + 6_000 },
        { instanceId: 'mi-ffffffffffffffff0', at: T0 + 7_000 },
      ]);
      await store.recordNodePings([]);
      expect((await store.getManagedNode(a.instanceId))?.lastPingAt).toBe(T0 + 5_000);
      expect((await store.getManagedNode(a.instanceId))?.facts).toEqual(FACTS);
      expect((await store.getManagedNode(b.instanceId))?.lastPingAt).toBe(T0 + 6_000);
    });
  });

  describe('resource groups', () => {
    it('stores, replaces, lists by name and deletes groups', async () => {
      const web = { name: 'web', targets: [{ Key: 'tag:Role', Values: ['web'] }], createdAt: T0 };
      const db = {
        name: 'db',
        description: 'databases',
        targets: [{ Key: 'InstanceIds', Values: ['mi-00000000000000001'] }],
        createdAt: T0,
      };
      await store.putResourceGroup(web);
      await store.putResourceGroup(db);
      expect(await store.getResourceGroup('web')).toEqual(web);
      const replaced = { ...web, description: 'front ends', targets: [{ Key: 'tag-key', Values: ['Role'] }] };
      await store.putResourceGroup(replaced);
      expect(await store.getResourceGroup('web')).toEqual(replaced);
      expect(await store.listResourceGroups()).toEqual([db, replaced]);
      expect(await store.deleteResourceGroup('db')).toBe(true);
      expect(await store.deleteResourceGroup('db')).toBe(false);
      expect(await store.getResourceGroup('db')).toBeUndefined();
      expect(await store.listResourceGroups()).toEqual([replaced]);
    });
  });
}
