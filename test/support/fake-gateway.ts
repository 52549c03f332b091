/**
 * The server side of the agent protocol, just enough to drive a real agent in tests: sends a
 * challenge on every connection, verifies the hello signature with the node's public key,
 * answers welcome, records every agent frame, and lets tests await frames instead of sleeping.
 */
import { randomBytes, verify, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  helloSigningText,
  parseAgentMessage,
  type AgentMessage,
  type ServerMessage,
} from '../../src/protocol/agent-protocol.js';

export interface Received {
  readonly connection: number;
  readonly message: AgentMessage;
}

export class FakeGateway {
  readonly wss: WebSocketServer;
  readonly received: Received[] = [];
  readonly sockets: WebSocket[] = [];
  readonly helloSignatureValid: boolean[] = [];
  readonly paths: string[] = [];
  /** What to do on a new connection; default: send a challenge. */
  onConnection: (socket: WebSocket, index: number) => void = (socket) => this.challenge(socket);
  heartbeatIntervalMs = 60_000;
  private nonces = new Map<WebSocket, string>();
  private waiters: { predicate: (received: Received) => boolean; resolve: (received: Received) => void }[] = [];

  private constructor(
    private readonly publicKey: KeyObject,
    options: { autoPong?: boolean } = {},
  ) {
    this.wss = new WebSocketServer({ port: 0, host: '127.0.0.1', autoPong: options.autoPong ?? true });
    this.wss.on('connection', (socket, request) => {
      const index = this.sockets.push(socket) - 1;
      this.paths.push(request.url ?? '');
      socket.on('message', (data) => this.onMessage(socket, index, data.toString()));
      this.onConnection(socket, index);
    });
  }

  /** A gateway listening on a free port of 127.0.0.1. */
  static async start(publicKey: KeyObject, options: { autoPong?: boolean } = {}): Promise<FakeGateway> {
    const gateway = new FakeGateway(publicKey, options);
    await new Promise<void>((resolve) => gateway.wss.once('listening', () => resolve()));
    return gateway;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.wss.address() as AddressInfo).port}`;
  }

  challenge(socket: WebSocket): void {
    const nonce = randomBytes(16).toString('base64url');
    this.nonces.set(socket, nonce);
    this.send(socket, { type: 'challenge', protocol: 1, nonce });
  }

  send(socket: WebSocket, message: ServerMessage): void {
    socket.send(JSON.stringify(message));
  }

  /** Sends to the newest connection. */
  sendLatest(message: ServerMessage): void {
    this.send(this.sockets.at(-1)!, message);
  }

  private onMessage(socket: WebSocket, connection: number, text: string): void {
    const message = parseAgentMessage(text);
    if (message === undefined) {
      throw new Error(`invalid agent frame: ${text}`);
    }
    if (message.type === 'hello') {
      const nonce = this.nonces.get(socket) ?? '';
      const valid = verify(
        null,
        Buffer.from(helloSigningText(message.nodeId, nonce)),
        this.publicKey,
        Buffer.from(message.signature, 'base64'),
      );
      this.helloSignatureValid.push(valid);
      if (valid) {
        this.send(socket, {
          type: 'welcome',
          nodeId: message.nodeId,
          heartbeatIntervalMs: this.heartbeatIntervalMs,
          serverTime: Date.now(),
        });
      }
    }
    const received = { connection, message };
    this.received.push(received);
    this.waiters = this.waiters.filter((waiter) => {
      if (waiter.predicate(received)) {
        waiter.resolve(received);
        return false;
      }
      return true;
    });
  }

  /** The first matching message, already received or still to come. */
  next(predicate: (received: Received) => boolean): Promise<Received> {
    const seen = this.received.find(predicate);
    if (seen !== undefined) {
      return Promise.resolve(seen);
    }
    return new Promise((resolve) => this.waiters.push({ predicate, resolve }));
  }

  /** The n-th (1-based) matching message. */
  nth(count: number, predicate: (received: Received) => boolean): Promise<Received> {
    let seen = 0;
    return this.next((received) => predicate(received) && ++seen === count);
  }

  types(type: AgentMessage['type']): Received[] {
    return this.received.filter((received) => received.message.type === type);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) {
      socket.terminate();
    }
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

export const isType =
  <T extends AgentMessage['type']>(type: T, connection?: number) =>
  (received: Received): boolean =>
    received.message.type === type && (connection === undefined || received.connection === connection);
