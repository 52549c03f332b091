/**
 * A fleet of simulated agents for the benchmarks that need one (fan-out, schedule): Ed25519 keys,
 * activations, registration over `POST /agent/v1/register`, and the load-generator processes
 * (agent-simulator.ts) holding the agents' WebSockets, with the checks that N sockets fit
 * (open files, ephemeral ports).
 *
 * Invariants: traffic goes to 127.0.0.1 only; every request and wait is bounded in time; a
 * registration that does not answer a node id, or an agent that is not welcomed, fails the run.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateActivationCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { PROTOCOL_VERSION, REGISTER_PATH, type RegisterRequest } from '../../src/protocol/agent-protocol.js';
import {
  simulatedNodeFacts,
  type SimulatedAgentIdentity,
  type SimulatorReply,
  type SimulatorRequest,
} from './agent-simulator.js';
import { fmt } from './figures.js';
import { REPO_ROOT } from './mado-server.js';
import { inPool } from './pool.js';
import { openFilesLimits } from './process-stats.js';
import type { RunGuard } from './run-guard.js';

const SIMULATOR = join(REPO_ROOT, 'bench', 'support', 'agent-simulator.ts');
/** SSM's bounds on an activation's RegistrationLimit. */
export const REGISTRATIONS_PER_ACTIVATION = 1000;
export const REGISTRATIONS_IN_FLIGHT = 16;
/** Descriptors a process needs besides the agents' sockets (SQLite, stdio, HTTP, headroom). */
const FD_HEADROOM = 1024;
const REQUEST_TIMEOUT_MS = 30_000;

// ---------------------------------------------------------------------------------------------
// Limits: descriptors and ports

/**
 * Checks that N sockets fit under the hard open-files limit (Node raises its soft limit to the
 * hard one when it starts); returns the line to print, or undefined after printing why not.
 */
export function checkDescriptors(options: {
  readonly agents: number;
  readonly generators: number;
}): string | undefined {
  const limits = openFilesLimits();
  const serverNeeds = options.agents + FD_HEADROOM;
  const generatorNeeds = Math.ceil(options.agents / options.generators) + FD_HEADROOM;
  const hardText = limits.hard === Infinity ? 'unlimited' : fmt(limits.hard);
  const what =
    `${fmt(options.agents)} agents need about ${fmt(serverNeeds)} open files in the server and ` +
    `${fmt(generatorNeeds)} in each of ${options.generators} load-generator process(es) ` +
    `(${fmt(serverNeeds + generatorNeeds * options.generators)} in all)`;
  if (limits.hard < Math.max(serverNeeds, generatorNeeds)) {
    console.error(
      `Open files: the hard limit (ulimit -Hn) is ${hardText}; ${what}.\n` +
        `Raise the hard limit (as root: \`ulimit -Hn 65536\` in the shell that runs npm, \`nofile\` in ` +
        `/etc/security/limits.conf, or LimitNOFILE= for a systemd unit), or run fewer with \`--agents\`. ` +
        `(\`--generators 2\` halves the load generator's share, not the server's.)`,
    );
    return undefined;
  }
  return `Open files: hard limit ${hardText} (each Node process raises its soft limit, ${fmt(limits.soft)} here, up to it); ${what}: enough.`;
}

/** Checks that the ephemeral port range holds N client sockets to one server port. */
export function checkPorts(agents: number): boolean {
  let text: string;
  try {
    text = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8');
  } catch {
    // Not Linux: nothing to check.
    return true;
  }
  const [low, high] = text.trim().split(/\s+/).map(Number);
  const ports = (high ?? 0) - (low ?? 0) + 1;
  if (ports < agents + FD_HEADROOM) {
    console.error(
      `The ephemeral port range (${text.trim()}, ${fmt(ports)} ports) is too small for ${fmt(agents)} connections from ` +
        '127.0.0.1 to one port; widen net.ipv4.ip_local_port_range or run fewer with --agents.',
    );
    return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// The load generator processes

export class SimulatorProcess {
  private readonly pending: { resolve: (reply: SimulatorReply) => void; reject: (error: Error) => void }[] = [];
  private exitError: Error | undefined;
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (reply: SimulatorReply) => {
      const waiter = this.pending.shift();
      if (reply.type === 'fatal') {
        waiter?.reject(new Error(`load generator failed: ${reply.message}`));
      } else {
        waiter?.resolve(reply);
      }
    });
    this.exited = new Promise((resolveExit) => {
      child.once('exit', (code, signal) => {
        this.exitError = new Error(`load generator ${child.pid ?? '?'} exited (${code ?? signal})`);
        for (const waiter of this.pending.splice(0)) {
          waiter.reject(this.exitError);
        }
        resolveExit();
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  static async start(): Promise<SimulatorProcess> {
    const child = fork(SIMULATOR, [], {
      cwd: REPO_ROOT,
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const simulator = new SimulatorProcess(child);
    const ready = await simulator.wait(REQUEST_TIMEOUT_MS, 'to start');
    if (ready.type !== 'ready') {
      throw new Error(`load generator answered ${ready.type} instead of ready`);
    }
    return simulator;
  }

  request(message: SimulatorRequest, timeoutMs: number): Promise<SimulatorReply> {
    this.child.send(message);
    return this.wait(timeoutMs, `to answer ${message.type}`);
  }

  private wait(timeoutMs: number, what: string): Promise<SimulatorReply> {
    if (this.exitError !== undefined) {
      return Promise.reject(this.exitError);
    }
    return new Promise((resolveReply, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`load generator ${this.child.pid ?? '?'} took more than ${timeoutMs} ms ${what}`)),
        timeoutMs,
      );
      this.pending.push({
        resolve: (reply) => {
          clearTimeout(timer);
          resolveReply(reply);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
    });
  }

  /** Closes the agents' sockets, then the process; kills it when it does not go in time. */
  async stop(): Promise<void> {
    if (this.exitError === undefined && this.child.connected) {
      await this.request({ type: 'close' }, 20_000).catch(() => {
        // Killed below.
      });
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------
// Registration

export interface NewAgent {
  readonly publicKeyBase64: string;
  readonly privateKeyPkcs8: string;
  readonly computerName: string;
}

export function newAgents(first: number, count: number): NewAgent[] {
  const agents: NewAgent[] = [];
  for (let i = first; i < first + count; i++) {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    agents.push({
      publicKeyBase64: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
      privateKeyPkcs8: privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
      computerName: `bench-agent-${String(i).padStart(5, '0')}`,
    });
  }
  return agents;
}

export interface Activation {
  readonly id: string;
  readonly code: string;
}

/** Enough activations for `count` registrations (SSM's RegistrationLimit is 1..1000). */
export async function createActivations(
  ssm: SSMClient,
  count: number,
  description: string,
  guard: RunGuard,
): Promise<Activation[]> {
  const activations: Activation[] = [];
  for (let i = 0; i < Math.ceil(count / REGISTRATIONS_PER_ACTIVATION); i++) {
    guard.throwIfAborted();
    const created = await ssm.send(
      new CreateActivationCommand({
        IamRole: 'MadoBenchNode',
        DefaultInstanceName: 'bench',
        RegistrationLimit: Math.min(REGISTRATIONS_PER_ACTIVATION, count - i * REGISTRATIONS_PER_ACTIVATION),
        Description: description,
      }),
    );
    if (created.ActivationId === undefined || created.ActivationCode === undefined) {
      throw new Error(`CreateActivation answered without an id or code: ${JSON.stringify(created)}`);
    }
    activations.push({ id: created.ActivationId, code: created.ActivationCode });
  }
  return activations;
}

/** Registers the agents (agent i on activation floor(i / 1000)); returns their node ids in order. */
export async function registerAgents(
  origin: string,
  activations: readonly Activation[],
  agents: readonly NewAgent[],
  /** The tags agent `index` registers with. */
  tagsOf: (index: number) => RegisterRequest['tags'],
  guard: RunGuard,
): Promise<string[]> {
  const endpoint = new URL(REGISTER_PATH, origin);
  return inPool(agents, REGISTRATIONS_IN_FLIGHT, guard, async (agent, index) => {
    const activation = activations[Math.floor(index / REGISTRATIONS_PER_ACTIVATION)]!;
    const body: RegisterRequest = {
      protocol: PROTOCOL_VERSION,
      activationId: activation.id,
      activationCode: activation.code,
      publicKey: agent.publicKeyBase64,
      tags: tagsOf(index),
      facts: simulatedNodeFacts(agent.computerName),
    };
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    const nodeId = response.status === 200 ? (JSON.parse(text) as { nodeId?: unknown }).nodeId : undefined;
    if (typeof nodeId !== 'string' || !/^mi-[0-9a-f]{17}$/.test(nodeId)) {
      throw new Error(`registration ${index + 1} answered ${response.status}: ${text.slice(0, 300)}`);
    }
    return nodeId;
  });
}

// ---------------------------------------------------------------------------------------------
// Connecting

/** How a fleet's connection went. */
export interface FleetConnected {
  readonly ready: number;
  readonly seconds: number;
  readonly heartbeatIntervalMs: number;
}

/**
 * Connects the registered agents, spread over the generators (agent i on generator i mod G), at
 * most `handshakesInFlight` handshakes at a time in all. @throws when any agent is not welcomed.
 */
export async function connectAgents(
  generators: readonly SimulatorProcess[],
  origin: string,
  nodeIds: readonly string[],
  agents: readonly NewAgent[],
  handshakesInFlight: number,
  /** Agents connect again when the server closes their connection (a restart). */
  reconnect = false,
): Promise<FleetConnected> {
  const started = performance.now();
  const replies = await Promise.all(
    generators.map((generator, g) =>
      generator.request(
        {
          type: 'connect',
          origin,
          agents: nodeIds.flatMap((nodeId, i): SimulatedAgentIdentity[] =>
            i % generators.length === g
              ? [{ nodeId, privateKeyPkcs8: agents[i]!.privateKeyPkcs8, computerName: agents[i]!.computerName }]
              : [],
          ),
          handshakesInFlight: Math.max(1, Math.floor(handshakesInFlight / generators.length)),
          timeoutMs: 5 * 60 * 1000,
          reconnect,
        },
        6 * 60 * 1000,
      ),
    ),
  );
  const connected = replies.filter((r): r is Extract<SimulatorReply, { type: 'connected' }> => r.type === 'connected');
  const ready = connected.reduce((sum, r) => sum + r.ready, 0);
  const failed = connected.reduce((sum, r) => sum + r.failed, 0);
  if (connected.length !== generators.length || failed > 0) {
    throw new Error(
      `${fmt(ready)} agents ready, ${fmt(failed)} failed to connect: ${connected.flatMap((r) => r.failures).join('; ')}`,
    );
  }
  return {
    ready,
    seconds: (performance.now() - started) / 1000,
    heartbeatIntervalMs: connected[0]?.heartbeatIntervalMs ?? NaN,
  };
}
