/**
 * The agent gateway: one WebSocket per managed node at `CONNECT_PATH` (protocol in
 * `src/protocol/agent-protocol.ts`).
 *
 * A connection's modes: `challenged` (nonce sent, waiting for hello, bounded by a timer) →
 * `authenticating` (checking the hello against the node's public key; other frames refused) →
 * `open` (heartbeats, accepted, progress, result) → closed. A node has at most one open connection; a
 * newer one replaces the older. Frames are validated; a malformed, unexpected or oversized frame
 * closes the connection with an error frame and a log line, and nothing else is affected.
 * Heartbeats are recorded in batches (they are frequent and only move `LastPingDateTime`).
 * An open connection may also fetch agent releases (`releaseRequest`, `releaseChunkRequest`)
 * for `aws:updateSsmAgent` (release-feed.ts); each request gets exactly one answer, an error
 * included. Likewise packages (`packageRequest`, `packageChunkRequest`) for
 * `aws:configurePackage`, and the node's `inventory` of installed packages is recorded
 * (package-feed.ts).
 *
 * Limits (gateway-limits.ts): until its hello is verified a connection costs at most
 * `preAuthBytes` of input and counts against the per-address and total pending limits; once
 * open, everything sent to the node goes through its NodeOutbox (bounded queue, back-pressure
 * for answers, bounded outstanding requests; a node that does not read is disconnected); and
 * while MAX_FRAMES_IN_FLIGHT_PER_NODE of its frames await the store, its connection is not read.
 *
 * Audit: every connection refused before its hello was verified (unknown node, bad signature,
 * deregistered node, no hello in time, too many bytes, a malformed or unexpected first frame,
 * too many pending connections) is recorded as operation `AgentHello`, outcome `refused`, with
 * the error code and message, the node id the hello claimed and the peer address. Refusals of
 * open connections are logged only. The audit log's flood limit (services/audit-log.ts: per
 * address and in all, per minute, the rest counted in one `suppressed` row) bounds what a flood
 * of bad hellos writes, together with the API's and the registration route's refusals.
 */
import { createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  CONNECT_PATH,
  MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
  helloSigningText,
  parseAgentMessage,
  type AgentMessage,
  type ServerMessage,
} from '../protocol/agent-protocol.js';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from '../domain/json-depth.js';
import { NO_AUDIT, normaliseAddress, type AuditRecorder } from '../shared/audit-recorder.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from '../store/store.js';
import {
  DEFAULT_GATEWAY_LIMITS,
  MAX_FRAMES_IN_FLIGHT_PER_NODE,
  PendingConnections,
  type GatewayLimits,
} from './gateway-limits.js';
import { NodeOutbox } from './node-outbox.js';
import { NodeRequests } from './node-requests.js';
import { NO_RELEASES, type AgentReleaseSource } from './release-feed.js';
import type { AgentLink, CommandDispatcher } from './command-dispatcher.js';

export interface GatewayOptions {
  /** How often agents send heartbeats (told to them in `welcome`). */
  readonly heartbeatIntervalMs: number;
  /** How long a new connection may take to send a valid hello. */
  readonly helloTimeoutMs: number;
  /** How often batched heartbeats are written. */
  readonly pingFlushMs: number;
  /** What a connection may cost before and after its hello (gateway-limits.ts). */
  readonly limits: GatewayLimits;
}

export type { AgentReleaseSource } from './release-feed.js';

export const DEFAULT_GATEWAY_OPTIONS = {
  heartbeatIntervalMs: 30_000,
  helloTimeoutMs: 10_000,
  pingFlushMs: 5_000,
  limits: DEFAULT_GATEWAY_LIMITS,
} as const satisfies GatewayOptions;

type Mode = 'challenged' | 'authenticating' | 'open';

interface Session {
  readonly socket: WebSocket;
  readonly outbox: NodeOutbox;
  /** Uncounts the connection from the pending ones (idempotent): at hello verified or close. */
  readonly admitted: () => void;
  readonly nonce: string;
  readonly remote: string;
  mode: Mode;
  nodeId?: string;
  /** The node id the hello claimed (before it was verified), for the audit log. */
  claimedNodeId?: string;
  /** Frames received and not yet handled (their handling awaits the store). */
  framesInFlight: number;
  /** Frames read after the connection was paused, not yet parsed. */
  readonly backlog: string[];
  /** Whether the refusal of this (not yet open) connection is already in the audit log. */
  refusalRecorded?: boolean;
  lastSeenAt: number;
}

/** The audit operation name of agent connection attempts. */
export const AGENT_HELLO_OPERATION = 'AgentHello';

/** Protocol error codes sent in `error` frames before closing. */
export type GatewayErrorCode =
  'Malformed' | 'Unexpected' | 'HelloTimeout' | 'TooLarge' | 'Unauthorized' | 'Revoked' | 'Replaced' | 'ServerStopping';

export class AgentGateway implements AgentLink {
  private readonly sockets = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    perMessageDeflate: false,
    clientTracking: false,
  });
  private readonly sessions = new Map<string, Session>();
  private readonly all = new Set<Session>();
  private readonly keys = new Map<string, { readonly publicKey: string; readonly key: KeyObject }>();
  private readonly pending: PendingConnections;
  private readonly requests: NodeRequests;
  private pings = new Map<string, number>();
  private readonly stopping = new AbortController();
  private loop: Promise<void> | undefined;
  /** TLS rotation (issue #10): the next certificate's fingerprint, announced in `pin` frames. */
  private nextFingerprint: string | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly dispatcher: CommandDispatcher,
    private readonly options: GatewayOptions = DEFAULT_GATEWAY_OPTIONS,
    releases: AgentReleaseSource = NO_RELEASES,
    private readonly audit: AuditRecorder = NO_AUDIT,
  ) {
    this.pending = new PendingConnections(options.limits);
    this.requests = new NodeRequests(store, releases, logger, options.limits.maxRequestsPerNode);
  }

  /** Takes over WebSocket upgrades on `CONNECT_PATH` of the HTTP server. */
  attach(server: Server): void {
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = (request.url ?? '').split('?')[0];
      if (path !== CONNECT_PATH) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
        return;
      }
      const remote = request.socket.remoteAddress ?? 'unknown';
      const admitted = this.pending.admit(remote);
      if (admitted === undefined) {
        this.logger.debug({ remote, pending: this.pending.count() }, 'too many unauthenticated agent connections');
        this.recordRefusal(remote, undefined, 'TooManyPending', 'Too many unauthenticated agent connections.');
        socket.end(
          'HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
        );
        return;
      }
      // Also when the upgrade fails (ws answers 400 and destroys the socket without a callback).
      socket.once('close', admitted);
      this.sockets.handleUpgrade(request, socket, head, (ws) => this.open(ws, request, admitted));
    });
    this.loop = this.maintenanceLoop();
  }

  /** Number of nodes connected now. */
  get connectedCount(): number {
    return this.sessions.size;
  }

  isConnected(instanceId: string): boolean {
    return this.sessions.has(instanceId);
  }

  send(instanceId: string, message: ServerMessage | string): boolean {
    const session = this.sessions.get(instanceId);
    if (session === undefined) {
      return false;
    }
    return session.outbox.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  disconnect(instanceId: string, code: GatewayErrorCode | string, message: string): void {
    const session = this.sessions.get(instanceId);
    if (session !== undefined) {
      this.refuse(session, code as GatewayErrorCode, message);
    }
  }

  /** Announces the next certificate (or stops announcing one) to every open connection. */
  announceNextFingerprint(fingerprint: string | undefined): void {
    this.nextFingerprint = fingerprint;
    if (fingerprint !== undefined) {
      for (const nodeId of this.sessions.keys()) {
        this.send(nodeId, { type: 'pin', nextFingerprint: fingerprint });
      }
    }
  }

  /** Closes every connection and stops the heartbeat writer. */
  async close(): Promise<void> {
    this.stopping.abort();
    for (const session of [...this.all]) {
      this.refuse(session, 'ServerStopping', 'The server is stopping; reconnect later.');
    }
    await this.loop;
    await this.flushPings();
    await new Promise<void>((resolve) => this.sockets.close(() => resolve()));
  }

  private open(socket: WebSocket, request: IncomingMessage, admitted: () => void): void {
    const raw = request.socket;
    const session: Session = {
      socket,
      outbox: new NodeOutbox(socket, raw, this.options.limits, this.clock, (reason, bufferedBytes) => {
        this.logger.warn(
          { nodeId: session.nodeId, remote: session.remote, bufferedBytes },
          `agent connection closed: the node does not read (${reason})`,
        );
        socket.terminate();
      }),
      admitted,
      nonce: randomBytes(32).toString('base64url'),
      remote: raw.remoteAddress ?? 'unknown',
      mode: 'challenged',
      framesInFlight: 0,
      backlog: [],
      lastSeenAt: this.clock.now().getTime(),
    };
    this.all.add(session);
    this.limitInputBeforeHello(session, raw);
    const helloTimer = setTimeout(() => {
      if (session.mode !== 'open') {
        this.refuse(session, 'HelloTimeout', 'No valid hello in time.');
      }
    }, this.options.helloTimeoutMs);
    helloTimer.unref();
    socket.on('message', (data: RawData, isBinary: boolean) => {
      session.lastSeenAt = this.clock.now().getTime();
      if (isBinary) {
        this.refuse(session, 'Malformed', 'Frames must be JSON text.');
        return;
      }
      const text = data.toString();
      if (session.framesInFlight >= MAX_FRAMES_IN_FLIGHT_PER_NODE) {
        // Read before the pause took effect: kept as text, handled as earlier frames finish.
        session.backlog.push(text);
        return;
      }
      this.handleFrame(session, text);
    });
    socket.on('error', (error) => {
      // ws reports oversized frames and protocol violations here, then closes the socket.
      this.logger.warn({ err: error, nodeId: session.nodeId, remote: session.remote }, 'agent connection error');
    });
    socket.on('close', () => {
      clearTimeout(helloTimer);
      session.backlog.length = 0;
      session.admitted();
      session.outbox.close();
      this.all.delete(session);
      if (session.nodeId !== undefined && this.sessions.get(session.nodeId) === session) {
        this.sessions.delete(session.nodeId);
      }
    });
    session.outbox.send(JSON.stringify({ type: 'challenge', protocol: PROTOCOL_VERSION, nonce: session.nonce }));
  }

  /**
   * Parses one frame and handles it. Back-pressure (gateway-limits.ts): while
   * MAX_FRAMES_IN_FLIGHT_PER_NODE frames are being handled the connection is not read; frames ws
   * had already read wait in `backlog` (at most one socket read's worth) and go next, in order.
   */
  private handleFrame(session: Session, text: string): void {
    if (exceedsJsonDepth(text)) {
      this.refuse(session, 'Malformed', `The frame is nested deeper than ${MAX_JSON_DEPTH} levels.`);
      return;
    }
    const message = parseAgentMessage(text);
    if (message === undefined) {
      this.refuse(session, 'Malformed', 'The frame is not a valid agent message.');
      return;
    }
    session.framesInFlight += 1;
    if (session.framesInFlight >= MAX_FRAMES_IN_FLIGHT_PER_NODE) {
      session.socket.pause();
    }
    void this.receive(session, message)
      .catch((error: unknown) => {
        this.logger.error({ err: error, nodeId: session.nodeId }, 'agent message handling failed');
      })
      .finally(() => {
        session.framesInFlight -= 1;
        while (session.framesInFlight < MAX_FRAMES_IN_FLIGHT_PER_NODE && session.backlog.length > 0) {
          this.handleFrame(session, session.backlog.shift()!);
        }
        if (session.framesInFlight < MAX_FRAMES_IN_FLIGHT_PER_NODE && session.socket.isPaused) {
          session.socket.resume();
        }
      });
  }

  /**
   * Counts every byte the connection sends (ws has buffered them too) until the connection is
   * open, and ends it past `preAuthBytes`: a frame announced as 8 MiB costs at most the limit
   * plus one socket read, whatever its header says.
   */
  private limitInputBeforeHello(session: Session, raw: Duplex): void {
    let received = 0;
    const count = (chunk: Buffer) => {
      if (session.mode === 'open') {
        raw.off('data', count);
        return;
      }
      received += chunk.length;
      if (received > this.options.limits.preAuthBytes) {
        raw.off('data', count);
        this.refuse(
          session,
          'TooLarge',
          `More than ${this.options.limits.preAuthBytes} bytes before the hello was verified.`,
          'terminate',
        );
      }
    };
    raw.on('data', count);
  }

  private async receive(session: Session, message: AgentMessage): Promise<void> {
    if (session.mode === 'challenged') {
      if (message.type !== 'hello') {
        this.refuse(session, 'Unexpected', `Expected hello, got ${message.type}.`);
        return;
      }
      session.mode = 'authenticating';
      session.claimedNodeId = message.nodeId;
      await this.authenticate(session, message);
      return;
    }
    if (session.mode === 'authenticating' || message.type === 'hello') {
      this.refuse(session, 'Unexpected', `Unexpected ${message.type} frame.`);
      return;
    }
    const nodeId = session.nodeId!;
    switch (message.type) {
      case 'heartbeat':
        this.pings.set(nodeId, this.clock.now().getTime());
        session.outbox.send(JSON.stringify({ type: 'heartbeat', at: this.clock.now().getTime() }));
        return;
      case 'accepted':
        this.dispatcher.accepted(nodeId, message.commandId);
        return;
      case 'progress':
        if (!this.dispatcher.progress(nodeId, message.commandId, message.step, message.stdout, message.stderr)) {
          // Late (the invocation ended or expired meanwhile) or not this node's: dropped.
          this.logger.debug(
            { nodeId, commandId: message.commandId, step: message.step },
            'progress for a command not in flight on this node; ignored',
          );
        }
        return;
      case 'result':
        await this.dispatcher.result(nodeId, message.commandId, message.outcome, message.steps);
        session.outbox.send(JSON.stringify({ type: 'resultAck', commandId: message.commandId }));
        return;
      case 'inventory':
        await this.requests.recordInventory(nodeId, message);
        return;
      case 'packageRequest':
      case 'packageChunkRequest':
      case 'releaseRequest':
      case 'releaseChunkRequest':
        this.requests.serve(session.outbox, nodeId, message);
        return;
    }
  }

  private async authenticate(session: Session, hello: Extract<AgentMessage, { type: 'hello' }>): Promise<void> {
    const node = await this.store.getManagedNode(hello.nodeId);
    if (node === undefined) {
      this.refuse(session, 'Unauthorized', `Unknown node ${hello.nodeId}.`);
      return;
    }
    if (node.deregisteredAt !== undefined) {
      this.refuse(session, 'Revoked', 'This node has been deregistered.');
      return;
    }
    const signature = Buffer.from(hello.signature, 'base64');
    const signed = Buffer.from(helloSigningText(hello.nodeId, session.nonce));
    if (!verify(null, signed, this.publicKey(node.instanceId, node.publicKey), signature)) {
      this.refuse(session, 'Unauthorized', 'The hello signature does not verify with this node’s key.');
      return;
    }
    if (session.socket.readyState !== session.socket.OPEN) {
      return;
    }
    const now = this.clock.now().getTime();
    await this.store.updateNodeFacts(node.instanceId, hello.facts, now);
    session.admitted();
    const previous = this.sessions.get(node.instanceId);
    if (previous !== undefined && previous !== session) {
      this.refuse(previous, 'Replaced', 'A newer connection of this node replaced this one.');
    }
    session.nodeId = node.instanceId;
    session.mode = 'open';
    this.sessions.set(node.instanceId, session);
    session.outbox.send(
      JSON.stringify({
        type: 'welcome',
        nodeId: node.instanceId,
        heartbeatIntervalMs: this.options.heartbeatIntervalMs,
        serverTime: now,
      } satisfies ServerMessage),
    );
    if (this.nextFingerprint !== undefined) {
      this.send(node.instanceId, { type: 'pin', nextFingerprint: this.nextFingerprint });
    }
    this.logger.debug({ nodeId: node.instanceId, agentVersion: hello.facts.agentVersion }, 'agent connected');
    this.dispatcher.nodeConnected(node.instanceId);
  }

  private publicKey(instanceId: string, publicKey: string): KeyObject {
    const cached = this.keys.get(instanceId);
    if (cached !== undefined && cached.publicKey === publicKey) {
      return cached.key;
    }
    const key = createPublicKey({ key: Buffer.from(publicKey, 'base64'), format: 'der', type: 'spki' });
    this.keys.set(instanceId, { publicKey, key });
    return key;
  }

  /** Sends an error frame and closes; `terminate` drops the connection at once (no close handshake). */
  private refuse(
    session: Session,
    code: GatewayErrorCode,
    message: string,
    how: 'close' | 'terminate' = 'close',
  ): void {
    if (code !== 'ServerStopping' && code !== 'Replaced') {
      this.logger.warn(
        { nodeId: session.nodeId, remote: session.remote, code },
        `agent connection refused: ${message}`,
      );
    }
    if (session.mode !== 'open' && code !== 'ServerStopping' && !session.refusalRecorded) {
      session.refusalRecorded = true;
      this.recordRefusal(session.remote, session.claimedNodeId, code, message);
    }
    if (session.socket.readyState === session.socket.OPEN) {
      session.socket.send(JSON.stringify({ type: 'error', code, message } satisfies ServerMessage));
      if (how === 'terminate') {
        session.socket.terminate();
      } else {
        session.socket.close(code === 'ServerStopping' ? 1001 : 1008, code);
      }
    } else {
      session.socket.terminate();
    }
  }

  /** One audited refusal of a connection not yet open; `record` never throws. */
  private recordRefusal(remote: string, nodeId: string | undefined, code: string, message: string): void {
    void this.audit.record({
      operation: AGENT_HELLO_OPERATION,
      outcome: 'refused',
      resourceId: nodeId,
      detail: `${code}: ${message}`,
      sourceIp: normaliseAddress(remote),
      target: CONNECT_PATH,
    });
  }

  /** Writes batched heartbeats and drops connections silent for three heartbeat intervals. */
  private async maintenanceLoop(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      try {
        await this.clock.sleep(this.options.pingFlushMs, this.stopping.signal);
      } catch {
        // Aborted: the gateway is closing.
        return;
      }
      await this.flushPings();
      const silentSince = this.clock.now().getTime() - 3 * this.options.heartbeatIntervalMs;
      for (const session of this.sessions.values()) {
        if (session.lastSeenAt < silentSince) {
          this.logger.info({ nodeId: session.nodeId }, 'agent silent for three heartbeat intervals; closing');
          session.socket.terminate();
        }
      }
    }
  }

  private async flushPings(): Promise<void> {
    if (this.pings.size === 0) {
      return;
    }
    const pings = [...this.pings].map(([instanceId, at]) => ({ instanceId, at }));
    this.pings = new Map();
    try {
      await this.store.recordNodePings(pings);
    } catch (error) {
      this.logger.error({ err: error }, 'could not record agent heartbeats');
    }
  }
}
