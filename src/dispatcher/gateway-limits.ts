/**
 * What one connection may cost the gateway, and the count of connections not yet authenticated.
 *
 * Before its hello is verified a connection is "pending": it may send at most `preAuthBytes`
 * (every byte after the upgrade request, frame headers included), and there are at most
 * `maxPendingPerIp` pending connections per remote address and `maxPending` in all; an upgrade
 * past either count is answered 503 before any WebSocket state exists. A pending connection
 * ends within the hello timeout.
 *
 * After hello, each node's outgoing data is bounded (node-outbox.ts): answers to its requests
 * wait while more than `sendHighWaterBytes` are queued for it; more than `sendMaxBytes` queued,
 * or queued data that does not shrink for `sendStallMs`, disconnects it; at most
 * `maxRequestsPerNode` of its requests are queued or being answered at once.
 *
 * What an open node sends is bounded too: while MAX_FRAMES_IN_FLIGHT_PER_NODE of its frames are
 * being handled (a result or an inventory report awaiting its store write), the gateway stops
 * reading its connection (TCP flow control then holds the node back), so a node that floods
 * frames faster than the store writes them holds at most that many parsed frames, plus what ws
 * has already read, of server memory. Progress frames wait for nothing: each invocation has at
 * most one pending output change in the write buffer (write-buffer.ts merges them).
 */

export interface GatewayLimits {
  readonly preAuthBytes: number;
  readonly maxPendingPerIp: number;
  readonly maxPending: number;
  readonly sendHighWaterBytes: number;
  readonly sendMaxBytes: number;
  readonly sendStallMs: number;
  readonly maxRequestsPerNode: number;
}

export const DEFAULT_GATEWAY_LIMITS = {
  // The largest hello an agent sends (MAX_HELLO_UNFINISHED ids, every fact at its longest) fits.
  preAuthBytes: 16 * 1024,
  maxPendingPerIp: 32,
  maxPending: 1024,
  sendHighWaterBytes: 1024 * 1024,
  sendMaxBytes: 16 * 1024 * 1024,
  sendStallMs: 60_000,
  maxRequestsPerNode: 8,
} as const satisfies GatewayLimits;

/**
 * Frames of one node handled at once before its connection stops being read. A constant, not a
 * setting: the agent sends one result or inventory report at a time and awaits its answer.
 */
export const MAX_FRAMES_IN_FLIGHT_PER_NODE = 8;

/** Counts pending (unauthenticated) connections per remote address and in all. */
export class PendingConnections {
  private readonly perIp = new Map<string, number>();
  private total = 0;

  constructor(private readonly limits: Pick<GatewayLimits, 'maxPendingPerIp' | 'maxPending'>) {}

  /**
   * Counts a new connection from `ip` when both limits allow it; returns the function that
   * uncounts it (idempotent), or undefined when the connection must be refused.
   */
  admit(ip: string): (() => void) | undefined {
    const fromIp = this.perIp.get(ip) ?? 0;
    if (fromIp >= this.limits.maxPendingPerIp || this.total >= this.limits.maxPending) {
      return undefined;
    }
    this.perIp.set(ip, fromIp + 1);
    this.total += 1;
    let released = false;
    return () => {
      if (released) {
        return;
      }
      released = true;
      this.total -= 1;
      const left = (this.perIp.get(ip) ?? 1) - 1;
      if (left === 0) {
        this.perIp.delete(ip);
      } else {
        this.perIp.set(ip, left);
      }
    };
  }

  /** Pending connections now (from `ip`, or in all). */
  count(ip?: string): number {
    return ip === undefined ? this.total : (this.perIp.get(ip) ?? 0);
  }
}
