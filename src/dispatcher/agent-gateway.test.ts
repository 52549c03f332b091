/**
 * The gateway's back-pressure on an open node (gateway-limits.ts), in process: a real HTTP server
 * on 127.0.0.1 and a real WebSocket client, over a store whose inventory writes wait until the
 * test lets them finish. A node flooding inventory reports has at most
 * MAX_FRAMES_IN_FLIGHT_PER_NODE of them handled at once; the rest wait unread, then all land.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CONNECT_PATH, helloSigningText } from '../protocol/agent-protocol.js';
import { FakeClock } from '../shared/fake-clock.js';
import { silentLogger } from '../shared/logger.js';
import type { Store } from '../store/store.js';
import { AgentGateway, DEFAULT_GATEWAY_OPTIONS } from './agent-gateway.js';
import type { CommandDispatcher } from './command-dispatcher.js';
import { MAX_FRAMES_IN_FLIGHT_PER_NODE } from './gateway-limits.js';

const NODE_ID = 'mi-0123456789abcdef0';
const FLOOD = 60;

/** Resolves when `predicate` holds, checking after every event-loop turn, for at most 5 s. */
async function until(predicate: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!predicate()) {
    if (Date.now() > deadline) {
      throw new Error('condition not reached in 5 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('AgentGateway back-pressure', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  let server: Server;
  let gateway: AgentGateway;
  let client: WebSocket | undefined;
  let writing = 0;
  let written = 0;
  let mostAtOnce = 0;
  let release: () => void = () => {};
  let gate: Promise<void>;

  beforeEach(async () => {
    gate = new Promise<void>((resolve) => (release = resolve));
    const store = {
      getManagedNode: async (id: string) =>
        id === NODE_ID
          ? { instanceId: NODE_ID, publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64') }
          : undefined,
      updateNodeFacts: async () => {},
      recordNodePings: async () => {},
      putApplicationInventory: async () => {
        writing += 1;
        mostAtOnce = Math.max(mostAtOnce, writing);
        await gate;
        writing -= 1;
        written += 1;
      },
    } as unknown as Store;
    const dispatcher = { nodeConnected: () => {} } as unknown as CommandDispatcher;
    gateway = new AgentGateway(store, new FakeClock(), silentLogger, dispatcher, DEFAULT_GATEWAY_OPTIONS);
    server = createServer();
    gateway.attach(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  });

  afterEach(async () => {
    release();
    client?.terminate();
    await gateway.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function connect(): Promise<WebSocket> {
    const socket = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}${CONNECT_PATH}`);
    await new Promise<void>((resolve, reject) => {
      socket.on('error', reject);
      socket.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as { type: string; nonce?: string };
        if (frame.type === 'challenge') {
          const signature = sign(null, Buffer.from(helloSigningText(NODE_ID, frame.nonce!)), privateKey);
          socket.send(
            JSON.stringify({
              type: 'hello',
              protocol: 1,
              nodeId: NODE_ID,
              signature: signature.toString('base64'),
              facts: {
                agentVersion: '1.0.0',
                platformType: 'Linux',
                platformName: 'Debian',
                platformVersion: '12',
                architecture: 'x64',
                computerName: 'flood',
                ipAddresses: ['127.0.0.1'],
              },
              unfinished: [],
            }),
          );
        } else if (frame.type === 'welcome') {
          resolve();
        }
      });
    });
    return socket;
  }

  it('handles at most MAX_FRAMES_IN_FLIGHT_PER_NODE frames of a flooding node at once, then all of them', async () => {
    client = await connect();
    for (let i = 0; i < FLOOD; i++) {
      client.send(JSON.stringify({ type: 'inventory', capturedAt: i, applications: [] }));
    }
    await until(() => writing === MAX_FRAMES_IN_FLIGHT_PER_NODE);
    // Give the gateway every chance to take more while the store is stuck.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(writing).toBe(MAX_FRAMES_IN_FLIGHT_PER_NODE);
    expect(written).toBe(0);
    release();
    await until(() => written === FLOOD);
    expect(mostAtOnce).toBe(MAX_FRAMES_IN_FLIGHT_PER_NODE);
    expect(gateway.isConnected(NODE_ID)).toBe(true);
  });
});
