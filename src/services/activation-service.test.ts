import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../shared/clock.js';
import { silentLogger } from '../shared/logger.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { ActivationService } from './activation-service.js';
import { DEFAULT_QUOTAS } from './service-context.js';

const NOW = Date.parse('2024-01-15T12:00:00Z');

let now = NOW;
const clock: Clock = { now: () => new Date(now), sleep: () => Promise.resolve() };

let directory: string;
let store: Store;
let activations: ActivationService;

beforeEach(() => {
  now = NOW;
  directory = mkdtempSync(join(tmpdir(), 'mado-activation-service-'));
  store = openSqliteStore({ filename: join(directory, 'mado.db') }, NOW).store;
  activations = new ActivationService({
    store,
    clock,
    logger: silentLogger,
    quotas: DEFAULT_QUOTAS,
    accountId: '123456789012',
  });
});

afterEach(async () => {
  await store.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('ActivationService.describe', () => {
  it('reports an activation as expired from its expiry instant on', async () => {
    await activations.create({ iamRole: 'Role', expiresAt: NOW + 60_000, tags: [] });
    const expired = async () => (await activations.describe({ limit: 50 })).items.map((view) => view.expired);
    expect(await expired()).toEqual([false]);
    now = NOW + 60_000;
    expect(await expired()).toEqual([true]);
  });

  it('leaves deleted activations out', async () => {
    const { activationId } = await activations.create({ iamRole: 'Role', tags: [] });
    await activations.delete(activationId);
    expect((await activations.describe({ limit: 50 })).items).toEqual([]);
  });
});
