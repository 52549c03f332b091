/**
 * One open node connection's outgoing side: everything the gateway sends a node goes through
 * `send`, and the node's requests are answered through `serve`.
 *
 * Invariants: requests are answered one at a time in arrival order, each only once no more than
 * `sendHighWaterBytes` are queued for the node (its chunk is read from the store only then), so
 * a node that does not read holds at most the high-water mark plus one answer of server memory;
 * at most `maxRequestsPerNode` requests are queued or being answered, and `serve` refuses the
 * rest; more than `sendMaxBytes` queued, or more than the high-water mark queued without
 * shrinking for `sendStallMs`, calls `onStuck` (the gateway logs and disconnects).
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Clock } from '../shared/clock.js';
import type { GatewayLimits } from './gateway-limits.js';

export type OutboxLimits = Pick<
  GatewayLimits,
  'sendHighWaterBytes' | 'sendMaxBytes' | 'sendStallMs' | 'maxRequestsPerNode'
>;

export class NodeOutbox {
  private readonly ended = new AbortController();
  private watching = false;
  private outstanding = 0;
  private answered: Promise<void> = Promise.resolve();

  /**
   * @param raw the connection's TCP socket (its `drain` and `close` events wake waiting answers).
   * @param onStuck called once when the node stops taking in data; `reason` says how.
   */
  constructor(
    private readonly socket: WebSocket,
    private readonly raw: Duplex,
    private readonly limits: OutboxLimits,
    private readonly clock: Clock,
    private readonly onStuck: (reason: string, bufferedBytes: number) => void,
  ) {
    raw.once('close', () => this.ended.abort());
  }

  private get open(): boolean {
    return !this.ended.signal.aborted && this.socket.readyState === this.socket.OPEN;
  }

  /** Queues one frame for the node; false when the connection is no longer open. */
  send(text: string): boolean {
    if (!this.open) {
      return false;
    }
    this.socket.send(text);
    const buffered = this.socket.bufferedAmount;
    if (buffered > this.limits.sendMaxBytes) {
      this.stuck(`more than ${this.limits.sendMaxBytes} bytes queued for the node`, buffered);
    } else if (buffered > this.limits.sendHighWaterBytes && !this.watching) {
      void this.watch();
    }
    return true;
  }

  /**
   * Answers one request with the frame `answer` produces, after the requests before it and once
   * the queue has drained. False (nothing queued) when `maxRequestsPerNode` are outstanding.
   * `answer` must not reject (the feeds turn every failure into an error answer).
   */
  serve(answer: () => Promise<string>): boolean {
    if (this.outstanding >= this.limits.maxRequestsPerNode) {
      return false;
    }
    this.outstanding += 1;
    this.answered = this.answered.then(async () => {
      try {
        await this.drained();
        if (this.open) {
          this.send(await answer());
        }
      } finally {
        this.outstanding -= 1;
      }
    });
    // Keeps later answers going should one ever reject; the caller has logged it.
    this.answered = this.answered.catch(() => undefined);
    return true;
  }

  /** Requests queued or being answered now. */
  get outstandingCount(): number {
    return this.outstanding;
  }

  /** Stops the stall watch and wakes waiting answers (they send nothing). */
  close(): void {
    this.ended.abort();
  }

  private stuck(reason: string, buffered: number): void {
    if (!this.ended.signal.aborted) {
      this.ended.abort();
      this.onStuck(reason, buffered);
    }
  }

  /** Resolves once at most the high-water mark is queued, or the connection has ended. */
  private async drained(): Promise<void> {
    while (this.open && this.socket.bufferedAmount > this.limits.sendHighWaterBytes) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.raw.off('drain', wake);
          this.ended.signal.removeEventListener('abort', wake);
          resolve();
        };
        this.raw.on('drain', wake);
        this.ended.signal.addEventListener('abort', wake, { once: true });
      });
    }
  }

  /** While over the high-water mark: every stall period, the queue must have shrunk. */
  private async watch(): Promise<void> {
    this.watching = true;
    let previous = this.socket.bufferedAmount;
    try {
      while (this.open) {
        await this.clock.sleep(this.limits.sendStallMs, this.ended.signal);
        const buffered = this.socket.bufferedAmount;
        if (buffered <= this.limits.sendHighWaterBytes) {
          return;
        }
        if (buffered >= previous) {
          this.stuck(
            `the node took in nothing of ${buffered} queued bytes for ${this.limits.sendStallMs} ms`,
            buffered,
          );
          return;
        }
        previous = buffered;
      }
    } catch {
      // Aborted: the connection ended.
    } finally {
      this.watching = false;
    }
  }
}
