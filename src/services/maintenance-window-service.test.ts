import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LimitExceededError, ValidationError } from '../domain/errors.js';
import type { Tag } from '../domain/tags.js';
import type { Clock } from '../shared/clock.js';
import { silentLogger } from '../shared/logger.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { MaintenanceWindowService } from './maintenance-window-service.js';
import { DEFAULT_QUOTAS } from './service-context.js';
import { WindowRunService, type CommandPort } from './window-run/window-run-service.js';

const NOW = new Date('2024-01-15T12:00:00Z');
const SETTINGS = {
  name: 'nightly-patching',
  schedule: 'cron(0 2 ? * SUN *)',
  duration: 3,
  cutoff: 1,
  allowUnassociatedTargets: false,
};

const fixedClock: Clock = { now: () => new Date(NOW.getTime()), sleep: () => Promise.resolve() };

/** Window deletion cancels runs in the store only; nothing here runs a command. */
const NO_RUN_COMMAND: CommandPort = {
  prepare: () => Promise.reject(new Error('no Run Command here')),
  record: () => Promise.reject(new Error('no Run Command here')),
  dispatch: () => {},
  cancel: () => Promise.resolve(),
};

function tags(count: number): Tag[] {
  return Array.from({ length: count }, (_, index) => ({ Key: `key-${String(index).padStart(2, '0')}`, Value: 'v' }));
}

let directory: string;
let store: Store;
let windows: MaintenanceWindowService;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'mado-window-service-'));
  store = openSqliteStore({ filename: join(directory, 'mado.db') }, NOW.getTime()).store;
  const ctx = { store, clock: fixedClock, logger: silentLogger, quotas: DEFAULT_QUOTAS, accountId: '123456789012' };
  windows = new MaintenanceWindowService(ctx, new WindowRunService(ctx, NO_RUN_COMMAND));
});

afterEach(async () => {
  await store.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('MaintenanceWindowService.create', () => {
  it('stores the tags given at creation sorted by key', async () => {
    const windowId = await windows.create(SETTINGS, [
      { Key: 'Owner', Value: 'me' },
      { Key: 'Env', Value: 'Prod' },
    ]);
    expect(await store.getTags('MaintenanceWindow', windowId)).toEqual([
      { Key: 'Env', Value: 'Prod' },
      { Key: 'Owner', Value: 'me' },
    ]);
  });

  it('accepts exactly 50 tags at creation', async () => {
    const windowId = await windows.create(SETTINGS, tags(50));
    expect(await store.getTags('MaintenanceWindow', windowId)).toHaveLength(50);
  });

  it('refuses more than 50 tags at creation and creates nothing', async () => {
    await expect(windows.create(SETTINGS, tags(51))).rejects.toSatisfy(
      (error) => error instanceof LimitExceededError || error instanceof ValidationError,
    );
    expect(await store.countWindows()).toBe(0);
  });
});
