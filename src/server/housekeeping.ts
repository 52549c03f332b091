/**
 * Periodic store housekeeping: forget expired idempotency records and refresh the planner's
 * statistics, once at start and then every `intervalMs`. Stops when `signal` aborts.
 */
import { IDEMPOTENCY_RETENTION_MS } from '../services/idempotency.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from '../store/store.js';

export const HOUSEKEEPING_INTERVAL_MS = 60 * 60 * 1000;

export async function runHousekeeping(
  store: Store,
  clock: Clock,
  logger: Logger,
  signal: AbortSignal,
  intervalMs = HOUSEKEEPING_INTERVAL_MS,
): Promise<void> {
  while (!signal.aborted) {
    try {
      await store.maintain(clock.now().getTime() - IDEMPOTENCY_RETENTION_MS);
    } catch (error) {
      logger.error({ err: error }, 'store housekeeping failed; retrying at the next interval');
    }
    try {
      await clock.sleep(intervalMs, signal);
    } catch {
      // Aborted: the server is stopping.
      return;
    }
  }
}
