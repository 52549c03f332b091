/**
 * Per-IP bookkeeping for what unauthenticated clients may cost (issue #10, item 3):
 *  - concurrent connections per IP that have not yet carried an authenticated request: a new
 *    connection beyond `maxUnauthenticatedPerIp` is refused (`admit` answers undefined);
 *  - failed authentications per IP: after `maxAuthFailuresPerWindow` failures within one
 *    window of `authFailureWindowMs` (a fixed window opened by the first failure), the IP is
 *    throttled until that window ends.
 *
 * Invariants: the tracker cannot grow without bound. The connection map holds only IPs with at
 * least one open unauthenticated connection (an entry goes when its count reaches zero), so it
 * is bounded by the open sockets; the failure map holds at most `maxTrackedAddresses` entries:
 * expired windows are dropped first, then the oldest window. A ticket counts once: releasing or
 * authenticating it twice changes nothing. Time comes only from the injected Clock.
 */
import type { Clock } from '../shared/clock.js';

export interface ConnectionGuardOptions {
  readonly maxUnauthenticatedPerIp: number;
  readonly maxAuthFailuresPerWindow: number;
  readonly authFailureWindowMs: number;
  /** IPs whose failures are remembered at once; beyond it the oldest window is forgotten. */
  readonly maxTrackedAddresses: number;
}

/** One admitted connection: counted as unauthenticated until `authenticated()` or `release()`. */
export interface ConnectionTicket {
  readonly address: string;
  /** The connection carried a verified request: it no longer counts against its IP. */
  authenticated(): void;
  /** The connection closed (or left HTTP, e.g. upgraded to WebSocket). */
  release(): void;
}

interface FailureWindow {
  readonly startedAt: number;
  count: number;
}

export class ConnectionGuard {
  private readonly unauthenticated = new Map<string, number>();
  private readonly failures = new Map<string, FailureWindow>();

  constructor(
    private readonly options: ConnectionGuardOptions,
    private readonly clock: Clock,
  ) {}

  /** A ticket for a new connection from `address`, or undefined when its IP has too many. */
  admit(address: string): ConnectionTicket | undefined {
    const open = this.unauthenticated.get(address) ?? 0;
    if (open >= this.options.maxUnauthenticatedPerIp) {
      return undefined;
    }
    this.unauthenticated.set(address, open + 1);
    let counted = true;
    const uncount = () => {
      if (counted) {
        counted = false;
        const left = (this.unauthenticated.get(address) ?? 1) - 1;
        if (left <= 0) {
          this.unauthenticated.delete(address);
        } else {
          this.unauthenticated.set(address, left);
        }
      }
    };
    return { address, authenticated: uncount, release: uncount };
  }

  /** Unauthenticated connections open from `address`. */
  openUnauthenticated(address: string): number {
    return this.unauthenticated.get(address) ?? 0;
  }

  /** Records one failed authentication from `address`. */
  authenticationFailed(address: string): void {
    const now = this.clock.now().getTime();
    const current = this.liveWindow(address, now);
    if (current !== undefined) {
      current.count += 1;
      return;
    }
    if (this.failures.size >= this.options.maxTrackedAddresses) {
      this.evict(now);
    }
    this.failures.set(address, { startedAt: now, count: 1 });
  }

  /** Whether requests from `address` are to be refused without verifying them. */
  isThrottled(address: string): boolean {
    const current = this.liveWindow(address, this.clock.now().getTime());
    return current !== undefined && current.count >= this.options.maxAuthFailuresPerWindow;
  }

  /** IPs whose failures are remembered (for tests and metrics). */
  get trackedAddresses(): number {
    return this.failures.size;
  }

  private liveWindow(address: string, now: number): FailureWindow | undefined {
    const current = this.failures.get(address);
    if (current === undefined) {
      return undefined;
    }
    if (this.expired(current, now)) {
      this.failures.delete(address);
      return undefined;
    }
    return current;
  }

  /** A window is over once its length has passed (or the clock went back before its start). */
  private expired(window: FailureWindow, now: number): boolean {
    return now - window.startedAt >= this.options.authFailureWindowMs || now < window.startedAt;
  }

  /** Makes room for one entry: every expired window, else the oldest one (insertion order). */
  private evict(now: number): void {
    for (const [address, window] of this.failures) {
      if (this.expired(window, now)) {
        this.failures.delete(address);
      }
    }
    if (this.failures.size >= this.options.maxTrackedAddresses) {
      this.failures.delete(this.failures.keys().next().value!);
    }
  }
}
