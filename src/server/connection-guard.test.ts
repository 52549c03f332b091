import { describe, expect, it } from 'vitest';
import { FakeClock } from '../shared/fake-clock.js';
import { ConnectionGuard } from './connection-guard.js';

const OPTIONS = {
  maxUnauthenticatedPerIp: 2,
  maxAuthFailuresPerWindow: 3,
  authFailureWindowMs: 60_000,
  maxTrackedAddresses: 4,
};

describe('ConnectionGuard: unauthenticated connections per IP', () => {
  it('refuses a connection beyond the limit and admits one again when a slot frees', () => {
    const guard = new ConnectionGuard(OPTIONS, new FakeClock());
    const first = guard.admit('10.0.0.1');
    expect(guard.admit('10.0.0.1')).toBeDefined();
    expect(guard.admit('10.0.0.1')).toBeUndefined();
    expect(guard.admit('10.0.0.2')).toBeDefined();
    first!.release();
    expect(guard.admit('10.0.0.1')).toBeDefined();
  });

  it('stops counting an authenticated connection, and counts each ticket once', () => {
    const guard = new ConnectionGuard(OPTIONS, new FakeClock());
    const ticket = guard.admit('10.0.0.1')!;
    guard.admit('10.0.0.1');
    ticket.authenticated();
    ticket.authenticated();
    ticket.release();
    expect(guard.openUnauthenticated('10.0.0.1')).toBe(1);
    expect(guard.admit('10.0.0.1')).toBeDefined();
    expect(guard.admit('10.0.0.1')).toBeUndefined();
  });

  it('forgets an address once its last connection goes', () => {
    const guard = new ConnectionGuard(OPTIONS, new FakeClock());
    guard.admit('10.0.0.1')!.release();
    expect(guard.openUnauthenticated('10.0.0.1')).toBe(0);
  });
});

describe('ConnectionGuard: failed signatures per IP', () => {
  it('throttles an address after the limit within the window, until the window ends', async () => {
    const clock = new FakeClock();
    const guard = new ConnectionGuard(OPTIONS, clock);
    guard.authenticationFailed('10.0.0.1');
    guard.authenticationFailed('10.0.0.1');
    expect(guard.isThrottled('10.0.0.1')).toBe(false);
    await clock.advance(30_000);
    guard.authenticationFailed('10.0.0.1');
    expect(guard.isThrottled('10.0.0.1')).toBe(true);
    expect(guard.isThrottled('10.0.0.2')).toBe(false);
    await clock.advance(29_999);
    expect(guard.isThrottled('10.0.0.1')).toBe(true);
    await clock.advance(1);
    expect(guard.isThrottled('10.0.0.1')).toBe(false);
  });

  it('does not add up failures from windows that have ended', async () => {
    const clock = new FakeClock();
    const guard = new ConnectionGuard(OPTIONS, clock);
    for (let i = 0; i < 6; i += 1) {
      guard.authenticationFailed('10.0.0.1');
      await clock.advance(40_000);
    }
    expect(guard.isThrottled('10.0.0.1')).toBe(false);
  });

  it('remembers at most maxTrackedAddresses, dropping ended windows first, then the oldest', async () => {
    const clock = new FakeClock();
    const guard = new ConnectionGuard(OPTIONS, clock);
    for (let i = 0; i < 3; i += 1) {
      guard.authenticationFailed('10.0.0.1');
    }
    await clock.advance(1000);
    for (let host = 2; host <= 100; host += 1) {
      guard.authenticationFailed(`10.0.0.${host}`);
      expect(guard.trackedAddresses).toBeLessThanOrEqual(OPTIONS.maxTrackedAddresses);
    }
    expect(guard.isThrottled('10.0.0.1')).toBe(false);
    await clock.advance(60_000);
    guard.authenticationFailed('10.0.1.1');
    expect(guard.trackedAddresses).toBe(1);
  });
});
