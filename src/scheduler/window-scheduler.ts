/**
 * The scheduler: fires every enabled window at the due times its schedule gives (spec §6.2),
 * one execution per due time, and hands each to the window runner. It reads windows from the
 * store and records what it decides for each due time through the WindowRunService, all the
 * due times of one pass in one transaction.
 *
 * It keeps, per window, a cursor: the latest instant up to which due times are handled. Its
 * loop sleeps until the earliest next due time of any window (at most `maxSleepMs`, so a
 * wall-clock jump is noticed), then handles, for every window whose next due time has come,
 * the due times in (cursor, now]:
 * - the latest starts if the window is still before its cutoff (late, after downtime or a
 *   stalled process, but in its own time frame); if the window's previous execution is still
 *   running, it is recorded as SKIPPED_OVERLAPPING;
 * - any earlier ones, and the latest if its cutoff has passed, are recorded as not started
 *   (TIMED_OUT, with the reason), at most `maxMissedRecords` per window and pass.
 * The store's unique (window, due time) key makes a second execution for one due time
 * impossible, whatever happens around a crash or between two servers.
 *
 * After a restart, a window's cursor starts at its latest recorded due time, or at its last
 * modification when that is later (a window created, re-enabled or rescheduled while the
 * server ran has nothing to catch up before that moment).
 */
import { windowSchedule, type MaintenanceWindow } from '../domain/maintenance-window.js';
import { nextRunAfter } from '../domain/schedule/schedule.js';
import { runFrame } from '../domain/window-run.js';
import type { DueTime } from '../services/window-run/due-times.js';
import type { WindowRunService } from '../services/window-run/window-run-service.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from '../store/store.js';
import type { WindowRunner } from './window-runner.js';

export interface SchedulerOptions {
  /** Longest sleep between two looks at the clock. */
  readonly maxSleepMs: number;
  /** Missed due times recorded per window in one pass; older ones are only logged. */
  readonly maxMissedRecords: number;
}

export const DEFAULT_SCHEDULER_OPTIONS = {
  maxSleepMs: 60_000,
  maxMissedRecords: 100,
} as const satisfies SchedulerOptions;

/** Due times examined per window and pass: bounds the work after a very long downtime. */
const MAX_DUE_TIMES_PER_PASS = 100_000;

interface Entry {
  window: MaintenanceWindow;
  /** Due times at or before this instant are handled. */
  cursor: number;
  /** The first due time after the cursor, or undefined when the window never runs again. */
  next: number | undefined;
}

export class WindowScheduler {
  private readonly entries = new Map<string, Entry>();
  private readonly stopping = new AbortController();
  private sleeping = new AbortController();
  private loop: Promise<void> | undefined;
  /** Changes are applied one at a time, in order, between passes. */
  private work: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly runs: Pick<WindowRunService, 'recordDueTimes'>,
    private readonly runner: Pick<WindowRunner, 'activeExecution' | 'beginAll' | 'windowDeleted'>,
    private readonly options: SchedulerOptions = DEFAULT_SCHEDULER_OPTIONS,
  ) {}

  /** Loads every window, catches up what was missed while stopped, and starts the loop. */
  async start(): Promise<void> {
    const lastDue = await this.store.lastDueTimes();
    for (const window of await this.store.listAllWindows()) {
      this.track(window, Math.max(lastDue.get(window.windowId) ?? -Infinity, window.modifiedAt));
    }
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    this.sleeping.abort();
    await this.loop;
    await this.work;
  }

  /** A window was created or updated. */
  windowChanged(windowId: string): void {
    this.enqueue(async () => {
      const window = await this.store.getWindow(windowId);
      if (window === undefined) {
        this.entries.delete(windowId);
        return;
      }
      const previous = this.entries.get(windowId);
      // A new or rescheduled window starts counting now; another change keeps its place.
      const cursor =
        previous === undefined || scheduleChanged(previous.window, window)
          ? Math.max(previous?.cursor ?? -Infinity, this.now() - 1)
          : previous.cursor;
      this.track(window, cursor);
    });
  }

  windowDeleted(windowId: string): void {
    this.enqueue(async () => {
      this.entries.delete(windowId);
      this.runner.windowDeleted(windowId);
    });
  }

  /** The next due time the scheduler will fire for a window (for tests and diagnostics). */
  nextDue(windowId: string): number | undefined {
    return this.entries.get(windowId)?.next;
  }

  /** Resolves once the changes notified so far are applied and due windows fired (for tests). */
  async settled(): Promise<void> {
    await this.work;
  }

  private enqueue(change: () => Promise<void>): void {
    this.work = this.work
      .then(change)
      .catch((error: unknown) => this.logger.error({ err: error }, 'scheduler could not apply a window change'));
    // Re-plan the sleep once the change is in.
    void this.work.then(() => this.sleeping.abort());
  }

  private track(window: MaintenanceWindow, cursor: number): void {
    this.entries.set(window.windowId, { window, cursor, next: this.nextAfter(window, cursor) });
  }

  private nextAfter(window: MaintenanceWindow, after: number): number | undefined {
    if (!window.enabled) {
      return undefined;
    }
    return nextRunAfter(windowSchedule(window), new Date(Number.isFinite(after) ? after : 0))?.getTime();
  }

  private async run(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      this.work = this.work
        .then(() => this.firePass())
        .catch((error: unknown) => {
          this.logger.error({ err: error }, 'scheduler pass failed; retrying at the next wake-up');
        });
      await this.work;
      const earliest = this.earliestDue();
      const sleepMs = Math.min(
        this.options.maxSleepMs,
        earliest === undefined ? Infinity : Math.max(0, earliest - this.now()),
      );
      this.sleeping = new AbortController();
      const stop = () => this.sleeping.abort();
      this.stopping.signal.addEventListener('abort', stop, { once: true });
      try {
        await this.clock.sleep(sleepMs, this.sleeping.signal);
      } catch {
        // Woken early: a window changed, or the scheduler is stopping.
      } finally {
        this.stopping.signal.removeEventListener('abort', stop);
      }
    }
  }

  private earliestDue(): number | undefined {
    let earliest: number | undefined;
    for (const entry of this.entries.values()) {
      if (entry.next !== undefined && (earliest === undefined || entry.next < earliest)) {
        earliest = entry.next;
      }
    }
    return earliest;
  }

  /** Handles every window whose next due time has come, recording all their due times at once. */
  private async firePass(): Promise<void> {
    const now = this.now();
    const decisions: DueTime[] = [];
    for (const entry of this.entries.values()) {
      if (entry.next !== undefined && entry.next <= now) {
        decisions.push(...this.dueTimesOf(entry, now));
      }
    }
    if (decisions.length === 0 || this.stopping.signal.aborted) {
      return;
    }
    this.runner.beginAll(await this.runs.recordDueTimes(decisions));
  }

  /** What happens to the due times of one window in (cursor, now]; moves its cursor past them. */
  private dueTimesOf(entry: Entry, now: number): DueTime[] {
    const { window } = entry;
    const schedule = windowSchedule(window);
    const due: number[] = [];
    for (let at = entry.next; at !== undefined && at <= now && due.length < MAX_DUE_TIMES_PER_PASS;) {
      due.push(at);
      at = nextRunAfter(schedule, new Date(at))?.getTime();
    }
    const latest = due[due.length - 1]!;
    const missed = due.slice(0, -1);
    const decisions: DueTime[] = [];
    if (now < runFrame(window, latest).cutoffAt) {
      const running = this.runner.activeExecution(window.windowId);
      decisions.push(
        running === undefined
          ? { kind: 'start', window, dueAt: latest }
          : { kind: 'overlapping', window, dueAt: latest, running },
      );
    } else {
      missed.push(latest);
    }
    if (missed.length > this.options.maxMissedRecords) {
      this.logger.warn(
        { windowId: window.windowId, missed: missed.length, recorded: this.options.maxMissedRecords },
        'window due times missed while the server was not running: only the latest are recorded',
      );
    }
    for (const dueAt of missed.slice(-this.options.maxMissedRecords)) {
      decisions.push({ kind: 'missed', window, dueAt });
    }
    entry.cursor = Math.max(latest, now);
    entry.next = this.nextAfter(window, entry.cursor);
    return decisions;
  }

  private now(): number {
    return this.clock.now().getTime();
  }
}

/** Whether an update changes when the window runs. */
function scheduleChanged(before: MaintenanceWindow, after: MaintenanceWindow): boolean {
  return (
    before.schedule !== after.schedule ||
    before.scheduleTimezone !== after.scheduleTimezone ||
    before.scheduleOffset !== after.scheduleOffset ||
    before.startDate !== after.startDate ||
    before.endDate !== after.endDate ||
    before.enabled !== after.enabled ||
    before.scheduleAnchorAt !== after.scheduleAnchorAt
  );
}
