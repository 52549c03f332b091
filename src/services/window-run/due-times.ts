/**
 * Due times as the history records them (spec §6.2): one row per (window, due time), whatever
 * the scheduler decided: started (PENDING), skipped while the previous execution runs
 * (SKIPPED_OVERLAPPING), or missed (TIMED_OUT, with why it was missed).
 */
import type { MaintenanceWindow } from '../../domain/maintenance-window.js';
import { formatScheduleTime } from '../../domain/schedule/schedule.js';
import type { WindowExecution } from '../../domain/window-execution.js';
import { DETAILS, runFrame } from '../../domain/window-run.js';
import { newUuid } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';

/** What the scheduler decided for one due time of one window. */
export type DueTime = { readonly window: MaintenanceWindow; readonly dueAt: number } & (
  | { readonly kind: 'start' | 'missed' }
  /** Its previous execution (`running`) still runs. */
  | { readonly kind: 'overlapping'; readonly running: string }
);

/** The row one due time adds to the history. */
export function dueTimeRecord(decision: DueTime, now: number): WindowExecution {
  const { window, dueAt } = decision;
  const base = { windowExecutionId: newUuid(), windowId: window.windowId, scheduledAt: dueAt };
  switch (decision.kind) {
    case 'start':
      return { ...base, status: 'PENDING', startedAt: now };
    case 'overlapping':
      return {
        ...base,
        status: 'SKIPPED_OVERLAPPING',
        statusDetails: DETAILS.overlapping(decision.running),
        startedAt: dueAt,
        endedAt: dueAt,
      };
    case 'missed':
      return {
        ...base,
        status: 'TIMED_OUT',
        statusDetails: DETAILS.missed(missedReason(window, dueAt, now)),
        startedAt: dueAt,
        endedAt: dueAt,
      };
  }
}

function missedReason(window: MaintenanceWindow, dueAt: number, now: number): string {
  const zone = window.scheduleTimezone ?? 'UTC';
  const cutoffAt = runFrame(window, dueAt).cutoffAt;
  return cutoffAt <= now
    ? `the server did not run it between its due time ${formatScheduleTime(new Date(dueAt), zone)} and its cutoff ${formatScheduleTime(new Date(cutoffAt), zone)} (it was stopped or stalled).`
    : `due ${formatScheduleTime(new Date(dueAt), zone)}, but a later due time of this window started instead.`;
}

/** Logs what one scheduler pass recorded: skips one by one, misses per window, starts with their lateness. */
export function logDueTimes(
  logger: Logger,
  decisions: readonly DueTime[],
  started: readonly WindowExecution[],
  now: number,
): void {
  const missed = new Map<string, number>();
  for (const decision of decisions) {
    if (decision.kind === 'overlapping') {
      logger.info(
        { windowId: decision.window.windowId, running: decision.running },
        'window due while its previous execution runs: skipped',
      );
    } else if (decision.kind === 'missed') {
      missed.set(decision.window.windowId, (missed.get(decision.window.windowId) ?? 0) + 1);
    }
  }
  for (const [windowId, count] of missed) {
    logger.warn({ windowId, recorded: count }, 'window due times missed while the server was not running');
  }
  for (const execution of started) {
    logger.info(
      {
        windowId: execution.windowId,
        windowExecutionId: execution.windowExecutionId,
        lateMs: now - execution.scheduledAt,
      },
      'window execution started',
    );
  }
}
