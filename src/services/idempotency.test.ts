import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IdempotencyMismatchError } from '../domain/errors.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { IDEMPOTENCY_RETENTION_MS, once, requestHash } from './idempotency.js';

const NOW = Date.UTC(2024, 0, 15, 12, 0, 0);
const SCOPE = 'RegisterTargetWithMaintenanceWindow:mw-0123456789abcdef0';
const REQUEST = {
  resourceType: 'INSTANCE',
  settings: { targets: [{ Key: 'tag:Env', Values: ['Prod'] }], name: 'web' },
};

let directory: string;
let store: Store;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'mado-idempotency-'));
  store = openSqliteStore({ filename: join(directory, 'mado.db') }, NOW).store;
});

afterEach(async () => {
  await store.close();
  rmSync(directory, { recursive: true, force: true });
});

/** Work that counts its runs and answers with a new id each time. */
function countingWork(): { run: () => Promise<{ id: string }>; runs: () => number } {
  let runs = 0;
  return {
    run: async () => {
      runs += 1;
      return { id: `wt-${runs}` };
    },
    runs: () => runs,
  };
}

function inTransaction<T>(fn: (store: Store) => Promise<T>): Promise<T> {
  return store.transaction(fn);
}

describe('once', () => {
  it('runs the work and returns its result for a first request', async () => {
    const work = countingWork();
    const result = await inTransaction((trx) =>
      once(trx, { scope: SCOPE, token: 't-1', request: REQUEST }, NOW, work.run),
    );
    expect(result).toEqual({ id: 'wt-1' });
    expect(work.runs()).toBe(1);
  });

  it('returns the first result and runs the work once for a repeated token and request', async () => {
    const work = countingWork();
    const key = { scope: SCOPE, token: 't-1', request: REQUEST };
    const first = await inTransaction((trx) => once(trx, key, NOW, work.run));
    const second = await inTransaction((trx) => once(trx, key, NOW + 60_000, work.run));
    expect(second).toEqual(first);
    expect(work.runs()).toBe(1);
  });

  it('refuses the same token with a different request with IdempotencyMismatchError', async () => {
    const work = countingWork();
    await inTransaction((trx) => once(trx, { scope: SCOPE, token: 't-1', request: REQUEST }, NOW, work.run));
    const changed = { ...REQUEST, settings: { ...REQUEST.settings, name: 'api' } };
    await expect(
      inTransaction((trx) => once(trx, { scope: SCOPE, token: 't-1', request: changed }, NOW, work.run)),
    ).rejects.toBeInstanceOf(IdempotencyMismatchError);
    expect(work.runs()).toBe(1);
  });

  it('treats requests that differ only in member order as the same request', async () => {
    const work = countingWork();
    await inTransaction((trx) => once(trx, { scope: SCOPE, token: 't-1', request: REQUEST }, NOW, work.run));
    const reordered = {
      settings: { name: 'web', targets: [{ Values: ['Prod'], Key: 'tag:Env' }] },
      resourceType: 'INSTANCE',
    };
    const result = await inTransaction((trx) =>
      once(trx, { scope: SCOPE, token: 't-1', request: reordered }, NOW, work.run),
    );
    expect(result).toEqual({ id: 'wt-1' });
    expect(work.runs()).toBe(1);
  });

  it('treats a reordered list as a different request', async () => {
    const work = countingWork();
    const request = { targets: [{ Key: 'InstanceIds', Values: ['mi-0123456789abcdef0', 'mi-0123456789abcdef1'] }] };
    await inTransaction((trx) => once(trx, { scope: SCOPE, token: 't-1', request }, NOW, work.run));
    const reordered = { targets: [{ Key: 'InstanceIds', Values: ['mi-0123456789abcdef1', 'mi-0123456789abcdef0'] }] };
    await expect(
      inTransaction((trx) => once(trx, { scope: SCOPE, token: 't-1', request: reordered }, NOW, work.run)),
    ).rejects.toBeInstanceOf(IdempotencyMismatchError);
  });

  it('treats the same token in another scope as a new request', async () => {
    const work = countingWork();
    await inTransaction((trx) => once(trx, { scope: SCOPE, token: 't-1', request: REQUEST }, NOW, work.run));
    const other = await inTransaction((trx) =>
      once(
        trx,
        { scope: 'RegisterTargetWithMaintenanceWindow:mw-0123456789abcdef1', token: 't-1', request: REQUEST },
        NOW,
        work.run,
      ),
    );
    expect(other).toEqual({ id: 'wt-2' });
  });

  it('still answers from the record just before 24 hours have passed', async () => {
    const work = countingWork();
    const key = { scope: SCOPE, token: 't-1', request: REQUEST };
    await inTransaction((trx) => once(trx, key, NOW, work.run));
    const result = await inTransaction((trx) => once(trx, key, NOW + IDEMPOTENCY_RETENTION_MS, work.run));
    expect(result).toEqual({ id: 'wt-1' });
    expect(work.runs()).toBe(1);
  });

  it('forgets a record older than 24 hours and runs the work again', async () => {
    const work = countingWork();
    const key = { scope: SCOPE, token: 't-1', request: REQUEST };
    await inTransaction((trx) => once(trx, key, NOW, work.run));
    const later = NOW + IDEMPOTENCY_RETENTION_MS + 1;
    const result = await inTransaction((trx) => once(trx, key, later, work.run));
    expect(result).toEqual({ id: 'wt-2' });
    expect((await store.getIdempotencyRecord(SCOPE, 't-1'))?.createdAt).toBe(later);
  });

  it('accepts a different request under a token whose record has expired', async () => {
    const work = countingWork();
    await inTransaction((trx) => once(trx, { scope: SCOPE, token: 't-1', request: REQUEST }, NOW, work.run));
    const changed = { ...REQUEST, resourceType: 'RESOURCE_GROUP' };
    const result = await inTransaction((trx) =>
      once(trx, { scope: SCOPE, token: 't-1', request: changed }, NOW + IDEMPOTENCY_RETENTION_MS + 1, work.run),
    );
    expect(result).toEqual({ id: 'wt-2' });
  });

  it('runs the work every time when there is no token', async () => {
    const work = countingWork();
    await inTransaction((trx) => once(trx, undefined, NOW, work.run));
    await inTransaction((trx) => once(trx, undefined, NOW, work.run));
    expect(work.runs()).toBe(2);
  });

  it('remembers nothing when the work fails', async () => {
    const key = { scope: SCOPE, token: 't-1', request: REQUEST };
    await expect(
      inTransaction((trx) =>
        once(trx, key, NOW, async () => {
          throw new Error('quota exceeded');
        }),
      ),
    ).rejects.toThrow('quota exceeded');
    expect(await store.getIdempotencyRecord(SCOPE, 't-1')).toBeUndefined();
    const work = countingWork();
    expect(await inTransaction((trx) => once(trx, key, NOW, work.run))).toEqual({ id: 'wt-1' });
  });
});

describe('requestHash', () => {
  it('ignores member order and absent members', () => {
    expect(requestHash({ a: 1, b: { c: 2, d: undefined } })).toBe(requestHash({ b: { c: 2 }, a: 1 }));
  });

  it('tells apart requests with different values', () => {
    expect(requestHash({ a: 1 })).not.toBe(requestHash({ a: 2 }));
  });
});
