/**
 * ClientToken idempotency (spec §1.10): the first request with a token does the work and its
 * answer is remembered; a retry with the same token and the same request gets that answer
 * again (same ids, no new resource, no quota used); the same token with a different request is
 * refused. Runs inside the caller's transaction so that check and insert are atomic.
 */
import { createHash } from 'node:crypto';
import { IdempotencyMismatchError } from '../domain/errors.js';
import type { Store } from '../store/store.js';

/** How long a token is remembered. */
export const IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60 * 1000;

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(canonical);
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, member]) => member !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([key, member]) => [key, canonical(member)]),
    );
  }
  return value;
}

/** A hash of a request that ignores member order. */
export function requestHash(request: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(canonical(request)))
    .digest('hex');
}

export interface IdempotencyKey {
  readonly scope: string;
  readonly token: string;
  readonly request: unknown;
}

/**
 * Runs `work` once per (scope, token) and returns its result, or the remembered result of an
 * earlier identical request. Must be called inside a transaction on `store`.
 * @throws IdempotencyMismatchError when the token was used for a different request.
 */
export async function once<T>(
  store: Store,
  key: IdempotencyKey | undefined,
  now: number,
  work: () => Promise<T>,
): Promise<T> {
  if (key === undefined) {
    return work();
  }
  const hash = requestHash(key.request);
  const earlier = await store.getIdempotencyRecord(key.scope, key.token);
  if (earlier !== undefined && earlier.createdAt >= now - IDEMPOTENCY_RETENTION_MS) {
    if (earlier.requestHash !== hash) {
      throw new IdempotencyMismatchError(
        `ClientToken ${key.token} was already used with different parameters; use a new token for a different request.`,
      );
    }
    return JSON.parse(earlier.response) as T;
  }
  if (earlier !== undefined) {
    await store.pruneIdempotencyRecords(now - IDEMPOTENCY_RETENTION_MS);
  }
  const result = await work();
  await store.putIdempotencyRecord({
    scope: key.scope,
    token: key.token,
    requestHash: hash,
    response: JSON.stringify(result),
    createdAt: now,
  });
  return result;
}
