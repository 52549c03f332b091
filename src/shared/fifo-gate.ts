/**
 * At most `limit` holders at a time; waiters are served in arrival order and each is woken
 * exactly once (a release hands its place to the next waiter, so nobody re-checks and waits
 * again). Used where many callers queue for a scarce resource: the SQLite connection
 * (store/sqlite/fifo-dialect.ts), the benchmarks' handshakes in flight.
 */
export class FifoGate {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(limit = 1) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`FifoGate limit must be a whole number of at least 1; got ${limit}`);
    }
    this.free = limit;
  }

  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free -= 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next === undefined) {
      this.free += 1;
    } else {
      // Handed over: the place goes to the next waiter without being freed.
      next();
    }
  }

  /** Runs `task` holding a place. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  /** Callers waiting now (for tests and diagnostics). */
  get queued(): number {
    return this.waiting.length;
  }
}
