/**
 * Capped exponential backoff with full jitter (the AWS Architecture Blog's "Full Jitter"): the
 * n-th retry (n from 0) waits a uniformly random time in [0, min(cap, base · 2ⁿ)). When a server
 * restarts, 10,000 agents lose their connection at the same instant; full jitter spreads their
 * reconnects over the whole window instead of sending them back in synchronized waves.
 */

export interface BackoffPolicy {
  readonly baseMs: number;
  readonly capMs: number;
}

/** A source of uniform numbers in [0, 1), e.g. `Math.random` or a seeded generator in tests. */
export type RandomSource = () => number;

/** The upper bound of the n-th delay: `min(cap, base · 2ⁿ)` (no overflow for large n). */
export function backoffCeilingMs(attempt: number, policy: BackoffPolicy): number {
  const exponent = Math.max(0, Math.floor(attempt));
  // 2^exponent exceeds any sane cap long before 64; stop multiplying there.
  const ceiling = exponent >= 64 ? Number.POSITIVE_INFINITY : policy.baseMs * 2 ** exponent;
  return Math.min(policy.capMs, ceiling);
}

/** The delay before retry number `attempt` (0 = first retry), in whole milliseconds. */
export function backoffDelayMs(attempt: number, policy: BackoffPolicy, random: RandomSource): number {
  return Math.floor(random() * backoffCeilingMs(attempt, policy));
}
