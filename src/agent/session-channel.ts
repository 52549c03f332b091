/**
 * Something besides the invocation manager that talks to the server over the worker's
 * connection: it is attached when a connection is welcomed (and may send from then on), detached
 * when it ends, and offered every server frame the connection does not handle itself.
 */
import type { AgentMessage, ServerMessage } from '../protocol/agent-protocol.js';

/** Sends one frame if a connection is up; false when it was dropped. */
export type SendFrame = (message: AgentMessage) => boolean;

export interface SessionChannel {
  /** A connection was welcomed; `send` works until `detach`. */
  attach(send: SendFrame): void;
  detach(): void;
  /** A frame from the server; returns true when this channel took it. */
  handle(message: ServerMessage): boolean;
}
