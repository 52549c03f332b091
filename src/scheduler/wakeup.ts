/**
 * A wake-up call for one waiting loop: `notify()` wakes the current `wait()`, or the next one
 * if nobody waits yet, so a notification that arrives between two waits is never lost. Several
 * notifications before a wait wake it once: the loop re-examines everything when it wakes.
 */
export class Wakeup {
  private pending = false;
  private resolve: (() => void) | undefined;

  notify(): void {
    const resolve = this.resolve;
    if (resolve === undefined) {
      this.pending = true;
      return;
    }
    this.resolve = undefined;
    resolve();
  }

  /** Resolves at the next notification (at once if one came since the last wait). */
  wait(): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.resolve = resolve;
    });
  }
}
