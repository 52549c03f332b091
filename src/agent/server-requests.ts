/**
 * Request/answer exchanges with the server over the worker's connection, matched by request id
 * (package descriptions and archive pieces, `packageRequest` → `package`, `packageChunkRequest`
 * → `packageChunk`).
 *
 * A request waits for a connection if there is none, is sent again on every new connection until
 * answered (the requests are reads, so asking twice is harmless), and fails after its time limit
 * or when its signal is aborted. Answers nobody waits for any more are ignored.
 */
import { randomUUID } from 'node:crypto';
import type { AgentMessage, ServerMessage } from '../protocol/agent-protocol.js';
import type { Clock } from '../shared/clock.js';
import type { SendFrame, SessionChannel } from './session-channel.js';

type RequestFrame = Extract<AgentMessage, { requestId: string }>;
/** A request frame of any type, without its request id (Omit over each member of the union). */
type RequestWithoutId = RequestFrame extends infer T ? (T extends unknown ? Omit<T, 'requestId'> : never) : never;
type AnswerFrame = Extract<ServerMessage, { requestId: string }>;

interface Pending {
  readonly message: RequestFrame;
  readonly accepts: ReadonlySet<string>;
  readonly resolve: (answer: AnswerFrame) => void;
}

/** Why a request got no answer. */
export class ServerRequestError extends Error {
  override readonly name = 'ServerRequestError';
}

export class ServerRequests implements SessionChannel {
  private send: SendFrame | undefined;
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly clock: Clock) {}

  attach(send: SendFrame): void {
    this.send = send;
    for (const request of this.pending.values()) {
      send(request.message);
    }
  }

  detach(): void {
    this.send = undefined;
  }

  handle(message: ServerMessage): boolean {
    if (!('requestId' in message)) {
      return false;
    }
    const request = this.pending.get(message.requestId);
    if (request === undefined || !request.accepts.has(message.type)) {
      return false;
    }
    this.pending.delete(message.requestId);
    request.resolve(message);
    return true;
  }

  /** Number of requests waiting for an answer. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /**
   * Sends `message` (its `requestId` is filled in) and resolves with the answer of type `answer`.
   * @throws ServerRequestError after `timeoutMs` without an answer; the signal's reason when aborted.
   */
  async request<T extends AnswerFrame['type']>(
    message: RequestWithoutId,
    answer: T,
    options: { readonly timeoutMs: number; readonly signal: AbortSignal },
  ): Promise<Extract<AnswerFrame, { type: T }>> {
    options.signal.throwIfAborted();
    const requestId = randomUUID();
    const frame = { ...message, requestId } as RequestFrame;
    const timer = new AbortController();
    const stop = () => timer.abort(options.signal.reason);
    options.signal.addEventListener('abort', stop, { once: true });
    try {
      const answered = new Promise<AnswerFrame>((resolve) => {
        this.pending.set(requestId, { message: frame, accepts: new Set([answer]), resolve });
      });
      this.send?.(frame);
      const timedOut = this.clock.sleep(options.timeoutMs, timer.signal).then(() => {
        throw new ServerRequestError(
          `The server did not answer a ${message.type} within ${Math.round(options.timeoutMs / 1000)} s${this.send === undefined ? ' (the agent is not connected)' : ''}.`,
        );
      });
      // Settles (rejects) once more when the finally below stops the timer; nobody waits then.
      timedOut.catch(() => undefined);
      return (await Promise.race([answered, timedOut])) as Extract<AnswerFrame, { type: T }>;
    } finally {
      this.pending.delete(requestId);
      options.signal.removeEventListener('abort', stop);
      timer.abort();
    }
  }
}
