import { describe, expect, it } from 'vitest';
import { FakeClock } from '../shared/fake-clock.js';
import { watchBodyProgress, type BodyWatchOutcome } from './body-progress.js';

const RULE = { periodMs: 3000, minBytesPerSecond: 100 };

function body() {
  const state = { bytes: 0, complete: false };
  return { state, view: { bytesRead: () => state.bytes, complete: () => state.complete } };
}

async function settled(promise: Promise<BodyWatchOutcome>): Promise<BodyWatchOutcome | 'pending'> {
  return Promise.race([promise, new Promise<'pending'>((resolve) => setImmediate(() => resolve('pending')))]);
}

describe('watchBodyProgress', () => {
  it('stops a body trickled at 1 byte/s after one period', async () => {
    const clock = new FakeClock();
    const { state, view } = body();
    const watch = watchBodyProgress(view, RULE, clock, new AbortController().signal);
    for (let second = 0; second < 2; second += 1) {
      state.bytes += 1;
      await clock.advance(1000);
    }
    expect(await settled(watch)).toBe('pending');
    state.bytes += 1;
    await clock.advance(1000);
    expect(await watch).toBe('stalled');
  });

  it('lets a body run for several periods while it arrives at the minimum rate', async () => {
    const clock = new FakeClock();
    const { state, view } = body();
    const watch = watchBodyProgress(view, RULE, clock, new AbortController().signal);
    for (let period = 0; period < 5; period += 1) {
      state.bytes += 300;
      await clock.advance(3000);
    }
    expect(await settled(watch)).toBe('pending');
    state.complete = true;
    await clock.advance(3000);
    expect(await watch).toBe('complete');
  });

  it('ends without judging when the signal aborts, and leaves no sleeper behind', async () => {
    const clock = new FakeClock();
    const done = new AbortController();
    const watch = watchBodyProgress(body().view, RULE, clock, done.signal);
    done.abort();
    expect(await watch).toBe('aborted');
    expect(clock.pendingSleepers).toBe(0);
  });
});
