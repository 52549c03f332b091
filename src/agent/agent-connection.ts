/**
 * One WebSocket connection to the server's agent gateway, from open to close.
 *
 * States:
 *   connecting ──open──▶ awaiting-challenge ──challenge/hello──▶ awaiting-welcome ──welcome──▶ ready
 *        └──────────────────────────┴──────────────────────────────────┴──────────────────────┴──▶ ended
 *
 * - The whole handshake (open, challenge, hello, welcome) must finish within
 *   `handshakeTimeoutMs`, or the connection is dropped and the worker retries with backoff.
 * - In `ready`, every `heartbeatIntervalMs` the agent sends `heartbeat` and a WebSocket ping and
 *   lets the invocation manager resend unacknowledged results. When no frame and no pong came from
 *   the server for 2 intervals, the connection is considered dead and dropped.
 * - `deliver`, `cancel` and `resultAck` are acted on only in `ready`; invalid frames are logged
 *   and ignored (the connection stays up).
 * - An `error` frame with code `Revoked` or `Unauthorized` ends the session as `revoked`: the
 *   node's identity is no longer accepted and retrying cannot help.
 *
 * The session resolves exactly once, with how it ended; it never throws.
 */
import type { KeyObject } from 'node:crypto';
import type { Agent as HttpsAgent } from 'node:https';
import WebSocket from 'ws';
import type { NodeFacts } from '../domain/managed-node.js';
import {
  MAX_FRAME_BYTES,
  MAX_HELLO_UNFINISHED,
  PROTOCOL_VERSION,
  parseServerMessage,
  type AgentMessage,
  type ServerMessage,
} from '../protocol/agent-protocol.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { AgentEventListener } from './agent-events.js';
import type { InvocationManager } from './invocation-manager.js';
import type { SessionChannel } from './session-channel.js';
import { wireFacts } from './node-facts.js';
import { signHello } from './node-key.js';
import { AGENT_VERSION } from './version.js';

export type ConnectionState = 'connecting' | 'awaiting-challenge' | 'awaiting-welcome' | 'ready' | 'ended';

/** Error codes after which the node must stop trying (it was deregistered or its key refused). */
export const REVOKED_ERROR_CODES: ReadonlySet<string> = new Set(['Revoked', 'Unauthorized']);

/** Allowed difference between the server's clock and ours before a warning. */
const CLOCK_SKEW_WARNING_MS = 5 * 60 * 1000;

export type SessionEnd =
  | {
      readonly kind: 'closed';
      readonly reason: string;
      /** When `welcome` arrived (undefined if the handshake never completed). */
      readonly welcomedAt?: number;
      readonly endedAt: number;
    }
  | { readonly kind: 'revoked'; readonly code: string; readonly message: string }
  | { readonly kind: 'stopped' };

export interface SessionOptions {
  /** `ws://` or `wss://` URL of the gateway. */
  readonly url: string;
  readonly nodeId: string;
  readonly privateKey: KeyObject;
  readonly facts: () => NodeFacts;
  readonly manager: Pick<
    InvocationManager,
    'unfinishedIds' | 'attach' | 'detach' | 'handleDeliver' | 'handleCancel' | 'handleResultAck' | 'tick'
  >;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly handshakeTimeoutMs: number;
  /** Aborting it closes the connection (the agent is stopping). */
  readonly signal: AbortSignal;
  /** Others that talk to the server over this connection (package downloads, inventory). */
  readonly channels?: readonly SessionChannel[];
  readonly onEvent?: AgentEventListener;
  /** TLS pinning (issue #10): the agent that verifies the server's certificate (server-trust.ts). */
  readonly agent?: HttpsAgent;
  /** The server announced the fingerprint of its next certificate. */
  readonly onPin?: (nextFingerprint: string) => void;
}

/** The gateway URL for a server base URL: http → ws, https → wss, plus the connect path. */
export function gatewayUrl(serverUrl: string, connectPath: string): string {
  const url = new URL(serverUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${connectPath}`;
  return url.toString();
}

function frameText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) {
    return Buffer.concat(data).toString('utf8');
  }
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

/** Runs one connection until it ends; see the file header. */
export function runSession(options: SessionOptions): Promise<SessionEnd> {
  const { clock, logger, manager } = options;
  const now = () => clock.now().getTime();
  if (options.signal.aborted) {
    return Promise.resolve({ kind: 'stopped' });
  }
  return new Promise<SessionEnd>((resolve) => {
    let state: ConnectionState = 'connecting';
    let welcomedAt: number | undefined;
    let lastFrameAt = now();
    const sessionTimers = new AbortController();

    const ws = new WebSocket(options.url, {
      maxPayload: MAX_FRAME_BYTES,
      handshakeTimeout: options.handshakeTimeoutMs,
      headers: { 'user-agent': `mado-agent/${AGENT_VERSION}` },
      ...(options.agent === undefined ? {} : { agent: options.agent }),
    });

    const send = (message: AgentMessage): boolean => {
      if (ws.readyState !== WebSocket.OPEN) {
        return false;
      }
      const text = JSON.stringify(message);
      if (Buffer.byteLength(text, 'utf8') > MAX_FRAME_BYTES) {
        logger.error({ type: message.type }, 'frame larger than the protocol allows; not sent');
        return false;
      }
      ws.send(text);
      return true;
    };

    /** `closeCode` 0 drops the TCP connection without a close handshake. */
    const end = (result: SessionEnd, closeCode = 1000, closeReason = '') => {
      if (state === 'ended') {
        return;
      }
      const wasWelcomed = state === 'ready';
      state = 'ended';
      sessionTimers.abort();
      options.signal.removeEventListener('abort', onStop);
      manager.detach();
      for (const channel of options.channels ?? []) {
        channel.detach();
      }
      if (ws.readyState === WebSocket.OPEN && closeCode !== 0) {
        ws.close(closeCode, closeReason);
      } else {
        // Not open, or the peer is unresponsive: there is no close handshake to wait for.
        ws.terminate();
      }
      if (result.kind === 'closed') {
        options.onEvent?.({ type: 'disconnected', reason: result.reason, wasWelcomed });
      }
      resolve(result);
    };

    const onStop = () => end({ kind: 'stopped' }, 1001, 'agent stopping');
    options.signal.addEventListener('abort', onStop, { once: true });

    const closed = (reason: string, closeCode = 1000) =>
      end({ kind: 'closed', reason, welcomedAt, endedAt: now() }, closeCode);

    clock.sleep(options.handshakeTimeoutMs, sessionTimers.signal).then(
      () => {
        if (state !== 'ready') {
          closed(`no welcome within ${options.handshakeTimeoutMs} ms`, 0);
        }
      },
      () => {
        // The session ended first.
      },
    );

    const heartbeatLoop = async (intervalMs: number) => {
      while (state === 'ready') {
        await clock.sleep(intervalMs, sessionTimers.signal);
        if (state !== 'ready') {
          return;
        }
        const at = now();
        if (at - lastFrameAt > 2 * intervalMs) {
          closed(`no frame or pong from the server for ${at - lastFrameAt} ms`, 0);
          return;
        }
        send({ type: 'heartbeat', at });
        ws.ping();
        manager.tick(at);
      }
    };

    const handle = (message: ServerMessage) => {
      switch (message.type) {
        case 'challenge': {
          if (state !== 'awaiting-challenge') {
            logger.warn({ state }, 'unexpected challenge; ignored');
            return;
          }
          state = 'awaiting-welcome';
          send({
            type: 'hello',
            protocol: PROTOCOL_VERSION,
            nodeId: options.nodeId,
            signature: signHello(options.privateKey, options.nodeId, message.nonce),
            facts: wireFacts(options.facts()),
            unfinished: manager.unfinishedIds().slice(0, MAX_HELLO_UNFINISHED),
          });
          return;
        }
        case 'welcome': {
          if (state !== 'awaiting-welcome') {
            logger.warn({ state }, 'unexpected welcome; ignored');
            return;
          }
          if (message.nodeId !== options.nodeId) {
            closed(`the server welcomed ${message.nodeId}, not this node (${options.nodeId})`);
            return;
          }
          state = 'ready';
          welcomedAt = now();
          const skewMs = message.serverTime - welcomedAt;
          if (Math.abs(skewMs) > CLOCK_SKEW_WARNING_MS) {
            logger.warn({ skewMs }, "this node's clock differs from the server's by more than 5 minutes");
          }
          logger.info({ heartbeatIntervalMs: message.heartbeatIntervalMs }, 'connected to the server');
          options.onEvent?.({ type: 'welcomed', heartbeatIntervalMs: message.heartbeatIntervalMs });
          manager.attach(send);
          for (const channel of options.channels ?? []) {
            channel.attach(send);
          }
          heartbeatLoop(message.heartbeatIntervalMs).catch(() => {
            // Aborted: the session ended.
          });
          return;
        }
        case 'heartbeat':
          return;
        case 'pin':
          if (state === 'ready') {
            options.onPin?.(message.nextFingerprint);
          }
          return;
        case 'deliver':
        case 'cancel':
        case 'resultAck': {
          if (state !== 'ready') {
            logger.warn({ state, type: message.type }, 'frame before welcome; ignored');
            return;
          }
          if (message.type === 'deliver') {
            manager.handleDeliver(message.invocation);
          } else if (message.type === 'cancel') {
            manager.handleCancel(message.commandId);
          } else {
            manager.handleResultAck(message.commandId);
          }
          return;
        }
        case 'package':
        case 'packageChunk':
        case 'release':
        case 'releaseChunk': {
          if (!(options.channels ?? []).some((channel) => channel.handle(message))) {
            logger.debug({ type: message.type, requestId: message.requestId }, 'answer nobody waits for; ignored');
          }
          return;
        }
        case 'error': {
          if (REVOKED_ERROR_CODES.has(message.code)) {
            logger.error({ code: message.code, reason: message.message }, 'the server refused this node');
            options.onEvent?.({ type: 'revoked', code: message.code, message: message.message });
            end({ kind: 'revoked', code: message.code, message: message.message }, 1000, 'revoked');
            return;
          }
          logger.warn({ code: message.code, reason: message.message }, 'error from the server');
          closed(`server error ${message.code}: ${message.message}`);
          return;
        }
      }
    };

    ws.on('open', () => {
      if (state === 'connecting') {
        state = 'awaiting-challenge';
        lastFrameAt = now();
      }
    });
    ws.on('pong', () => {
      lastFrameAt = now();
    });
    ws.on('message', (data, isBinary) => {
      if (state === 'ended') {
        return;
      }
      lastFrameAt = now();
      if (isBinary) {
        options.onEvent?.({ type: 'frame-ignored', reason: 'binary frame' });
        logger.warn({}, 'binary frame from the server; ignored');
        return;
      }
      const message = parseServerMessage(frameText(data));
      if (message === undefined) {
        options.onEvent?.({ type: 'frame-ignored', reason: 'invalid frame' });
        logger.warn({}, 'invalid frame from the server; ignored');
        return;
      }
      try {
        handle(message);
      } catch (error) {
        // A fault while handling one frame (e.g. the journal's disk is full): drop the connection
        // so that the server's redelivery starts from a clean state, instead of crashing.
        logger.error({ err: error, type: message.type }, 'could not handle a frame');
        closed(`could not handle a ${message.type} frame: ${(error as Error).message}`);
      }
    });
    ws.on('error', (error) => {
      if (error.name === 'PinMismatchError') {
        logger.error({}, `refusing the server: ${error.message}`);
      }
      logger.debug({ err: error }, 'connection error');
      closed(error.message);
    });
    ws.on('close', (code, reason) => {
      closed(`closed by the server (${code}${reason.length > 0 ? ` ${reason.toString('utf8')}` : ''})`);
    });
  });
}
