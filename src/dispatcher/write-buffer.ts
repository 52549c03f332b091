/**
 * Batches the dispatcher's store writes: changes made in the same turn of the event loop are
 * written in one transaction, and each caller's promise settles when its change is durable.
 * Callers that must not act before the store agrees (sending a delivery, acknowledging a
 * result) await it; the others let it run.
 */
import type { Logger } from '../shared/logger.js';
import type { CommandProgressChange, InvocationChange, Store } from '../store/store.js';

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export class WriteBuffer {
  private invocations: InvocationChange[] = [];
  private progress = new Map<string, CommandProgressChange>();
  private waiters: Waiter[] = [];
  private scheduled = false;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
  ) {}

  /** Queues an invocation change; resolves once it is written. */
  invocation(change: InvocationChange): Promise<void> {
    this.invocations.push(change);
    return this.schedule();
  }

  /** Queues a command's progress (the latest per command wins); resolves once written. */
  commandProgress(change: CommandProgressChange): Promise<void> {
    this.progress.set(change.commandId, change);
    return this.schedule();
  }

  /** Resolves when everything queued so far is written. */
  async drain(): Promise<void> {
    while (this.scheduled || this.invocations.length > 0 || this.progress.size > 0) {
      await this.schedule();
    }
    await this.flushing;
  }

  private schedule(): Promise<void> {
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (!this.scheduled) {
      this.scheduled = true;
      // setImmediate: let the rest of this turn's changes join the batch.
      setImmediate(() => {
        this.flushing = this.flushing.then(() => this.flush());
      });
    }
    return done;
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const invocations = this.invocations;
    const progress = [...this.progress.values()];
    const waiters = this.waiters;
    this.invocations = [];
    this.progress = new Map();
    this.waiters = [];
    try {
      await this.store.transaction(async (store) => {
        await store.applyInvocationChanges(invocations);
        await store.updateCommandProgress(progress);
      });
      waiters.forEach((waiter) => waiter.resolve());
    } catch (error) {
      this.logger.error({ err: error, changes: invocations.length }, 'could not write dispatcher changes');
      waiters.forEach((waiter) => waiter.reject(error));
    }
  }
}
