/**
 * Batches the dispatcher's store writes: changes made close together are written in one
 * transaction, and each caller's promise settles when its change is durable. Callers that must
 * not act before the store agrees (sending a delivery, acknowledging a result) await it; the
 * others let it run.
 *
 * Two changes to the same invocation waiting in the queue are merged (its status only moves
 * forward, so the later one wins, keeping the times and results either carries; outputs are
 * merged per step, the later one winning, so a result overwrites a running step's output). A transaction
 * takes at most `maxBatch` invocation changes, so that with thousands queued the first
 * deliveries go out after the first batch rather than after all of them; a command's progress
 * waits for the last batch holding changes of its invocations.
 */
import type { Logger } from '../shared/logger.js';
import type { CommandProgressChange, InvocationChange, Store } from '../store/store.js';

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

interface Pending {
  change: InvocationChange;
  readonly waiters: Waiter[];
}

/** Outputs of both, per step; the later one's wins for a step both carry. */
function mergeOutputs(
  earlier: InvocationChange['outputs'],
  later: InvocationChange['outputs'],
): InvocationChange['outputs'] {
  if (earlier === undefined || later === undefined) {
    return later ?? earlier;
  }
  const names = new Set(later.map((output) => output.pluginName));
  return [...earlier.filter((output) => !names.has(output.pluginName)), ...later];
}

function merge(earlier: InvocationChange, later: InvocationChange): InvocationChange {
  return {
    commandId: later.commandId,
    instanceId: later.instanceId,
    // A change without a status (a running step's output) leaves the earlier one's.
    statusDetails: later.statusDetails ?? earlier.statusDetails,
    dispatchedAt: later.dispatchedAt ?? earlier.dispatchedAt,
    deliveredAt: later.deliveredAt ?? earlier.deliveredAt,
    endedAt: later.endedAt ?? earlier.endedAt,
    plugins: later.plugins ?? earlier.plugins,
    outputs: mergeOutputs(earlier.outputs, later.outputs),
  };
}

export class WriteBuffer {
  private invocations = new Map<string, Pending>();
  private progress = new Map<string, { change: CommandProgressChange; waiters: Waiter[] }>();
  private scheduled = false;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly maxBatch = 1000,
  ) {}

  /** Queues an invocation change; resolves once it is written. */
  invocation(change: InvocationChange): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const key = `${change.commandId}|${change.instanceId}`;
      const queued = this.invocations.get(key);
      if (queued === undefined) {
        this.invocations.set(key, { change, waiters: [{ resolve, reject }] });
      } else {
        queued.change = merge(queued.change, change);
        queued.waiters.push({ resolve, reject });
      }
      this.schedule();
    });
  }

  /**
   * Queues an invocation change that nobody awaits (a running step's output): merged into the
   * invocation's pending change like any other, but without a waiter, so however many arrive
   * between two flushes they cost one pending change. A failed write is logged by the flush.
   */
  invocationUnawaited(change: InvocationChange): void {
    const key = `${change.commandId}|${change.instanceId}`;
    const queued = this.invocations.get(key);
    if (queued === undefined) {
      this.invocations.set(key, { change, waiters: [] });
    } else {
      queued.change = merge(queued.change, change);
    }
    this.schedule();
  }

  /** Queues a command's progress (the latest per command wins); resolves once written. */
  commandProgress(change: CommandProgressChange): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiters = this.progress.get(change.commandId)?.waiters ?? [];
      waiters.push({ resolve, reject });
      this.progress.set(change.commandId, { change, waiters });
      this.schedule();
    });
  }

  /** Resolves when everything queued so far is written. */
  async drain(): Promise<void> {
    while (this.scheduled || this.invocations.size > 0 || this.progress.size > 0) {
      await new Promise<void>((resolve) => {
        this.schedule();
        setImmediate(resolve);
      });
      await this.flushing;
    }
    await this.flushing;
  }

  private schedule(): void {
    if (!this.scheduled) {
      this.scheduled = true;
      // setImmediate: let the rest of this turn's changes join the batch.
      setImmediate(() => {
        this.flushing = this.flushing.then(() => this.flush());
      });
    }
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch: Pending[] = [];
    for (const [key, pending] of this.invocations) {
      if (batch.length >= this.maxBatch) {
        break;
      }
      batch.push(pending);
      this.invocations.delete(key);
    }
    // A command's progress is written with (or after) the last of its queued invocation
    // changes, never before them: a reader must not see a command finished whose results are
    // not yet stored.
    const unwritten = new Set([...this.invocations.values()].map((pending) => pending.change.commandId));
    const progress = [...this.progress.values()].filter((entry) => !unwritten.has(entry.change.commandId));
    for (const entry of progress) {
      this.progress.delete(entry.change.commandId);
    }
    if (this.invocations.size > 0 || this.progress.size > 0) {
      this.schedule();
    }
    const waiters = [...batch.flatMap((pending) => pending.waiters), ...progress.flatMap((entry) => entry.waiters)];
    try {
      await this.store.transaction(async (store) => {
        await store.applyInvocationChanges(batch.map((pending) => pending.change));
        await store.updateCommandProgress(progress.map((entry) => entry.change));
      });
      waiters.forEach((waiter) => waiter.resolve());
    } catch (error) {
      this.logger.error({ err: error, changes: batch.length }, 'could not write dispatcher changes');
      waiters.forEach((waiter) => waiter.reject(error));
    }
  }
}
