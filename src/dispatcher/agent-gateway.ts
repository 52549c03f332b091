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
 * for `aws:updateSsmAgent`; each request gets exactly one answer, an error included.
 * Likewise packages (`packageRequest`, `packageChunkRequest`) for `aws:configurePackage`, and the
 * node's `inventory` of installed packages is recorded (package-feed.ts).
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
import type { AgentRelease } from '../domain/agent-release.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from '../store/store.js';
import { PackageFeed } from './package-feed.js';
import type { AgentLink, CommandDispatcher } from './command-dispatcher.js';

export interface GatewayOptions {
  /** How often agents send heartbeats (told to them in `welcome`). */
  readonly heartbeatIntervalMs: number;
  /** How long a new connection may take to send a valid hello. */
  readonly helloTimeoutMs: number;
  /** How often batched heartbeats are written. */
  readonly pingFlushMs: number;
}

/** Where the gateway finds agent releases (the agent release service). */
export interface AgentReleaseSource {
  /** A named release, or the latest when `version` is undefined. */
  find(version: string | undefined): Promise<AgentRelease | undefined>;
  /** Up to `length` bytes of a release's bundle from `offset`; undefined for an unknown version. */
  readChunk(version: string, offset: number, length: number): Promise<Uint8Array | undefined>;
}

const NO_RELEASES: AgentReleaseSource = {
  find: () => Promise.resolve(undefined),
  readChunk: () => Promise.resolve(undefined),
};

export const DEFAULT_GATEWAY_OPTIONS = {
  heartbeatIntervalMs: 30_000,
  helloTimeoutMs: 10_000,
  pingFlushMs: 5_000,
} as const satisfies GatewayOptions;

type Mode = 'challenged' | 'authenticating' | 'open';

interface Session {
  readonly socket: WebSocket;
  readonly nonce: string;
  readonly remote: string;
  mode: Mode;
  nodeId?: string;
  lastSeenAt: number;
}

/** Protocol error codes sent in `error` frames before closing. */
export type GatewayErrorCode =
  'Malformed' | 'Unexpected' | 'HelloTimeout' | 'Unauthorized' | 'Revoked' | 'Replaced' | 'ServerStopping';

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
    private readonly releases: AgentReleaseSource = NO_RELEASES,
  ) {}

  /** Takes over WebSocket upgrades on `CONNECT_PATH` of the HTTP server. */
  attach(server: Server): void {
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = (request.url ?? '').split('?')[0];
      if (path !== CONNECT_PATH) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
        return;
      }
      this.sockets.handleUpgrade(request, socket, head, (ws) => this.open(ws, request));
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
    if (session === undefined || session.socket.readyState !== session.socket.OPEN) {
      return false;
    }
    session.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
    return true;
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

  private open(socket: WebSocket, request: IncomingMessage): void {
    const session: Session = {
      socket,
      nonce: randomBytes(32).toString('base64url'),
      remote: request.socket.remoteAddress ?? 'unknown',
      mode: 'challenged',
      lastSeenAt: this.clock.now().getTime(),
    };
    this.all.add(session);
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
      const message = parseAgentMessage(data.toString());
      if (message === undefined) {
        this.refuse(session, 'Malformed', 'The frame is not a valid agent message.');
        return;
      }
      void this.receive(session, message).catch((error: unknown) => {
        this.logger.error({ err: error, nodeId: session.nodeId }, 'agent message handling failed');
      });
    });
    socket.on('error', (error) => {
      // ws reports oversized frames and protocol violations here, then closes the socket.
      this.logger.warn({ err: error, nodeId: session.nodeId, remote: session.remote }, 'agent connection error');
    });
    socket.on('close', () => {
      clearTimeout(helloTimer);
      this.all.delete(session);
      if (session.nodeId !== undefined && this.sessions.get(session.nodeId) === session) {
        this.sessions.delete(session.nodeId);
      }
    });
    socket.send(JSON.stringify({ type: 'challenge', protocol: PROTOCOL_VERSION, nonce: session.nonce }));
  }

  private async receive(session: Session, message: AgentMessage): Promise<void> {
    if (session.mode === 'challenged') {
      if (message.type !== 'hello') {
        this.refuse(session, 'Unexpected', `Expected hello, got ${message.type}.`);
        return;
      }
      session.mode = 'authenticating';
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
        this.send(nodeId, { type: 'heartbeat', at: this.clock.now().getTime() });
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
        this.send(nodeId, { type: 'resultAck', commandId: message.commandId });
        return;
      case 'packageRequest':
      case 'packageChunkRequest': {
        const answer = await this.packageFeed.answer(nodeId, message);
        if (session.socket.readyState === session.socket.OPEN) {
          session.socket.send(JSON.stringify(answer));
        }
        return;
      }
      case 'inventory':
        await this.packageFeed.recordInventory(nodeId, message);
        return;
      case 'releaseRequest':
      case 'releaseChunkRequest':
        await this.answerRelease(session, message);
        return;
    }
  }

  /** Answers one release request on the connection that asked (never throws). */
  private async answerRelease(
    session: Session,
    message: Extract<AgentMessage, { type: 'releaseRequest' | 'releaseChunkRequest' }>,
  ): Promise<void> {
    const { requestId } = message;
    let answer: ServerMessage;
    try {
      if (message.type === 'releaseRequest') {
        const release = await this.releases.find(message.version);
        answer =
          release === undefined
            ? {
                type: 'release',
                requestId,
                error:
                  message.version === undefined
                    ? 'No agent release is published on the server.'
                    : `Agent release ${message.version} is not published on the server.`,
              }
            : {
                type: 'release',
                requestId,
                release: { version: release.version, sha256: release.sha256, sizeBytes: release.sizeBytes },
              };
      } else {
        const chunk = await this.releases.readChunk(message.version, message.offset, message.length);
        answer =
          chunk === undefined
            ? {
                type: 'releaseChunk',
                requestId,
                version: message.version,
                offset: message.offset,
                error: `Agent release ${message.version} is not published on the server.`,
              }
            : {
                type: 'releaseChunk',
                requestId,
                version: message.version,
                offset: message.offset,
                data: Buffer.from(chunk).toString('base64'),
              };
      }
    } catch (error) {
      this.logger.error({ err: error, nodeId: session.nodeId }, 'could not read an agent release');
      answer =
        message.type === 'releaseRequest'
          ? { type: 'release', requestId, error: 'The server could not read its agent releases; try again.' }
          : {
              type: 'releaseChunk',
              requestId,
              version: message.version,
              offset: message.offset,
              error: 'The server could not read the release; try again.',
            };
    }
    if (session.socket.readyState === session.socket.OPEN) {
      session.socket.send(JSON.stringify(answer));
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
    const previous = this.sessions.get(node.instanceId);
    if (previous !== undefined && previous !== session) {
      this.refuse(previous, 'Replaced', 'A newer connection of this node replaced this one.');
    }
    session.nodeId = node.instanceId;
    session.mode = 'open';
    this.sessions.set(node.instanceId, session);
    session.socket.send(
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

  private packageFeedInstance: PackageFeed | undefined;

  /** Package requests and inventory reports (created on first use, over the gateway's store). */
  private get packageFeed(): PackageFeed {
    this.packageFeedInstance ??= new PackageFeed(this.store, this.logger);
    return this.packageFeedInstance;
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

  private refuse(session: Session, code: GatewayErrorCode, message: string): void {
    if (code !== 'ServerStopping' && code !== 'Replaced') {
      this.logger.warn(
        { nodeId: session.nodeId, remote: session.remote, code },
        `agent connection refused: ${message}`,
      );
    }
    if (session.socket.readyState === session.socket.OPEN) {
      session.socket.send(JSON.stringify({ type: 'error', code, message } satisfies ServerMessage));
      session.socket.close(code === 'ServerStopping' ? 1001 : 1008, code);
    } else {
      session.socket.terminate();
    }
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
