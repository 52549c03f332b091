/**
 * The worker's connection loop: keep one connection to the server, forever.
 *
 *   loop: connect (agent-connection.ts) ──ended──▶ revoked? → return 'revoked'
 *                                                  stopped? → return 'stopped'
 *                                                  otherwise wait backoff(attempt) and loop
 *
 * Backoff is capped exponential with full jitter (backoff.ts). `attempt` grows with every
 * connection that did not last, and goes back to 0 after a connection that stayed welcomed for
 * `stableConnectionMs`, so a flapping server is retried ever more slowly while a server that
 * restarts after a long healthy run is rejoined within about `reconnectBaseMs`, spread randomly.
 * The first connection is attempted at once.
 */
import type { KeyObject } from 'node:crypto';
import type { NodeFacts } from '../domain/managed-node.js';
import { CONNECT_PATH } from '../protocol/agent-protocol.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { AgentEventListener } from './agent-events.js';
import { gatewayUrl, runSession, type SessionEnd, type SessionOptions } from './agent-connection.js';
import { backoffDelayMs, type RandomSource } from './backoff.js';
import type { AgentSettings } from './config.js';

export type WorkerEnd = 'stopped' | 'revoked';

export interface AgentWorkerOptions {
  readonly serverUrl: string;
  readonly nodeId: string;
  readonly privateKey: KeyObject;
  readonly facts: () => NodeFacts;
  readonly manager: SessionOptions['manager'];
  readonly clock: Clock;
  readonly logger: Logger;
  readonly settings: Pick<
    AgentSettings,
    'reconnectBaseMs' | 'reconnectCapMs' | 'stableConnectionMs' | 'handshakeTimeoutMs'
  >;
  readonly random: RandomSource;
  readonly onEvent?: AgentEventListener;
  /** Others that use each connection besides the invocation manager (see SessionChannel). */
  readonly channels?: SessionOptions['channels'];
  // TLS pinning (issue #10)
  readonly agent?: SessionOptions['agent'];
  readonly onPin?: SessionOptions['onPin'];
}

/** The next backoff attempt number after a session ended (pure; see the file header). */
export function nextAttempt(attempt: number, end: SessionEnd, stableConnectionMs: number): number {
  if (end.kind === 'closed' && end.welcomedAt !== undefined && end.endedAt - end.welcomedAt >= stableConnectionMs) {
    return 0;
  }
  return attempt + 1;
}

export class AgentWorker {
  constructor(private readonly options: AgentWorkerOptions) {}

  /** Runs until stopped through `signal` or until the server revokes the node. */
  async run(signal: AbortSignal): Promise<WorkerEnd> {
    const { clock, logger, settings } = this.options;
    const url = gatewayUrl(this.options.serverUrl, CONNECT_PATH);
    let attempt = 0;
    for (;;) {
      if (signal.aborted) {
        return 'stopped';
      }
      this.options.onEvent?.({ type: 'connecting', url, attempt });
      logger.debug({ url, attempt }, 'connecting');
      const end = await runSession({
        url,
        nodeId: this.options.nodeId,
        privateKey: this.options.privateKey,
        facts: this.options.facts,
        manager: this.options.manager,
        clock,
        logger,
        handshakeTimeoutMs: settings.handshakeTimeoutMs,
        signal,
        ...(this.options.onEvent === undefined ? {} : { onEvent: this.options.onEvent }),
        ...(this.options.channels === undefined ? {} : { channels: this.options.channels }),
        ...(this.options.agent === undefined ? {} : { agent: this.options.agent }),
        ...(this.options.onPin === undefined ? {} : { onPin: this.options.onPin }),
      });
      if (end.kind === 'revoked') {
        return 'revoked';
      }
      if (end.kind === 'stopped') {
        return 'stopped';
      }
      attempt = nextAttempt(attempt, end, settings.stableConnectionMs);
      // attempt is ≥ 1 here unless the connection was stable; retry n waits up to base · 2^(n-1).
      const delayMs = backoffDelayMs(
        Math.max(0, attempt - 1),
        {
          baseMs: settings.reconnectBaseMs,
          capMs: settings.reconnectCapMs,
        },
        this.options.random,
      );
      logger.info({ reason: end.reason, delayMs, attempt }, 'disconnected; reconnecting');
      this.options.onEvent?.({ type: 'reconnect-scheduled', delayMs, attempt });
      try {
        await clock.sleep(delayMs, signal);
      } catch {
        return 'stopped';
      }
    }
  }
}
