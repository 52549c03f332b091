/**
 * The audit log: every mutating call and every refusal, kept for the retention period
 * (MADO_AUDIT_RETENTION_DAYS, pruned by housekeeping) and read through Mado.ListAuditEvents.
 * Reads by the operator and read-only roles are not audited (too frequent to be useful).
 *
 * Flood limit (refusals can be produced by anyone who reaches the port, unauthenticated): per
 * source address and per minute (fixed windows aligned to the minute), at most
 * `refusalsPerAddressPerMinute` (default 10) `refused`/`denied` rows are written, and at most
 * `refusalsPerMinute` (default 60) in all. Refusals beyond either limit are counted, not written;
 * each address with a count gets one `suppressed` row ("N more refusals suppressed") when its
 * minute ends (written at the next record or listing after it), and before any listing, so a
 * reader never misses one. At most `trackedAddresses` (default 50) addresses are counted apart
 * per minute; the rest share one row with no address. Worst case: about 110 rows a minute.
 * `allowed` and `failed` rows (authenticated callers with a write role) are never limited.
 */
import type { AuditOutcome, AuditRecord, AuditRecorder } from '../shared/audit-recorder.js';
import { newUuid } from '../shared/ids.js';
import type { AuditEntry, AuditQuery, Page } from '../store/store.js';
import type { ServiceContext } from './service-context.js';

export interface AuditLimits {
  readonly refusalsPerAddressPerMinute: number;
  readonly refusalsPerMinute: number;
  readonly trackedAddresses: number;
}

export const DEFAULT_AUDIT_LIMITS: AuditLimits = {
  refusalsPerAddressPerMinute: 10,
  refusalsPerMinute: 60,
  trackedAddresses: 50,
};

const MINUTE_MS = 60_000;
/** The key of the shared bucket for addresses beyond `trackedAddresses`. */
const OTHERS = '';

interface MinuteCounts {
  readonly minuteStart: number;
  written: number;
  readonly writtenByAddress: Map<string, number>;
  readonly suppressedByAddress: Map<string, number>;
}

export class AuditLog implements AuditRecorder {
  private minute: MinuteCounts | undefined;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly limits: AuditLimits = DEFAULT_AUDIT_LIMITS,
  ) {}

  async record(record: AuditRecord): Promise<void> {
    const now = this.ctx.clock.now().getTime();
    try {
      await this.flushEndedMinute(now);
      if ((record.outcome === 'refused' || record.outcome === 'denied') && !this.admitRefusal(record, now)) {
        return;
      }
      await this.append({ ...record, auditId: newUuid(), at: now });
    } catch (error) {
      // The audit trail must not turn a completed request into a failure; it is logged instead.
      this.ctx.logger.error({ err: error, operation: record.operation }, 'could not write the audit log');
    }
  }

  /** Newest first; suppressed-refusal counts so far are written first, so the listing has them. */
  async list(query: AuditQuery): Promise<Page<AuditEntry>> {
    await this.flushSuppressed(this.ctx.clock.now().getTime());
    return this.ctx.store.listAudit(query);
  }

  /** Forgets entries recorded before `before`; returns how many. */
  async prune(before: number): Promise<number> {
    return this.ctx.store.pruneAudit(before);
  }

  /** Writes the suppressed counts not yet written (at listing and at shutdown). */
  async flushSuppressed(now: number): Promise<void> {
    const minute = this.minute;
    if (minute === undefined) {
      return;
    }
    const counts = [...minute.suppressedByAddress];
    minute.suppressedByAddress.clear();
    for (const [address, count] of counts) {
      await this.append({
        auditId: newUuid(),
        at: now,
        operation: 'Refusals',
        outcome: 'suppressed' satisfies AuditOutcome,
        detail: `${count} more refusals ${address === OTHERS ? 'from other addresses' : `from ${address}`} suppressed in the minute from ${new Date(minute.minuteStart).toISOString()}`,
        sourceIp: address === OTHERS ? undefined : address,
      });
    }
  }

  private async flushEndedMinute(now: number): Promise<void> {
    if (this.minute !== undefined && now - this.minute.minuteStart >= MINUTE_MS) {
      await this.flushSuppressed(now);
      this.minute = undefined;
    }
  }

  /** Whether a refusal is written (true) or only counted (false). */
  private admitRefusal(record: AuditRecord, now: number): boolean {
    const minute = (this.minute ??= {
      minuteStart: now - (now % MINUTE_MS),
      written: 0,
      writtenByAddress: new Map(),
      suppressedByAddress: new Map(),
    });
    const address = record.sourceIp ?? OTHERS;
    const byAddress = minute.writtenByAddress.get(address) ?? 0;
    if (byAddress < this.limits.refusalsPerAddressPerMinute && minute.written < this.limits.refusalsPerMinute) {
      if (minute.writtenByAddress.size < this.limits.trackedAddresses || minute.writtenByAddress.has(address)) {
        minute.writtenByAddress.set(address, byAddress + 1);
      }
      minute.written += 1;
      return true;
    }
    const tracked =
      minute.suppressedByAddress.has(address) || minute.suppressedByAddress.size < this.limits.trackedAddresses;
    const bucket = tracked ? address : OTHERS;
    minute.suppressedByAddress.set(bucket, (minute.suppressedByAddress.get(bucket) ?? 0) + 1);
    return false;
  }

  private async append(entry: AuditEntry): Promise<void> {
    await this.ctx.store.appendAudit(entry);
  }
}
