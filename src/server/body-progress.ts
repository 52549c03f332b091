/**
 * The minimum-rate rule for request bodies: a body still arriving must bring at least
 * `minBytesPerSecond × periodMs / 1000` bytes in every period of `periodMs` (a body trickled at
 * 1 byte/s is therefore stopped after one period). Node's `requestTimeout` caps a request's
 * whole duration; this rule lets a large upload on a slow but working link run longer than one
 * period while a stalled or trickling body cannot hold its connection.
 *
 * Invariant: the watch ends (and its sleep is cancelled) as soon as the body is complete or the
 * signal aborts; time comes only from the injected Clock.
 */
import type { Clock } from '../shared/clock.js';

export interface BodyProgressRule {
  readonly periodMs: number;
  readonly minBytesPerSecond: number;
}

export interface BodyInProgress {
  /** Bytes received on the connection so far (e.g. `socket.bytesRead`). */
  bytesRead(): number;
  /** Whether the whole body has arrived. */
  complete(): boolean;
}

export type BodyWatchOutcome = 'complete' | 'stalled' | 'aborted';

/** Watches one body until it is complete, stalls (too few bytes in a period) or `signal` aborts. */
export async function watchBodyProgress(
  body: BodyInProgress,
  rule: BodyProgressRule,
  clock: Clock,
  signal: AbortSignal,
): Promise<BodyWatchOutcome> {
  const minBytesPerPeriod = Math.max(1, Math.ceil((rule.minBytesPerSecond * rule.periodMs) / 1000));
  let seen = body.bytesRead();
  for (;;) {
    try {
      await clock.sleep(rule.periodMs, signal);
    } catch {
      return 'aborted';
    }
    if (body.complete()) {
      return 'complete';
    }
    const now = body.bytesRead();
    if (now - seen < minBytesPerPeriod) {
      return 'stalled';
    }
    seen = now;
  }
}
