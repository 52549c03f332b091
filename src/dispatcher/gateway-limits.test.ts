import { describe, expect, it } from 'vitest';
import { PendingConnections } from './gateway-limits.js';

describe('PendingConnections', () => {
  it('admits up to the per-address limit and refuses the next from that address only', () => {
    const pending = new PendingConnections({ maxPendingPerIp: 2, maxPending: 10 });
    expect(pending.admit('10.0.0.1')).toBeTypeOf('function');
    expect(pending.admit('10.0.0.1')).toBeTypeOf('function');
    expect(pending.admit('10.0.0.1')).toBeUndefined();
    expect(pending.admit('10.0.0.2')).toBeTypeOf('function');
    expect(pending.count('10.0.0.1')).toBe(2);
    expect(pending.count('10.0.0.2')).toBe(1);
    expect(pending.count()).toBe(3);
  });

  it('refuses every address once the total limit is reached', () => {
    const pending = new PendingConnections({ maxPendingPerIp: 5, maxPending: 3 });
    for (const ip of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) {
      expect(pending.admit(ip)).toBeTypeOf('function');
    }
    expect(pending.admit('10.0.0.4')).toBeUndefined();
    expect(pending.admit('10.0.0.1')).toBeUndefined();
    expect(pending.count()).toBe(3);
  });

  it('frees a place when a connection is released (closed or authenticated)', () => {
    const pending = new PendingConnections({ maxPendingPerIp: 1, maxPending: 1 });
    const release = pending.admit('10.0.0.1')!;
    expect(pending.admit('10.0.0.2')).toBeUndefined();
    release();
    expect(pending.count()).toBe(0);
    expect(pending.count('10.0.0.1')).toBe(0);
    expect(pending.admit('10.0.0.2')).toBeTypeOf('function');
  });

  it('counts a connection released twice (close after hello) only once', () => {
    const pending = new PendingConnections({ maxPendingPerIp: 2, maxPending: 2 });
    const first = pending.admit('10.0.0.1')!;
    pending.admit('10.0.0.1');
    first();
    first();
    expect(pending.count('10.0.0.1')).toBe(1);
    expect(pending.count()).toBe(1);
    expect(pending.admit('10.0.0.1')).toBeTypeOf('function');
    expect(pending.admit('10.0.0.1')).toBeUndefined();
  });
});
