import { describe, expect, it } from 'vitest';
import { silentLogger } from '../shared/logger.js';
import type { InvocationChange, Store } from '../store/store.js';
import { WriteBuffer } from './write-buffer.js';

/** A store that records each batch and holds every transaction until the test opens the gate. */
function recordingStore() {
  const batches: InvocationChange[][] = [];
  let open: () => void = () => {};
  let gate = Promise.resolve();
  const store = {
    transaction: async (fn: (store: Store) => Promise<unknown>) => {
      await gate;
      return fn(store as unknown as Store);
    },
    applyInvocationChanges: async (changes: readonly InvocationChange[]) => {
      batches.push([...changes]);
    },
    updateCommandProgress: async () => {},
  };
  return {
    store: store as unknown as Store,
    batches,
    hold: () => {
      gate = new Promise<void>((resolve) => (open = resolve));
    },
    release: () => open(),
  };
}

const output = (commandId: string, stdout: string): InvocationChange => ({
  commandId,
  instanceId: 'mi-0123456789abcdef0',
  outputs: [{ pluginName: 'run', stdout, stderr: '' }],
});

describe('WriteBuffer', () => {
  it('merges any number of unawaited outputs of one invocation into one change, the latest winning', async () => {
    const { store, batches } = recordingStore();
    const buffer = new WriteBuffer(store, silentLogger);
    for (let i = 0; i < 10_000; i++) {
      buffer.invocationUnawaited(output('c1', `line ${i}`));
    }
    await buffer.drain();
    expect(batches).toHaveLength(1);
    expect(batches[0]).toEqual([output('c1', 'line 9999')]);
  });

  it('keeps one pending change per invocation while a write is under way', async () => {
    const { store, batches, hold, release } = recordingStore();
    const buffer = new WriteBuffer(store, silentLogger);
    hold();
    buffer.invocationUnawaited(output('c1', 'first'));
    await new Promise((resolve) => setImmediate(resolve));
    for (let i = 0; i < 10_000; i++) {
      buffer.invocationUnawaited(output('c1', `during ${i}`));
      buffer.invocationUnawaited(output('c2', `other ${i}`));
    }
    release();
    await buffer.drain();
    expect(batches.map((batch) => batch.length)).toEqual([1, 2]);
    expect(batches[1]).toEqual([output('c1', 'during 9999'), output('c2', 'other 9999')]);
  });

  it('lets a result queued after unawaited outputs overwrite them and settles its waiter', async () => {
    const { store, batches } = recordingStore();
    const buffer = new WriteBuffer(store, silentLogger);
    buffer.invocationUnawaited(output('c1', 'partial'));
    await buffer.invocation({ ...output('c1', 'complete'), statusDetails: 'Success', endedAt: 5 });
    expect(batches).toEqual([[{ ...output('c1', 'complete'), statusDetails: 'Success', endedAt: 5 }]]);
  });
});
