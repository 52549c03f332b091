import { describe, expect, it } from 'vitest';
import { backoffCeilingMs, backoffDelayMs, type RandomSource } from './backoff.js';
import { seededRandom } from '../../test/support/seeded-random.js';

const policy = { baseMs: 1_000, capMs: 60_000 };

describe('backoff', () => {
  it('doubles the ceiling with every attempt until the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((attempt) => backoffCeilingMs(attempt, policy))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000,
    ]);
  });

  it('stays at the cap for very large attempt numbers', () => {
    expect(backoffCeilingMs(10_000, policy)).toBe(60_000);
    expect(backoffDelayMs(10_000, policy, () => 0.999_999)).toBeLessThan(60_000);
  });

  it('treats negative and fractional attempts as their floor, at least 0', () => {
    expect(backoffCeilingMs(-3, policy)).toBe(1_000);
    expect(backoffCeilingMs(2.7, policy)).toBe(4_000);
  });

  it('picks a delay anywhere between 0 and the ceiling (full jitter)', () => {
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
    expect(backoffDelayMs(3, policy, () => 0.5)).toBe(4_000);
    expect(backoffDelayMs(3, policy, () => 0.999_999)).toBe(7_999);
  });

  it('gives the same delays for the same seed', () => {
    const first = seededRandom(42);
    const second = seededRandom(42);
    const delays = (random: RandomSource) =>
      [0, 1, 2, 3, 4, 5].map((attempt) => backoffDelayMs(attempt, policy, random));
    expect(delays(first)).toEqual(delays(second));
  });

  it('spreads 10,000 agents over the whole window instead of a few instants', () => {
    const random = seededRandom(7);
    const delays = Array.from({ length: 10_000 }, () => backoffDelayMs(5, policy, random));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThan(32_000);
    // Every second of the 32-second window receives some reconnects, none receives a crowd.
    const perSecond = new Array<number>(32).fill(0);
    for (const delay of delays) {
      perSecond[Math.floor(delay / 1000)]! += 1;
    }
    expect(Math.min(...perSecond)).toBeGreaterThan(200);
    expect(Math.max(...perSecond)).toBeLessThan(450);
  });
});
