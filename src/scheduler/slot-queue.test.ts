import { describe, expect, it } from 'vitest';
import { SlotQueue } from './slot-queue.js';

describe('SlotQueue', () => {
  it('grants free slots at once and the rest in due-time order as slots are released', () => {
    const granted: string[] = [];
    const slots = new SlotQueue<string>(2, (item) => granted.push(item));
    slots.wait('late', 300);
    slots.wait('early', 100);
    expect(granted).toEqual(['late', 'early']);
    slots.wait('third', 250);
    slots.wait('first', 50);
    slots.wait('second', 250);
    expect(slots.holds('first')).toBe(false);
    slots.release('late');
    slots.release('early');
    // Same due time: in the order they came.
    slots.release('first');
    expect(granted).toEqual(['late', 'early', 'first', 'third', 'second']);
  });

  it('admits a resumed holder beyond the capacity, and a waiter that leaves frees its place', () => {
    const granted: string[] = [];
    const slots = new SlotQueue<string>(1, (item) => granted.push(item));
    slots.hold('resumed');
    slots.hold('also-resumed');
    slots.wait('a', 1);
    slots.wait('b', 2);
    slots.release('a');
    slots.release('resumed');
    expect(granted).toEqual([]);
    slots.release('also-resumed');
    expect(granted).toEqual(['b']);
  });
});
