/**
 * Stops a benchmark run cleanly. Ctrl-C, SIGTERM or the run's time budget abort one signal; the
 * benchmark's loops check it (`throwIfAborted`, `sleep`) and its `main` cleans up in `finally`.
 * Hooks registered with `onAbort` stop whatever is running at that moment (a load generator).
 */
import { setTimeout as sleep } from 'node:timers/promises';

export class RunGuard {
  private readonly controller = new AbortController();
  private readonly hooks: (() => void)[] = [];
  private budget: NodeJS.Timeout | undefined;

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get isAborted(): boolean {
    return this.controller.signal.aborted;
  }

  /** Arms the time budget and the SIGINT/SIGTERM handlers. */
  start(budgetMs: number): void {
    this.budget = setTimeout(() => this.abort(`time budget of ${budgetMs / 60_000} min exceeded`), budgetMs);
    this.budget.unref();
    process.once('SIGINT', () => this.abort('interrupted (SIGINT)'));
    process.once('SIGTERM', () => this.abort('terminated (SIGTERM)'));
  }

  /** Runs `hook` when the run is aborted (at once if it already is). */
  onAbort(hook: () => void): void {
    this.hooks.push(hook);
    if (this.isAborted) {
      hook();
    }
  }

  abort(reason: string): void {
    if (this.isAborted) {
      return;
    }
    console.error(`\nStopping: ${reason}`);
    this.controller.abort(new Error(reason));
    for (const hook of this.hooks) {
      hook();
    }
  }

  throwIfAborted(): void {
    if (this.isAborted) {
      throw this.controller.signal.reason instanceof Error ? this.controller.signal.reason : new Error('aborted');
    }
  }

  /** Waits `ms`; rejects with the abort reason as soon as the run is aborted. */
  async sleep(ms: number): Promise<void> {
    this.throwIfAborted();
    try {
      await sleep(ms, undefined, { signal: this.controller.signal });
    } catch {
      this.throwIfAborted();
    }
  }

  /** Disarms the time budget (at the end of `main`). */
  dispose(): void {
    clearTimeout(this.budget);
  }
}
