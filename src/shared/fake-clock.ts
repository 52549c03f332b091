/**
 * A Clock for tests: time moves only when the test says so. `advance(ms)` wakes every sleeper
 * whose deadline falls within the step, in deadline order; `set(date)` jumps (also backwards).
 * One per test: sleepers of one clock never see another's time.
 */
import type { Clock } from './clock.js';

interface Sleeper {
  readonly wakeAt: number;
  readonly resolve: () => void;
}

export class FakeClock implements Clock {
  private nowMs: number;
  private sleepers: Sleeper[] = [];

  constructor(start: Date | number = Date.UTC(2026, 0, 1)) {
    this.nowMs = typeof start === 'number' ? start : start.getTime();
  }

  now(): Date {
    return new Date(this.nowMs);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = () => {
        this.sleepers = this.sleepers.filter((other) => other !== sleeper);
        reject(signal?.reason);
      };
      const sleeper: Sleeper = {
        wakeAt: this.nowMs + Math.max(0, ms),
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.sleepers.push(sleeper);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Moves time forward by `ms`, waking sleepers in deadline order (letting each run). */
  async advance(ms: number): Promise<void> {
    const target = this.nowMs + ms;
    for (;;) {
      const next = this.sleepers.filter((sleeper) => sleeper.wakeAt <= target).sort((a, b) => a.wakeAt - b.wakeAt)[0];
      if (next === undefined) {
        break;
      }
      this.nowMs = Math.max(this.nowMs, next.wakeAt);
      this.sleepers = this.sleepers.filter((sleeper) => sleeper !== next);
      next.resolve();
      // Let the woken code run (and perhaps sleep again) before the next deadline.
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.nowMs = target;
  }

  /** Jumps to `date` without waking anyone (time may go backwards). */
  set(date: Date): void {
    this.nowMs = date.getTime();
  }

  /** Sleepers waiting now. */
  get pendingSleepers(): number {
    return this.sleepers.length;
  }
}
