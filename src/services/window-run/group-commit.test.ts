import { describe, expect, it } from 'vitest';
import type { Store } from '../../store/store.js';
import { GroupCommit } from './group-commit.js';

/** A store whose transactions record the writes they held; `failing` names writes that throw. */
function recordingStore(failing: ReadonlySet<string> = new Set()) {
  const transactions: string[][] = [];
  const store = {
    async transaction<T>(fn: (store: Store) => Promise<T>): Promise<T> {
      const writes: string[] = [];
      const bound = { write: (name: string) => writes.push(name), failing } as unknown as Store;
      const result = await fn(bound);
      transactions.push(writes);
      return result;
    },
  } as unknown as Store;
  return { store, transactions };
}

function write(name: string) {
  return async (store: Store) => {
    const bound = store as unknown as { write(name: string): void; failing: ReadonlySet<string> };
    await Promise.resolve();
    if (bound.failing.has(name)) {
      throw new Error(`${name} refused`);
    }
    bound.write(name);
    return name;
  };
}

describe('GroupCommit', () => {
  it('runs a lone write at once and groups the writes that arrive while it commits', async () => {
    const { store, transactions } = recordingStore();
    const commits = new GroupCommit(store);
    const results = await Promise.all(['a', 'b', 'c', 'd'].map((name) => commits.run(write(name))));
    expect(results).toEqual(['a', 'b', 'c', 'd']);
    expect(transactions).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('fails only the write at fault when a grouped transaction fails', async () => {
    const { store, transactions } = recordingStore(new Set(['c']));
    const commits = new GroupCommit(store);
    const outcomes = await Promise.allSettled(['a', 'b', 'c', 'd'].map((name) => commits.run(write(name))));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    // The group [b, c, d] rolled back; b and d were written again alone.
    expect(transactions).toEqual([['a'], ['b'], ['d']]);
  });

  it('keeps each transaction to the batch size', async () => {
    const { store, transactions } = recordingStore();
    const commits = new GroupCommit(store, 2);
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((name) => commits.run(write(name))));
    expect(transactions).toEqual([['a'], ['b', 'c'], ['d', 'e']]);
  });
});
