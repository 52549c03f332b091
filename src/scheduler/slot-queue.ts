/**
 * Execution slots (spec §6.10): at most `capacity` are held at once; waiters receive them in
 * the order of their key (the due time), ties in the order they came. A holder may also be
 * admitted beyond the capacity (an execution resumed after a restart already holds its slot).
 */
interface Waiter<T> {
  readonly item: T;
  readonly key: number;
}

export class SlotQueue<T> {
  private readonly held = new Set<T>();
  /** Sorted by key, then arrival. */
  private readonly waiting: Waiter<T>[] = [];

  /** @param granted called when a waiter receives its slot. */
  constructor(
    private readonly capacity: number,
    private readonly granted: (item: T) => void,
  ) {}

  /** Admits a holder whatever the capacity. */
  hold(item: T): void {
    this.held.add(item);
  }

  /** Queues for a slot; it may be granted at once. */
  wait(item: T, key: number): void {
    let low = 0;
    let high = this.waiting.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.waiting[middle]!.key <= key) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    this.waiting.splice(low, 0, { item, key });
    this.grant();
  }

  holds(item: T): boolean {
    return this.held.has(item);
  }

  /** Gives up a slot, or a place in the queue; the next waiters are granted. */
  release(item: T): void {
    const index = this.waiting.findIndex((waiter) => waiter.item === item);
    if (index >= 0) {
      this.waiting.splice(index, 1);
    }
    if (this.held.delete(item)) {
      this.grant();
    }
  }

  private grant(): void {
    const free = Math.max(0, this.capacity - this.held.size);
    for (const { item } of this.waiting.splice(0, Math.min(free, this.waiting.length))) {
      this.held.add(item);
      this.granted(item);
    }
  }
}
