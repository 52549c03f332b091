/**
 * Periodic store housekeeping, once at start and then every `intervalMs`: prune the history
 * (window executions and commands ended more than `historyRetentionMs` ago), forget expired
 * idempotency records, forget audit entries older than the audit retention and refresh the
 * planner's statistics. Stops when `signal` aborts.
 */
import { IDEMPOTENCY_RETENTION_MS } from '../services/idempotency.js';
import type { AuditLog } from '../services/audit-log.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from '../store/store.js';

export const HOUSEKEEPING_INTERVAL_MS = 60 * 60 * 1000;

export async function runHousekeeping(
  store: Store,
  clock: Clock,
  logger: Logger,
  signal: AbortSignal,
  historyRetentionMs: number,
  audit: { readonly audit: AuditLog; readonly retentionMs: number } | undefined,
  intervalMs = HOUSEKEEPING_INTERVAL_MS,
): Promise<void> {
  while (!signal.aborted) {
    try {
      const now = clock.now().getTime();
      const pruned = await store.pruneHistory(now - historyRetentionMs);
      if (pruned.windowExecutions > 0 || pruned.commands > 0) {
        logger.info(pruned, 'pruned history older than the retention period');
      }
      if (audit !== undefined) {
        const auditPruned = await audit.audit.prune(now - audit.retentionMs);
        if (auditPruned > 0) {
          logger.info({ auditEntries: auditPruned }, 'pruned audit entries older than the audit retention');
        }
      }
      await store.maintain(now - IDEMPOTENCY_RETENTION_MS);
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
