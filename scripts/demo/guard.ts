/**
 * How a demo run stops early. Ctrl-C (SIGINT), SIGTERM, SIGHUP or the run's time budget abort one
 * signal; every wait of the demo takes it, so the story stops at once and `main` cleans up in
 * `finally`. The reason says what the demo was doing (`phase`) and which exit code it ends with.
 *
 * Modes: `running` → `stopping` (a signal or the budget aborted; further signals only print a
 * note, so a second Ctrl-C, or the copy npm forwards, cannot cut the cleanup short).
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** Why a run stopped before its end; `exitCode` is what the demo exits with. */
export class DemoStopped extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    /** The signal that stopped the run; undefined when it failed or ran out of time. */
    readonly signal?: NodeJS.Signals,
  ) {
    super(message);
    this.name = 'DemoStopped';
  }
}

const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
type StopSignal = keyof typeof SIGNAL_EXIT_CODES;

export class DemoGuard {
  private readonly controller = new AbortController();
  private budget: NodeJS.Timeout | undefined;
  private phase = 'starting';

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Arms the time budget and the signal handlers. */
  start(budgetMs: number): void {
    this.budget = setTimeout(
      () =>
        this.abort(
          new DemoStopped(
            `the demo did not finish within its time budget of ${Math.round(budgetMs / 1000)} s (it was ${this.phase})`,
            1,
          ),
        ),
      budgetMs,
    );
    this.budget.unref();
    for (const name of Object.keys(SIGNAL_EXIT_CODES) as StopSignal[]) {
      process.on(name, () => this.onSignal(name));
    }
  }

  /** Names what the demo does now, for the message of a timeout. */
  enter(phase: string): void {
    this.phase = phase;
  }

  /** No more time budget: the story is told (a --keep-running demo then waits for a signal). */
  disarmBudget(): void {
    clearTimeout(this.budget);
  }

  throwIfStopped(): void {
    if (this.controller.signal.aborted) {
      throw this.reason();
    }
  }

  /** Waits `ms`, or less when the run stops (then throws its reason). */
  async sleep(ms: number): Promise<void> {
    this.throwIfStopped();
    try {
      await sleep(ms, undefined, { signal: this.controller.signal });
    } catch {
      this.throwIfStopped();
    }
  }

  /** Resolves when the run is stopped by a signal (for --keep-running). */
  async untilStopped(): Promise<DemoStopped> {
    if (!this.controller.signal.aborted) {
      await new Promise<void>((resolve) => this.controller.signal.addEventListener('abort', () => resolve()));
    }
    return this.reason();
  }

  /** The reason the run stopped (a DemoStopped even when something else aborted it). */
  reason(): DemoStopped {
    const reason: unknown = this.controller.signal.reason;
    return reason instanceof DemoStopped ? reason : new DemoStopped(String(reason), 1);
  }

  private onSignal(name: StopSignal): void {
    if (this.controller.signal.aborted) {
      console.log(`(${name} received: already stopping; the cleanup is bounded in time)`);
      return;
    }
    this.abort(new DemoStopped(`stopped by ${name} while ${this.phase}`, SIGNAL_EXIT_CODES[name], name));
  }

  /** Stops the run as failed (exit 1), from outside any wait (a watchdog). */
  fail(message: string): void {
    this.abort(new DemoStopped(message, 1));
  }

  private abort(reason: DemoStopped): void {
    if (!this.controller.signal.aborted) {
      this.controller.abort(reason);
    }
  }
}
