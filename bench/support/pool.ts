/** Bounded concurrency for the benchmarks' setup calls (registrations, window creation). */
import type { RunGuard } from './run-guard.js';

/** Runs `work` on every item, `inFlight` at a time; rejects on the first failure. */
export async function inPool<T, R>(
  items: readonly T[],
  inFlight: number,
  guard: RunGuard,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      guard.throwIfAborted();
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, items.length) }, () => worker()));
  return results;
}
