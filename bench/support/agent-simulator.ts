/**
 * The benchmarks' load generator (bench:fanout, bench:schedule): a child process (`node --import tsx
 * bench/support/agent-simulator.ts`, IPC channel to the benchmark) holding many simulated agents,
 * each with its own node id, Ed25519 key and WebSocket, speaking the real agent protocol
 * (src/protocol/agent-protocol.ts) and answering at once.
 *
 * One simulated agent's modes: `connecting` → `awaiting-welcome` (challenge answered with a hello
 * signed over `helloSigningText(nodeId, nonce)`) → `ready` (heartbeat every heartbeatIntervalMs
 * as the welcome says; on `deliver`: `accepted`, then `result` Success with one step per document
 * step, stdout "ok") → `closed`. It runs nothing and keeps no journal. In reconnect mode a
 * connection the server closes (a restart) is opened again with backoff, from `connecting`.
 *
 * IPC, benchmark → simulator (`SimulatorRequest`): `connect` adds agents and answers `connected`
 * when each has been welcomed or has failed (at most `handshakesInFlight` handshakes at a time,
 * so the server's listen backlog never overflows); `report` answers what the agents saw of one
 * command; `totals` answers what they saw of every command since the last reset; `close` closes
 * every socket and answers `closed`.
 *
 * Invariants: only 127.0.0.1 is contacted; every wait is bounded (a handshake by
 * HANDSHAKE_TIMEOUT_MS, a `connect` by its `timeoutMs`); the hot path (deliver → accepted →
 * result) parses frames with JSON.parse only, so the generator spends as little of the shared
 * CPUs as it can; the handshake frames and the first `deliver` of each command are checked
 * against the protocol's schemas.
 */
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WebSocket } from 'ws';
import { AGENT_VERSION } from '../../src/agent/version.js';
import {
  CONNECT_PATH,
  helloSigningText,
  MAX_FRAME_BYTES,
  parseServerMessage,
  PROTOCOL_VERSION,
  type AgentMessage,
  type DeliveredInvocation,
  type RegisterRequest,
} from '../../src/protocol/agent-protocol.js';
import { FifoGate } from '../../src/shared/fifo-gate.js';
import { preciseNowMs } from './figures.js';

/** One agent to simulate: its node id, its private key (PKCS8 DER, base64) and host name. */
export interface SimulatedAgentIdentity {
  readonly nodeId: string;
  readonly privateKeyPkcs8: string;
  readonly computerName: string;
}

export type SimulatorRequest =
  | {
      readonly type: 'connect';
      /** The server's origin, e.g. `http://127.0.0.1:41234`. */
      readonly origin: string;
      readonly agents: readonly SimulatedAgentIdentity[];
      readonly handshakesInFlight: number;
      readonly timeoutMs: number;
      /**
       * Whether agents whose connection the server closes connect again (as a real agent does
       * after a server restart), with backoff, at most `handshakesInFlight` at a time; without
       * it, a lost connection is counted and fails the benchmark.
       */
      readonly reconnect?: boolean;
    }
  | { readonly type: 'report'; readonly commandId: string; readonly sentAtMs: number }
  /** What the agents saw of every command since the last reset; `reset` starts a new count after it. */
  | { readonly type: 'totals'; readonly reset: boolean }
  | { readonly type: 'close' };

/** What the agents of one simulator saw of all commands since the last count. */
export interface SightingTotals {
  /** Distinct commands delivered. */
  readonly commands: number;
  /** Distinct (command, agent) deliveries. */
  readonly delivered: number;
  readonly repeatedDeliveries: number;
  /** Distinct (command, agent) results acknowledged. */
  readonly acknowledged: number;
  /** Agents that received more than one distinct command. */
  readonly agentsWithSeveralCommands: number;
  /** Latest `resultAck` received (`preciseNowMs()` of this host; NaN without any). */
  readonly lastAckAtMs: number;
  readonly unexpected: readonly string[];
}

/** What the agents of one simulator saw of one command. */
export interface CommandSighting {
  readonly commandId: string;
  /** Distinct agents that received a `deliver`. */
  readonly delivered: number;
  /** Further `deliver` frames for an invocation an agent already had (at-least-once repeats). */
  readonly repeatedDeliveries: number;
  /** Distinct agents whose result was acknowledged. */
  readonly acknowledged: number;
  /** First `deliver` received − SendCommand sent, per agent, ascending. */
  readonly deliveryLatenciesMs: readonly number[];
  /** Latest `resultAck` received − SendCommand sent (NaN without any). */
  readonly lastAckMs: number;
  /** Frames that are not part of a clean run (cancel, error, an invalid deliver). */
  readonly unexpected: readonly string[];
}

export type SimulatorReply =
  | { readonly type: 'ready' }
  | {
      readonly type: 'connected';
      readonly connected: number;
      readonly failed: number;
      readonly failures: readonly string[];
      /** Agents ready now in this simulator (all `connect` requests so far). */
      readonly ready: number;
      /** As the server's last welcome said (NaN before any). */
      readonly heartbeatIntervalMs: number;
    }
  | ({
      readonly type: 'report';
      readonly lostConnections: number;
      readonly lostSamples: readonly string[];
    } & CommandSighting)
  | ({
      readonly type: 'totals';
      readonly lostConnections: number;
      readonly lostSamples: readonly string[];
      /** Connections closed by the server and opened again (reconnect mode). */
      readonly reconnected: number;
      /** Agents reconnecting now. */
      readonly reconnecting: number;
    } & SightingTotals)
  | { readonly type: 'closed' }
  | { readonly type: 'fatal'; readonly message: string };

const HANDSHAKE_TIMEOUT_MS = 30_000;
const MAX_SAMPLES = 5;
/** Reconnect mode: attempts per lost connection, and the backoff between them (with jitter). */
const RECONNECT_ATTEMPTS = 60;
const RECONNECT_BACKOFF_MS = { first: 500, max: 5000 } as const;

type AgentMode = 'connecting' | 'awaiting-welcome' | 'ready' | 'closed';

interface Sighting {
  readonly deliveredAtMs: Map<string, number>;
  readonly ackedAtMs: Map<string, number>;
  repeatedDeliveries: number;
  readonly unexpected: string[];
}

class Simulator {
  private readonly agents = new Set<SimulatedAgent>();
  private readonly sightings = new Map<string, Sighting>();
  lostConnections = 0;
  readonly lostSamples: string[] = [];
  reconnected = 0;
  reconnecting = 0;
  private closing = false;
  /** Set by a `connect` with `reconnect`: where and how lost agents connect again. */
  private rejoin: { url: URL; slots: FifoGate } | undefined;
  heartbeatIntervalMs = NaN;

  readyCount(): number {
    let ready = 0;
    for (const agent of this.agents) {
      if (agent.mode === 'ready') {
        ready += 1;
      }
    }
    return ready;
  }

  sighting(commandId: string): Sighting {
    let sighting = this.sightings.get(commandId);
    if (sighting === undefined) {
      sighting = { deliveredAtMs: new Map(), ackedAtMs: new Map(), repeatedDeliveries: 0, unexpected: [] };
      this.sightings.set(commandId, sighting);
    }
    return sighting;
  }

  /** A ready agent's connection was closed by the server. */
  dropped(agent: SimulatedAgent, nodeId: string, reason: string): void {
    if (this.closing) {
      return;
    }
    if (this.rejoin === undefined) {
      this.lost(nodeId, reason);
      return;
    }
    void this.reconnect(agent, nodeId, this.rejoin);
  }

  private async reconnect(agent: SimulatedAgent, nodeId: string, rejoin: { url: URL; slots: FifoGate }): Promise<void> {
    this.reconnecting += 1;
    try {
      let outcome = 'not tried';
      for (let attempt = 1; attempt <= RECONNECT_ATTEMPTS && !this.closing; attempt++) {
        const backoffMs = Math.min(RECONNECT_BACKOFF_MS.max, RECONNECT_BACKOFF_MS.first * attempt);
        await new Promise((resolveWait) => setTimeout(resolveWait, backoffMs * (0.5 + Math.random())));
        if (this.closing) {
          return;
        }
        outcome = await rejoin.slots.run(() => agent.open(rejoin.url, HANDSHAKE_TIMEOUT_MS));
        if (outcome === 'ready') {
          this.reconnected += 1;
          return;
        }
      }
      this.lost(nodeId, `did not reconnect after ${RECONNECT_ATTEMPTS} attempts (last: ${outcome})`);
    } finally {
      this.reconnecting -= 1;
    }
  }

  private lost(nodeId: string, reason: string): void {
    if (this.closing) {
      return;
    }
    this.lostConnections += 1;
    if (this.lostSamples.length < MAX_SAMPLES) {
      this.lostSamples.push(`${nodeId}: ${reason}`);
    }
  }

  async connect(request: Extract<SimulatorRequest, { type: 'connect' }>): Promise<SimulatorReply> {
    const url = new URL(CONNECT_PATH, request.origin);
    if (url.hostname !== '127.0.0.1') {
      throw new Error(`refusing to connect to ${url.href}: the benchmark only talks to 127.0.0.1`);
    }
    url.protocol = 'ws:';
    if (request.reconnect === true) {
      this.rejoin = { url, slots: new FifoGate(Math.max(1, request.handshakesInFlight)) };
    }
    const deadline = Date.now() + request.timeoutMs;
    const failures: string[] = [];
    let failed = 0;
    let connected = 0;
    let next = 0;
    const worker = async () => {
      while (next < request.agents.length && Date.now() < deadline && !this.closing) {
        const identity = request.agents[next++]!;
        const agent = new SimulatedAgent(identity, this);
        this.agents.add(agent);
        const outcome = await agent.open(url, Math.min(HANDSHAKE_TIMEOUT_MS, Math.max(1, deadline - Date.now())));
        if (outcome === 'ready') {
          connected += 1;
        } else {
          failed += 1;
          this.agents.delete(agent);
          if (failures.length < MAX_SAMPLES) {
            failures.push(`${identity.nodeId}: ${outcome}`);
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, request.handshakesInFlight) }, () => worker()));
    const notTried = request.agents.length - connected - failed;
    if (notTried > 0) {
      failed += notTried;
      failures.push(`${notTried} not tried within ${request.timeoutMs} ms`);
    }
    return {
      type: 'connected',
      connected,
      failed,
      failures,
      ready: this.readyCount(),
      heartbeatIntervalMs: this.heartbeatIntervalMs,
    };
  }

  report(commandId: string, sentAtMs: number): SimulatorReply {
    const sighting = this.sighting(commandId);
    this.sightings.delete(commandId);
    const deliveryLatenciesMs = [...sighting.deliveredAtMs.values()].map((at) => at - sentAtMs).sort((a, b) => a - b);
    let lastAckAt = NaN;
    for (const at of sighting.ackedAtMs.values()) {
      lastAckAt = Number.isNaN(lastAckAt) ? at : Math.max(lastAckAt, at);
    }
    return {
      type: 'report',
      commandId,
      delivered: sighting.deliveredAtMs.size,
      repeatedDeliveries: sighting.repeatedDeliveries,
      acknowledged: sighting.ackedAtMs.size,
      deliveryLatenciesMs,
      lastAckMs: lastAckAt - sentAtMs,
      unexpected: sighting.unexpected,
      lostConnections: this.lostConnections,
      lostSamples: this.lostSamples,
    };
  }

  totals(reset: boolean): SightingTotals {
    const commandsPerAgent = new Map<string, number>();
    let delivered = 0;
    let repeatedDeliveries = 0;
    let acknowledged = 0;
    let lastAckAtMs = NaN;
    const unexpected: string[] = [];
    for (const sighting of this.sightings.values()) {
      delivered += sighting.deliveredAtMs.size;
      repeatedDeliveries += sighting.repeatedDeliveries;
      acknowledged += sighting.ackedAtMs.size;
      for (const nodeId of sighting.deliveredAtMs.keys()) {
        commandsPerAgent.set(nodeId, (commandsPerAgent.get(nodeId) ?? 0) + 1);
      }
      for (const at of sighting.ackedAtMs.values()) {
        lastAckAtMs = Number.isNaN(lastAckAtMs) ? at : Math.max(lastAckAtMs, at);
      }
      unexpected.push(...sighting.unexpected.slice(0, MAX_SAMPLES - unexpected.length));
    }
    const commands = [...this.sightings.values()].filter((sighting) => sighting.deliveredAtMs.size > 0).length;
    if (reset) {
      this.sightings.clear();
    }
    return {
      commands,
      delivered,
      repeatedDeliveries,
      acknowledged,
      agentsWithSeveralCommands: [...commandsPerAgent.values()].filter((count) => count > 1).length,
      lastAckAtMs,
      unexpected,
    };
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.agents].map((agent) => agent.close()));
    this.agents.clear();
  }
}

/** The facts a simulated node reports at registration and in every hello. */
export function simulatedNodeFacts(computerName: string): RegisterRequest['facts'] {
  return {
    agentVersion: AGENT_VERSION,
    platformType: 'Linux',
    platformName: 'Ubuntu',
    platformVersion: '22.04',
    architecture: 'x86_64',
    computerName,
    ipAddresses: ['192.0.2.10'],
  };
}

class SimulatedAgent {
  mode: AgentMode = 'connecting';
  private socket: WebSocket | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly key: KeyObject;

  constructor(
    private readonly identity: SimulatedAgentIdentity,
    private readonly simulator: Simulator,
  ) {
    this.key = createPrivateKey({ key: Buffer.from(identity.privateKeyPkcs8, 'base64'), format: 'der', type: 'pkcs8' });
  }

  /** Opens the socket and runs the handshake; 'ready' or why not. */
  open(url: URL, timeoutMs: number): Promise<'ready' | string> {
    // Also after a close (reconnect mode): the handshake starts over.
    this.mode = 'connecting';
    return new Promise((resolveOutcome) => {
      let settled = false;
      const settle = (outcome: 'ready' | string) => {
        if (!settled) {
          settled = true;
          clearTimeout(timer);
          resolveOutcome(outcome);
        }
      };
      const timer = setTimeout(() => {
        settle(`no welcome within ${timeoutMs} ms (mode ${this.mode})`);
        this.socket?.terminate();
      }, timeoutMs);
      const socket = new WebSocket(url, {
        perMessageDeflate: false,
        maxPayload: MAX_FRAME_BYTES,
        handshakeTimeout: timeoutMs,
      });
      this.socket = socket;
      socket.on('message', (data, isBinary) => {
        if (isBinary) {
          settle('binary frame from the server');
          socket.terminate();
          return;
        }
        const outcome = this.receive(data.toString());
        if (outcome !== undefined) {
          settle(outcome);
        }
      });
      socket.on('error', (error) => settle(`socket error: ${error.message}`));
      socket.on('close', (code, reason) => {
        const wasReady = this.mode === 'ready';
        this.mode = 'closed';
        clearInterval(this.heartbeat);
        settle(`closed by the server (${code} ${reason.toString()})`);
        if (wasReady) {
          this.simulator.dropped(this, this.identity.nodeId, `closed (${code} ${reason.toString()})`);
        }
      });
    });
  }

  /** Handles one frame; returns the handshake's outcome once it is known. */
  private receive(text: string): 'ready' | string | undefined {
    if (this.mode === 'ready') {
      // Hot path: JSON.parse only (see the header).
      const message = JSON.parse(text) as { type?: string; invocation?: DeliveredInvocation; commandId?: string };
      switch (message.type) {
        case 'deliver':
          this.deliver(message.invocation!, text);
          return undefined;
        case 'resultAck': {
          const sighting = this.simulator.sighting(message.commandId!);
          if (!sighting.ackedAtMs.has(this.identity.nodeId)) {
            sighting.ackedAtMs.set(this.identity.nodeId, preciseNowMs());
          }
          return undefined;
        }
        case 'heartbeat':
          return undefined;
        default:
          if (message.commandId !== undefined) {
            this.simulator
              .sighting(message.commandId)
              .unexpected.push(`${this.identity.nodeId}: ${text.slice(0, 200)}`);
          }
          return undefined;
      }
    }
    const message = parseServerMessage(text);
    if (message === undefined) {
      return `invalid frame during the handshake: ${text.slice(0, 200)}`;
    }
    if (this.mode === 'connecting' && message.type === 'challenge') {
      this.mode = 'awaiting-welcome';
      this.send({
        type: 'hello',
        protocol: PROTOCOL_VERSION,
        nodeId: this.identity.nodeId,
        signature: sign(null, Buffer.from(helloSigningText(this.identity.nodeId, message.nonce)), this.key).toString(
          'base64',
        ),
        facts: simulatedNodeFacts(this.identity.computerName),
        unfinished: [],
      });
      return undefined;
    }
    if (this.mode === 'awaiting-welcome' && message.type === 'welcome' && message.nodeId === this.identity.nodeId) {
      this.mode = 'ready';
      this.simulator.heartbeatIntervalMs = message.heartbeatIntervalMs;
      this.heartbeat = setInterval(() => this.send({ type: 'heartbeat', at: Date.now() }), message.heartbeatIntervalMs);
      return 'ready';
    }
    return message.type === 'error'
      ? `refused: ${message.code}: ${message.message}`
      : `unexpected ${message.type} in mode ${this.mode}`;
  }

  private deliver(invocation: DeliveredInvocation, text: string): void {
    const receivedAtMs = preciseNowMs();
    const sighting = this.simulator.sighting(invocation.commandId);
    if (sighting.deliveredAtMs.has(this.identity.nodeId)) {
      // A repeat (at-least-once delivery): answer again, as a real agent answers from its journal.
      sighting.repeatedDeliveries += 1;
    } else {
      sighting.deliveredAtMs.set(this.identity.nodeId, receivedAtMs);
      if (sighting.deliveredAtMs.size === 1 && parseServerMessage(text)?.type !== 'deliver') {
        sighting.unexpected.push(`${this.identity.nodeId}: deliver does not match the protocol: ${text.slice(0, 200)}`);
      }
    }
    this.send({ type: 'accepted', commandId: invocation.commandId });
    const at = Date.now();
    this.send({
      type: 'result',
      commandId: invocation.commandId,
      outcome: 'Success',
      steps: invocation.steps.map((step) => ({
        name: step.name,
        action: step.action,
        outcome: 'Success' as const,
        responseCode: 0,
        startedAt: at,
        endedAt: at,
        stdout: 'ok',
        stderr: '',
      })),
    });
  }

  private send(message: AgentMessage): void {
    if (this.socket?.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(message));
    }
  }

  close(): Promise<void> {
    clearInterval(this.heartbeat);
    const socket = this.socket;
    if (socket === undefined || socket.readyState === WebSocket.CLOSED) {
      return Promise.resolve();
    }
    return new Promise((resolveClosed) => {
      const timer = setTimeout(() => {
        socket.terminate();
        resolveClosed();
      }, 2000);
      socket.once('close', () => {
        clearTimeout(timer);
        resolveClosed();
      });
      socket.close(1000, 'benchmark done');
    });
  }
}

function reply(message: SimulatorReply): void {
  process.send?.(message);
}

function runSimulator(): void {
  if (process.send === undefined) {
    console.error(
      'agent-simulator.ts runs as a child of a benchmark (bench/fanout.ts, bench/schedule.ts: it needs an IPC channel).',
    );
    process.exit(2);
  }
  const simulator = new Simulator();
  // Requests are handled one at a time, in order.
  let queue = Promise.resolve();
  process.on('message', (request: SimulatorRequest) => {
    queue = queue.then(async () => {
      try {
        switch (request.type) {
          case 'connect':
            reply(await simulator.connect(request));
            return;
          case 'report':
            reply(simulator.report(request.commandId, request.sentAtMs));
            return;
          case 'totals':
            reply({
              type: 'totals',
              ...simulator.totals(request.reset),
              lostConnections: simulator.lostConnections,
              lostSamples: simulator.lostSamples,
              reconnected: simulator.reconnected,
              reconnecting: simulator.reconnecting,
            });
            return;
          case 'close':
            await simulator.close();
            reply({ type: 'closed' });
            process.disconnect();
            return;
        }
      } catch (error) {
        reply({ type: 'fatal', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      }
    });
  });
  // The benchmark went away (crash, kill): close everything and exit.
  process.on('disconnect', () => {
    void simulator.close().then(() => process.exit(0));
  });
  reply({ type: 'ready' });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  runSimulator();
}
