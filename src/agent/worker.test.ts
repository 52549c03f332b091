import { createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeGateway, isType } from '../../test/support/fake-gateway.js';
import { CONNECT_PATH, type DeliveredInvocation } from '../protocol/agent-protocol.js';
import { systemClock } from '../shared/clock.js';
import { silentLogger } from '../shared/logger.js';
import type { AgentEvent } from './agent-events.js';
import { DEFAULT_AGENT_SETTINGS, type AgentSettings } from './config.js';
import { EXIT_REVOKED } from './exit-codes.js';
import { generateNodeKeyPair } from './node-key.js';
import { JOURNAL_DIR, loadState, saveRegistration } from './state-directory.js';
import { createWorker, runWorkerProcess } from './worker-process.js';
import { gatewayUrl } from './agent-connection.js';
import { nextAttempt } from './worker.js';

const NODE_ID = 'mi-0123456789abcdef0';
const COMMAND_ID = '11111111-2222-4333-8444-555555555555';

let root: string;
let stateDir: string;
let publicKey: KeyObject;
let gateway: FakeGateway;
let stop: AbortController;
let running: Promise<unknown> | undefined;
let events: AgentEvent[];
let eventWaiters: { predicate: (event: AgentEvent) => boolean; resolve: () => void }[];

function onEvent(event: AgentEvent): void {
  events.push(event);
  eventWaiters = eventWaiters.filter((waiter) => {
    if (waiter.predicate(event)) {
      waiter.resolve();
      return false;
    }
    return true;
  });
}

/** Resolves once a matching event happened (before or after the call). */
function eventSeen(predicate: (event: AgentEvent) => boolean): Promise<void> {
  if (events.some(predicate)) {
    return Promise.resolve();
  }
  return new Promise((resolve) => eventWaiters.push({ predicate, resolve }));
}

const settings: AgentSettings = {
  ...DEFAULT_AGENT_SETTINGS,
  reconnectBaseMs: 10,
  reconnectCapMs: 40,
  handshakeTimeoutMs: 2_000,
  killGraceMs: 1_000,
};

function register(serverUrl: string): void {
  const keys = generateNodeKeyPair();
  publicKey = createPublicKey({ key: Buffer.from(keys.publicKeyBase64, 'base64'), format: 'der', type: 'spki' });
  saveRegistration(
    stateDir,
    { serverUrl, nodeId: NODE_ID, registeredAt: new Date().toISOString() },
    keys.privateKeyPem,
  );
}

function startWorker(overrides: Partial<AgentSettings> = {}) {
  const worker = createWorker(loadState(stateDir), {
    clock: systemClock,
    logger: silentLogger,
    settings: { ...settings, ...overrides },
    env: process.env,
    onEvent,
  });
  running = worker.run(stop.signal);
  return { worker, done: running };
}

function shellInvocation(commandId: string, lines: string[]): DeliveredInvocation {
  return {
    commandId,
    documentName: 'AWS-RunShellScript',
    defaultTimeoutSeconds: 60,
    steps: [{ action: 'aws:runShellScript', name: 'script', inputs: { runCommand: lines } }],
  };
}

/** Points the registration at `gateway` (the key stays). */
function useGateway(next: FakeGateway): void {
  gateway = next;
  saveRegistration(
    stateDir,
    { serverUrl: next.url, nodeId: NODE_ID, registeredAt: new Date().toISOString() },
    readFileSync(join(stateDir, 'node-key.pem'), 'utf8'),
  );
}

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'mado-worker-'));
  stateDir = join(root, 'state');
  events = [];
  eventWaiters = [];
  stop = new AbortController();
  // The key is needed before the gateway exists; the URL is set once it listens.
  register('http://127.0.0.1:1');
  useGateway(await FakeGateway.start(publicKey));
});

afterEach(async () => {
  stop.abort();
  await running;
  running = undefined;
  await gateway.close();
  rmSync(root, { recursive: true, force: true });
});

describe('worker against a WebSocket gateway', () => {
  it('answers the challenge with a hello signed by the node key, gets welcomed and sends heartbeats', async () => {
    gateway.heartbeatIntervalMs = 30;
    startWorker();
    const hello = await gateway.next(isType('hello'));
    expect(gateway.paths[0]).toBe(CONNECT_PATH);
    expect(gateway.helloSignatureValid).toEqual([true]);
    expect(hello.message).toMatchObject({
      type: 'hello',
      protocol: 1,
      nodeId: NODE_ID,
      unfinished: [],
      facts: { agentVersion: '1.0.0', platformType: 'Linux' },
    });
    await gateway.next(isType('heartbeat'));
    expect(events.some((event) => event.type === 'welcomed')).toBe(true);
  });

  it('accepts a delivered command, runs it and sends the result until it is acknowledged', async () => {
    startWorker();
    await gateway.next(isType('hello'));
    gateway.sendLatest({ type: 'deliver', invocation: shellInvocation(COMMAND_ID, ['echo hello from the node']) });
    const accepted = await gateway.next(isType('accepted'));
    expect(accepted.message).toEqual({ type: 'accepted', commandId: COMMAND_ID });
    const result = await gateway.next(isType('result'));
    expect(result.message).toMatchObject({
      type: 'result',
      commandId: COMMAND_ID,
      outcome: 'Success',
      steps: [{ name: 'script', outcome: 'Success', responseCode: 0, stdout: 'hello from the node\n' }],
    });
    gateway.sendLatest({ type: 'resultAck', commandId: COMMAND_ID });
    await eventSeen((event) => event.type === 'result-acknowledged' && event.commandId === COMMAND_ID);
    expect(existsSync(join(stateDir, JOURNAL_DIR, 'done', `${COMMAND_ID}.json`))).toBe(true);
    expect(existsSync(join(stateDir, JOURNAL_DIR, `${COMMAND_ID}.json`))).toBe(false);
  });

  it('never runs a command twice when it is delivered again', async () => {
    const counter = join(root, 'executions.log');
    startWorker();
    await gateway.next(isType('hello'));
    const invocation = shellInvocation(COMMAND_ID, [`echo ran >> ${counter}`]);
    gateway.sendLatest({ type: 'deliver', invocation });
    gateway.sendLatest({ type: 'deliver', invocation });
    await gateway.next(isType('result'));
    gateway.sendLatest({ type: 'deliver', invocation });
    await gateway.nth(2, isType('result'));
    gateway.sendLatest({ type: 'resultAck', commandId: COMMAND_ID });
    gateway.sendLatest({ type: 'deliver', invocation });
    await gateway.nth(3, isType('result'));
    expect(readFileSync(counter, 'utf8')).toBe('ran\n');
    expect(gateway.types('accepted')).toHaveLength(4);
  });

  it('reconnects after the server drops the connection and resends the unacknowledged result', async () => {
    startWorker();
    await gateway.next(isType('hello'));
    gateway.sendLatest({ type: 'deliver', invocation: shellInvocation(COMMAND_ID, ['echo once']) });
    await gateway.next(isType('result', 0));
    gateway.sockets[0]!.terminate();
    const secondHello = await gateway.next(isType('hello', 1));
    expect(secondHello.message).toMatchObject({ type: 'hello', unfinished: [COMMAND_ID] });
    expect(gateway.helloSignatureValid).toEqual([true, true]);
    const resent = await gateway.next(isType('result', 1));
    expect(resent.message).toMatchObject({ commandId: COMMAND_ID, outcome: 'Success' });
    expect(events.some((event) => event.type === 'reconnect-scheduled')).toBe(true);
  });

  it('drops a connection on which neither frames nor pongs arrive for two heartbeat intervals', async () => {
    await gateway.close();
    useGateway(await FakeGateway.start(publicKey, { autoPong: false }));
    gateway.heartbeatIntervalMs = 40;
    startWorker();
    await gateway.next(isType('hello', 1));
    const drop = events.find((event) => event.type === 'disconnected');
    expect(drop).toMatchObject({ type: 'disconnected', wasWelcomed: true });
    expect(drop?.type === 'disconnected' && drop.reason).toContain('no frame or pong');
  });

  it('retries when the server never completes the handshake', async () => {
    gateway.onConnection = (socket, index) => {
      if (index > 0) {
        gateway.challenge(socket);
      }
    };
    startWorker({ handshakeTimeoutMs: 100 });
    await gateway.next(isType('hello', 1));
    expect(events.find((event) => event.type === 'disconnected')).toMatchObject({
      reason: 'no welcome within 100 ms',
      wasWelcomed: false,
    });
  });

  it('ignores an invalid frame and keeps the connection', async () => {
    startWorker();
    await gateway.next(isType('hello'));
    gateway.sockets[0]!.send('{"type":"deliver","invocation":{"commandId":"short"}}');
    gateway.sockets[0]!.send('not json at all');
    gateway.sendLatest({ type: 'deliver', invocation: shellInvocation(COMMAND_ID, ['echo still here']) });
    const result = await gateway.next(isType('result'));
    expect(result.connection).toBe(0);
    expect(events.filter((event) => event.type === 'frame-ignored')).toHaveLength(2);
  });

  it('kills a running command on cancel and reports it Cancelled', async () => {
    startWorker();
    await gateway.next(isType('hello'));
    gateway.sendLatest({ type: 'deliver', invocation: shellInvocation(COMMAND_ID, ['sleep 300']) });
    await gateway.next(isType('accepted'));
    gateway.sendLatest({ type: 'cancel', commandId: COMMAND_ID });
    const result = await gateway.next(isType('result'));
    expect(result.message).toMatchObject({ outcome: 'Cancelled', steps: [{ outcome: 'Cancelled' }] });
  });

  it('stops with "revoked" when the server says the node was revoked', async () => {
    gateway.onConnection = (socket) =>
      gateway.send(socket, { type: 'error', code: 'Revoked', message: 'deregistered' });
    const { done } = startWorker();
    await expect(done).resolves.toBe('revoked');
    expect(gateway.sockets).toHaveLength(1);
  });

  it('exits the worker process with the revoked code on Unauthorized', async () => {
    gateway.onConnection = (socket) =>
      gateway.send(socket, { type: 'error', code: 'Unauthorized', message: 'bad signature' });
    const printed = vi.spyOn(console, 'error').mockImplementation(() => {});
    const code = await runWorkerProcess(stateDir, {
      clock: systemClock,
      logger: silentLogger,
      settings,
      env: process.env,
    });
    expect(code).toBe(EXIT_REVOKED);
    expect(printed.mock.calls[0]![0]).toContain('no longer accepts node mi-0123456789abcdef0');
    printed.mockRestore();
  });

  it('reports a command interrupted by a crash as Failed on the next connection, without running it', async () => {
    const counter = join(root, 'executions.log');
    const crashed = createWorker(loadState(stateDir), {
      clock: systemClock,
      logger: silentLogger,
      settings,
      env: process.env,
    });
    // Simulate the crash: the journal says running, as after a kill -9 in the middle of a step.
    crashed.journal.tryAccept(shellInvocation(COMMAND_ID, [`echo ran >> ${counter}`]), Date.now());
    crashed.journal.markRunning(COMMAND_ID, Date.now());
    crashed.journal.recordStepStarted(COMMAND_ID, 0, Date.now());
    startWorker();
    const hello = await gateway.next(isType('hello'));
    expect(hello.message).toMatchObject({ unfinished: [COMMAND_ID] });
    const result = await gateway.next(isType('result'));
    expect(result.message).toMatchObject({
      outcome: 'Failed',
      steps: [{ outcome: 'Failed', responseCode: -1, stderr: expect.stringContaining('it was not run again') }],
    });
    gateway.sendLatest({ type: 'deliver', invocation: shellInvocation(COMMAND_ID, [`echo ran >> ${counter}`]) });
    await gateway.nth(2, isType('result'));
    expect(existsSync(counter)).toBe(false);
  });
});

describe('connection helpers', () => {
  it('turns the server URL into the gateway URL (http → ws, https → wss, base path kept)', () => {
    expect(gatewayUrl('http://10.0.0.5:8080', CONNECT_PATH)).toBe('ws://10.0.0.5:8080/agent/v1/connect');
    expect(gatewayUrl('https://mado.example.com/base', CONNECT_PATH)).toBe(
      'wss://mado.example.com/base/agent/v1/connect',
    );
  });

  it('resets the backoff only after a connection that stayed up', () => {
    const closed = (welcomedAt: number | undefined, endedAt: number) =>
      ({ kind: 'closed', reason: 'x', welcomedAt, endedAt }) as const;
    expect(nextAttempt(4, closed(0, 60_000), 60_000)).toBe(0);
    expect(nextAttempt(4, closed(0, 59_999), 60_000)).toBe(5);
    expect(nextAttempt(4, closed(undefined, 120_000), 60_000)).toBe(5);
  });
});
