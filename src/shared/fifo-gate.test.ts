import { describe, expect, it } from 'vitest';
import { FifoGate } from './fifo-gate.js';

describe('FifoGate', () => {
  it('serves waiters one at a time, in arrival order', async () => {
    const gate = new FifoGate();
    const order: number[] = [];
    let holders = 0;
    let mostHolders = 0;
    await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        await gate.acquire();
        holders += 1;
        mostHolders = Math.max(mostHolders, holders);
        order.push(i);
        await Promise.resolve();
        holders -= 1;
        gate.release();
      }),
    );
    expect(order).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(mostHolders).toBe(1);
    expect(gate.queued).toBe(0);
  });
});
