/**
 * Group commit for the window engine's history writes. A write runs at once when none is in
 * flight; writes that arrive while one commits wait and then commit together in one
 * transaction (at most `maxBatch`). A thousand windows starting in the same second thus cost a
 * handful of commits rather than a thousand, and a lone write waits for nothing.
 *
 * A batch is all or nothing; when it fails, its writes are run again one by one, each in its
 * own transaction, so that only the write at fault fails (writes are store operations only:
 * running one again after a rollback is safe).
 */
import type { Store } from '../../store/store.js';

interface Pending {
  readonly write: (store: Store) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

export class GroupCommit {
  private queue: Pending[] = [];
  private committing = false;

  constructor(
    private readonly store: Store,
    private readonly maxBatch = 500,
  ) {}

  /** Runs `write` in a transaction (shared with the writes queued beside it). */
  run<T>(write: (store: Store) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ write, resolve: resolve as (value: unknown) => void, reject });
      if (!this.committing) {
        void this.drain();
      }
    });
  }

  private async drain(): Promise<void> {
    this.committing = true;
    try {
      while (this.queue.length > 0) {
        await this.commit(this.queue.splice(0, this.maxBatch));
      }
    } finally {
      this.committing = false;
    }
  }

  private async commit(batch: readonly Pending[]): Promise<void> {
    if (batch.length > 1) {
      const results: unknown[] = [];
      try {
        await this.store.transaction(async (store) => {
          for (const pending of batch) {
            results.push(await pending.write(store));
          }
        });
        batch.forEach((pending, index) => pending.resolve(results[index]));
        return;
      } catch {
        // One write failed: each alone below, so that only it fails.
      }
    }
    for (const pending of batch) {
      try {
        pending.resolve(await this.store.transaction(pending.write));
      } catch (error) {
        pending.reject(error);
      }
    }
  }
}
