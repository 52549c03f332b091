/**
 * What the worker reports as it goes: logged by the worker process, awaited by tests (which
 * wait for an event instead of sleeping).
 */
import type { InvocationOutcome } from '../protocol/agent-protocol.js';
import type { JournalState } from './journal.js';

export type AgentEvent =
  | { readonly type: 'connecting'; readonly url: string; readonly attempt: number }
  | { readonly type: 'welcomed'; readonly heartbeatIntervalMs: number }
  | { readonly type: 'disconnected'; readonly reason: string; readonly wasWelcomed: boolean }
  | { readonly type: 'reconnect-scheduled'; readonly delayMs: number; readonly attempt: number }
  | { readonly type: 'revoked'; readonly code: string; readonly message: string }
  | { readonly type: 'frame-ignored'; readonly reason: string }
  | { readonly type: 'invocation-accepted'; readonly commandId: string }
  | { readonly type: 'invocation-duplicate'; readonly commandId: string; readonly state: JournalState }
  | { readonly type: 'invocation-finished'; readonly commandId: string; readonly outcome: InvocationOutcome }
  | { readonly type: 'invocation-recovered'; readonly commandId: string; readonly killedLeftovers: boolean }
  | { readonly type: 'result-sent'; readonly commandId: string }
  | { readonly type: 'result-acknowledged'; readonly commandId: string };

export type AgentEventListener = (event: AgentEvent) => void;
