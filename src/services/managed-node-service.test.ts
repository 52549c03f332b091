import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ManagedNode } from '../domain/managed-node.js';
import type { Clock } from '../shared/clock.js';
import { silentLogger } from '../shared/logger.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { NO_DISPATCHER } from './dispatch-notifier.js';
import { ManagedNodeService, type NodeFilters } from './managed-node-service.js';
import { DEFAULT_QUOTAS, type ServiceContext } from './service-context.js';

const NOW = Date.parse('2024-01-15T12:00:00Z');
const ACTIVATION_ID = '0f5c3e4a-1b2c-4d5e-8f90-a1b2c3d4e5f6';

const clock: Clock = { now: () => new Date(NOW), sleep: () => Promise.resolve() };

let directory: string;
let store: Store;
let ctx: ServiceContext;

function aNode(instanceId: string): ManagedNode {
  return { instanceId, activationId: ACTIVATION_ID, iamRole: 'Role', publicKey: 'key', registeredAt: NOW };
}

beforeEach(async () => {
  directory = mkdtempSync(join(tmpdir(), 'mado-node-service-'));
  store = openSqliteStore({ filename: join(directory, 'mado.db') }, NOW).store;
  ctx = { store, clock, logger: silentLogger, quotas: DEFAULT_QUOTAS, accountId: '123456789012' };
  await store.insertActivation({
    activationId: ACTIVATION_ID,
    activationCodeHash: '00',
    iamRole: 'Role',
    registrationLimit: 10,
    registrationsCount: 0,
    expiresAt: NOW + 60_000,
    createdAt: NOW,
    deleted: false,
    tags: [],
  });
  await store.registerManagedNode(aNode('mi-00000000000000001'), new Map([['Owner', 'ops']]));
  await store.registerManagedNode(aNode('mi-00000000000000002'), new Map([['Team', 'web']]));
  await store.registerManagedNode(
    aNode('mi-00000000000000003'),
    new Map([
      ['Owner', 'ops'],
      ['Team', 'db'],
    ]),
  );
});

afterEach(async () => {
  await store.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('ManagedNodeService.describe', () => {
  const ids = async (filters: NodeFilters) => {
    const nodes = new ManagedNodeService(
      ctx,
      { onlineThresholdMs: 60_000, latestAgentVersion: () => undefined },
      NO_DISPATCHER,
    );
    return (await nodes.describe(filters, { limit: 50 })).items.map((view) => view.node.instanceId);
  };

  it('ORs the keys inside one tag-key filter', async () => {
    expect(await ids({ tagKeys: [['Owner', 'Team']] })).toEqual([
      'mi-00000000000000001',
      'mi-00000000000000002',
      'mi-00000000000000003',
    ]);
  });

  it('ANDs separate tag-key filters', async () => {
    expect(await ids({ tagKeys: [['Owner'], ['Team']] })).toEqual(['mi-00000000000000003']);
  });

  it('matches no node on an association status, as Mado has no associations', async () => {
    expect(await ids({ associationStatuses: ['Success', 'Pending', 'Failed'] })).toEqual([]);
  });
});
