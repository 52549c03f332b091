import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../shared/fake-clock.js';
import { silentLogger } from '../shared/logger.js';
import { aCommand, aCommandInvocation, aWindowExecution } from '../store/conformance/records.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { runHousekeeping } from './housekeeping.js';

const DAY = 24 * 60 * 60 * 1000;
const HOUR = 60 * 60 * 1000;

describe('housekeeping', () => {
  const clock = new FakeClock(Date.UTC(2026, 5, 30));
  let store: Store;
  const stopping = new AbortController();

  beforeEach(() => {
    store = openSqliteStore({ filename: ':memory:' }, clock.now().getTime()).store;
  });

  /** Lets the loop run until it sleeps again (bounded). */
  async function untilSleeping(): Promise<void> {
    for (let turn = 0; turn < 1000 && clock.pendingSleepers === 0; turn++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  afterEach(async () => {
    stopping.abort();
    await store.close();
  });

  it('prunes history older than the retention at start and then every interval', async () => {
    const now = clock.now().getTime();
    const old = aWindowExecution({ status: 'SUCCESS', startedAt: now - 31 * DAY, endedAt: now - 31 * DAY + HOUR });
    const recent = aWindowExecution({ status: 'SUCCESS', startedAt: now - 29 * DAY, endedAt: now - 29 * DAY + HOUR });
    const running = aWindowExecution({ status: 'IN_PROGRESS', startedAt: now - 40 * DAY });
    for (const execution of [old, recent, running]) {
      await store.insertWindowExecution(execution);
    }
    const oldCommand = aCommand({ requestedAt: now - 31 * DAY, status: 'Success', statusDetails: 'Success' });
    await store.insertCommand(oldCommand, [aCommandInvocation({ commandId: oldCommand.commandId })]);

    const loop = runHousekeeping(store, clock, silentLogger, stopping.signal, 30 * DAY, undefined, HOUR);
    await untilSleeping();
    expect(await store.getWindowExecution(old.windowExecutionId)).toBeUndefined();
    expect(await store.getCommand(oldCommand.commandId)).toBeUndefined();
    expect(await store.getWindowExecution(recent.windowExecutionId)).toBeDefined();
    expect(await store.getWindowExecution(running.windowExecutionId)).toBeDefined();

    // A day and two hours later (hourly passes), the recent one is past the retention too.
    for (let hour = 0; hour < 26; hour++) {
      await clock.advance(HOUR);
      await untilSleeping();
    }
    expect(await store.getWindowExecution(recent.windowExecutionId)).toBeUndefined();
    expect(await store.getWindowExecution(running.windowExecutionId)).toBeDefined();
    stopping.abort();
    await loop;
  });
});
