import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../shared/fake-clock.js';
import { silentLogger } from '../shared/logger.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { AuditLog } from './audit-log.js';
import { DEFAULT_QUOTAS } from './service-context.js';

describe('AuditLog', () => {
  const clock = new FakeClock(Date.UTC(2026, 11, 7, 8, 0, 0));
  let store: Store;
  let audit: AuditLog;

  beforeEach(() => {
    store = openSqliteStore({ filename: ':memory:' }, clock.now().getTime()).store;
    audit = new AuditLog(
      { store, clock, logger: silentLogger, quotas: DEFAULT_QUOTAS, accountId: '123456789012' },
      { refusalsPerAddressPerMinute: 3, refusalsPerMinute: 100, trackedAddresses: 10 },
    );
  });

  afterEach(async () => {
    await store.close();
  });

  it('writes at most the per-address limit of refusals a minute and one row for the rest', async () => {
    for (let i = 0; i < 10; i++) {
      await audit.record({ operation: 'SendCommand', outcome: 'refused', sourceIp: '10.0.0.9', detail: 'x' });
    }
    await audit.record({ operation: 'SendCommand', outcome: 'allowed', sourceIp: '10.0.0.9' });
    const page = await audit.list({ limit: 100 });
    const outcomes = page.items.map((entry) => entry.outcome).sort();
    expect(outcomes).toEqual(['allowed', 'refused', 'refused', 'refused', 'suppressed']);
    expect(page.items.find((entry) => entry.outcome === 'suppressed')?.detail).toMatch(
      /^7 more refusals from 10\.0\.0\.9/,
    );
  });

  it('writes refusals again once the minute has passed', async () => {
    for (let i = 0; i < 4; i++) {
      await audit.record({ operation: 'SendCommand', outcome: 'refused', sourceIp: '10.0.0.9' });
    }
    await clock.advance(60_000);
    await audit.record({ operation: 'SendCommand', outcome: 'refused', sourceIp: '10.0.0.9' });
    const page = await audit.list({ limit: 100 });
    expect(page.items.filter((entry) => entry.outcome === 'refused')).toHaveLength(4);
    expect(page.items.filter((entry) => entry.outcome === 'suppressed')).toHaveLength(1);
  });
});
