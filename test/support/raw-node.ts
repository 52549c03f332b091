/**
 * A node spoken by hand over the agent protocol, against a real server process: registration
 * with an activation (a fresh Ed25519 key pair), the challenge / signed hello / welcome
 * handshake, and a client that collects the server's frames so a test can await them.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { CreateActivationCommand, type CreateActivationCommandInput } from '@aws-sdk/client-ssm';
import { expect } from 'vitest';
import WebSocket from 'ws';
import {
  CONNECT_PATH,
  REGISTER_PATH,
  helloSigningText,
  type AgentMessage,
  type RegisterRequest,
  type ServerMessage,
} from '../../src/protocol/agent-protocol.js';
import type { ServerProcess } from './server-process.js';

/** What a node says of itself (`as const` objects fit: the address list may be read-only). */
export type NodeFacts = Omit<RegisterRequest['facts'], 'ipAddresses'> & { readonly ipAddresses: readonly string[] };
type Hello = Extract<AgentMessage, { type: 'hello' }>;

/** A Debian 12 node on x64 at 127.0.0.1 calling itself `computerName`. */
export function nodeFacts(computerName: string): NodeFacts {
  return {
    agentVersion: '1.0.0',
    platformType: 'Linux',
    platformName: 'Debian GNU/Linux',
    platformVersion: '12',
    architecture: 'x64',
    computerName,
    ipAddresses: ['127.0.0.1'],
  };
}

/** A registered node: its id and the private key its hello is signed with. */
export interface RawNode {
  readonly nodeId: string;
  readonly privateKey: KeyObject;
}

export interface Registration {
  readonly status: number;
  readonly body: Record<string, string>;
  /** Set when the server accepted the registration. */
  readonly node?: RawNode;
}

/** POSTs a registration for a new key pair with `activationId`/`activationCode` and `facts`. */
export async function register(
  serverUrl: string,
  activationId: string,
  activationCode: string,
  facts: NodeFacts,
): Promise<Registration> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const response = await fetch(new URL(REGISTER_PATH, serverUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      protocol: 1,
      activationId,
      activationCode,
      publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
      facts,
    }),
  });
  const body = (await response.json()) as Record<string, string>;
  return { status: response.status, body, node: response.ok ? { nodeId: body.nodeId!, privateKey } : undefined };
}

/** Creates an activation (one registration by default) and registers a node with it. */
export async function registerRawNode(
  server: ServerProcess,
  facts: NodeFacts,
  activation: CreateActivationCommandInput = { IamRole: 'MadoNode', RegistrationLimit: 1 },
): Promise<RawNode> {
  const created = await server.client().send(new CreateActivationCommand(activation));
  const registration = await register(server.url, created.ActivationId!, created.ActivationCode!, facts);
  expect(registration.status).toBe(200);
  return registration.node!;
}

/** The hello frame `node` answers the challenge `nonce` with (signed), with `overrides` applied. */
export function helloFrame(node: RawNode, nonce: string, facts: NodeFacts, overrides: Partial<Hello> = {}): Hello {
  return {
    type: 'hello',
    protocol: 1,
    nodeId: node.nodeId,
    signature: sign(null, Buffer.from(helloSigningText(node.nodeId, nonce)), node.privateKey).toString('base64'),
    facts: { ...facts, ipAddresses: [...facts.ipAddresses] },
    unfinished: [],
    ...overrides,
  };
}

/** How long `next` waits for a frame by default. */
const FRAME_WAIT_MS = 30_000;

/** An agent connection that collects the server's frames and lets the test await them. */
export class RawAgentClient {
  readonly frames: ServerMessage[] = [];
  readonly socket: WebSocket;
  readonly closed: Promise<number>;
  private isClosed = false;
  private waiters: (() => void)[] = [];

  constructor(
    serverUrl: string,
    private readonly facts: NodeFacts,
  ) {
    this.socket = new WebSocket(serverUrl.replace(/^http/, 'ws') + CONNECT_PATH);
    this.socket.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()) as ServerMessage);
      this.waiters.splice(0).forEach((wake) => wake());
    });
    this.closed = new Promise((resolve) =>
      this.socket.on('close', (code) => {
        this.isClosed = true;
        resolve(code);
      }),
    );
  }

  /** The first collected frame of `type` (or matching `accept`), waiting for it if need be. */
  next<T extends ServerMessage['type']>(type: T): Promise<Extract<ServerMessage, { type: T }>>;
  next(accept: (frame: ServerMessage) => boolean, what: string): Promise<ServerMessage>;
  async next(
    wanted: ServerMessage['type'] | ((frame: ServerMessage) => boolean),
    what = `${String(wanted)} frame`,
  ): Promise<ServerMessage> {
    const accept = typeof wanted === 'string' ? (frame: ServerMessage) => frame.type === wanted : wanted;
    const deadline = Date.now() + FRAME_WAIT_MS;
    for (;;) {
      const found = this.frames.find(accept);
      if (found !== undefined) {
        return found;
      }
      if (this.isClosed || Date.now() >= deadline) {
        throw new Error(`no ${what}; got ${JSON.stringify(this.frames).slice(0, 2000)}`);
      }
      await Promise.race([
        new Promise<void>((resolve) => this.waiters.push(resolve)),
        this.closed,
        new Promise((resolve) => setTimeout(resolve, 500)),
      ]);
    }
  }

  send(message: AgentMessage | Record<string, unknown> | string | Buffer): void {
    this.socket.send(typeof message === 'string' || Buffer.isBuffer(message) ? message : JSON.stringify(message));
  }

  /** Sends a request and returns the answer with the same request id. */
  async ask(message: Record<string, unknown>): Promise<ServerMessage> {
    const requestId = `r-${Math.random().toString(16).slice(2)}`;
    this.send({ ...message, requestId });
    return this.next((frame) => 'requestId' in frame && frame.requestId === requestId, `an answer to ${requestId}`);
  }

  hello(node: RawNode, nonce: string, overrides: Partial<Hello> = {}): void {
    this.send(helloFrame(node, nonce, this.facts, overrides));
  }
}

/** Connects as `node`, answers the challenge and resolves once the server has welcomed it. */
export async function welcomedClient(serverUrl: string, node: RawNode, facts: NodeFacts): Promise<RawAgentClient> {
  const client = new RawAgentClient(serverUrl, facts);
  const challenge = await client.next('challenge');
  client.hello(node, challenge.nonce);
  await client.next('welcome');
  return client;
}

/** `welcomedClient` for a test that reads (or stops reading) the WebSocket itself. */
export async function welcomedSocket(serverUrl: string, node: RawNode, facts: NodeFacts): Promise<WebSocket> {
  return (await welcomedClient(serverUrl, node, facts)).socket;
}
