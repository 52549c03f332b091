/**
 * `mado agent run` as real processes, from the single-file bundle: the supervisor starts the
 * worker from the same file, restarts it after a kill -9, forwards SIGTERM, and stops for good
 * when the server revokes the node.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EXIT_REVOKED, EXIT_STATE_INVALID } from '../../src/agent/exit-codes.js';
import { generateNodeKeyPair } from '../../src/agent/node-key.js';
import { isProcessGone } from '../../src/agent/process-tree.js';
import { saveRegistration } from '../../src/agent/state-directory.js';
import { FakeGateway, isType } from '../support/fake-gateway.js';

const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
const NODE_ID = 'mi-0123456789abcdef0';
const COMMAND_ID = '11111111-2222-4333-8444-555555555555';

let buildDir: string;
let bundle: string;
let root: string;
let stateDir: string;
let publicKey: KeyObject;
let gateway: FakeGateway;
let agent: AgentProcess | undefined;

/** A running `node mado-agent.cjs agent run`, with its stderr awaited line by line. */
class AgentProcess {
  readonly child: ChildProcessWithoutNullStreams;
  private stderr = '';
  private waiters: { pattern: RegExp; resolve: (match: RegExpMatchArray) => void }[] = [];
  readonly exited: Promise<number | null>;

  constructor(args: readonly string[]) {
    this.child = spawn(process.execPath, [bundle, 'agent', ...args], { cwd: root, env: process.env });
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString('utf8');
      this.waiters = this.waiters.filter((waiter) => {
        const match = this.stderr.match(waiter.pattern);
        if (match !== null) {
          waiter.resolve(match);
          return false;
        }
        return true;
      });
    });
    this.exited = new Promise((resolveExit) => this.child.once('exit', (code) => resolveExit(code)));
  }

  /** Resolves with the first match of `pattern` in everything printed to stderr so far or later. */
  output(pattern: RegExp): Promise<RegExpMatchArray> {
    const match = this.stderr.match(pattern);
    if (match !== null) {
      return Promise.resolve(match);
    }
    return new Promise((resolveMatch) => this.waiters.push({ pattern, resolve: resolveMatch }));
  }

  get printed(): string {
    return this.stderr;
  }
}

/** Worker pids from the supervisor's "worker started" log lines, in order. */
async function workerPid(process: AgentProcess, nth: number): Promise<number> {
  const pattern = new RegExp(`(?:"pid":(\\d+)[^\\n]*"msg":"worker started"[\\s\\S]*?){${nth}}`);
  const match = await process.output(pattern);
  return Number(match[1]);
}

beforeAll(() => {
  buildDir = mkdtempSync(join(tmpdir(), 'mado-bundle-'));
  bundle = join(buildDir, 'mado-agent.cjs');
  const build = spawnSync(process.execPath, ['scripts/build-agent.mjs', '--outfile', bundle], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  expect(build.status, build.stderr).toBe(0);
});

afterAll(() => {
  rmSync(buildDir, { recursive: true, force: true });
});

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'mado-agent-process-'));
  stateDir = join(root, 'state');
  const keys = generateNodeKeyPair();
  publicKey = createPublicKey({ key: Buffer.from(keys.publicKeyBase64, 'base64'), format: 'der', type: 'spki' });
  gateway = await FakeGateway.start(publicKey);
  saveRegistration(
    stateDir,
    { serverUrl: gateway.url, nodeId: NODE_ID, registeredAt: '2025-01-01T00:00:00Z' },
    keys.privateKeyPem,
  );
});

afterEach(async () => {
  if (agent !== undefined && agent.child.exitCode === null && agent.child.signalCode === null) {
    agent.child.kill('SIGKILL');
    await agent.exited;
  }
  agent = undefined;
  await gateway.close();
  rmSync(root, { recursive: true, force: true });
});

describe('mado agent run (bundle)', () => {
  it('restarts the worker after kill -9, runs commands, and stops for good when revoked', async () => {
    agent = new AgentProcess(['run', '--state-dir', stateDir]);
    await gateway.next(isType('hello', 0));
    const firstWorker = await workerPid(agent, 1);
    process.kill(firstWorker, 'SIGKILL');

    await gateway.next(isType('hello', 1));
    await agent.output(/worker exited unexpectedly; restarting/);
    gateway.sendLatest({
      type: 'deliver',
      invocation: {
        commandId: COMMAND_ID,
        documentName: 'AWS-RunShellScript',
        defaultTimeoutSeconds: 60,
        steps: [{ action: 'aws:runShellScript', name: 'hi', inputs: { runCommand: ['echo hi from the bundle'] } }],
      },
    });
    const result = await gateway.next(isType('result', 1));
    expect(result.message).toMatchObject({ outcome: 'Success', steps: [{ stdout: 'hi from the bundle\n' }] });

    const secondWorker = await workerPid(agent, 2);
    gateway.sendLatest({ type: 'error', code: 'Revoked', message: 'The node was deregistered.' });
    expect(await agent.exited).toBe(EXIT_REVOKED);
    expect(agent.printed).toContain('no longer accepts node mi-0123456789abcdef0');
    expect(isProcessGone(secondWorker)).toBe(true);
    expect(gateway.sockets).toHaveLength(2);
  });

  it('stops the worker and exits 0 on SIGTERM', async () => {
    agent = new AgentProcess(['run', '--state-dir', stateDir]);
    await gateway.next(isType('hello', 0));
    const worker = await workerPid(agent, 1);
    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
    expect(isProcessGone(worker)).toBe(true);
  });

  it('refuses to run without a registration, saying how to register', async () => {
    agent = new AgentProcess(['run', '--state-dir', join(root, 'nowhere')]);
    expect(await agent.exited).toBe(EXIT_STATE_INVALID);
    expect(agent.printed).toContain('mado agent register --server URL');
  });

  it('prints the help of the agent commands', () => {
    const help = spawnSync(process.execPath, [bundle, 'agent', '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('register');
    expect(help.stdout).toContain('install-service');
    expect(help.stdout).not.toMatch(/^\s+worker\b/m);
  });
});
