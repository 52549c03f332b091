/**
 * Real agents for end-to-end tests: `mado agent register` into a temporary state directory,
 * then `mado agent run` (supervisor + worker) as a child process with its own process group,
 * so a test can stop it, kill -9 it, and start it again on the same state.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MADO_BIN } from './server-process.js';

const run = promisify(execFile);

export interface RegisteredAgent {
  readonly nodeId: string;
  readonly stateDir: string;
}

/**
 * `mado agent register` into a new state directory. On failure the directory is removed and
 * execFile's error (with `code` and `stderr`) is thrown.
 */
export async function registerAgent(options: {
  readonly serverUrl: string;
  readonly activationId: string;
  readonly activationCode: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly name?: string;
  /** `--server-fingerprint` (pin the server's certificate). */
  readonly serverFingerprint?: string;
}): Promise<RegisteredAgent> {
  const stateDir = mkdtempSync(join(tmpdir(), 'mado-agent-'));
  const args = [
    MADO_BIN,
    'agent',
    'register',
    '--server',
    options.serverUrl,
    '--activation-id',
    options.activationId,
    '--activation-code',
    options.activationCode,
    '--state-dir',
    stateDir,
    ...Object.entries(options.tags ?? {}).flatMap(([key, value]) => ['--tag', `${key}=${value}`]),
    ...(options.name === undefined ? [] : ['--name', options.name]),
    ...(options.serverFingerprint === undefined ? [] : ['--server-fingerprint', options.serverFingerprint]),
  ];
  const { stdout } = await run(process.execPath, args, { env: { PATH: process.env.PATH ?? '' } }).catch(
    (error: unknown) => {
      rmSync(stateDir, { recursive: true, force: true });
      throw error;
    },
  );
  const nodeId = /mi-[0-9a-f]{17}/.exec(stdout)?.[0];
  if (nodeId === undefined) {
    throw new Error(`agent register printed no node id:\n${stdout}`);
  }
  return { nodeId, stateDir };
}

/** The agent's stored trust in the server (`server-trust.json` of its state directory). */
export function readServerTrust(stateDir: string): { pins: string[]; insecureHttp: boolean } {
  return JSON.parse(readFileSync(join(stateDir, 'server-trust.json'), 'utf8')) as {
    pins: string[];
    insecureHttp: boolean;
  };
}

export interface AgentProcessOptions {
  /**
   * Run `node BUNDLE agent run` (a single-file agent, e.g. one built with
   * `scripts/build-agent.mjs --version V --out BUNDLE`) instead of `bin/mado.js agent run`.
   */
  readonly bundle?: string;
}

export class AgentProcess {
  private child: ChildProcess | undefined;
  private log = '';
  private exited: Promise<number | null> = Promise.resolve(null);

  constructor(
    readonly agent: RegisteredAgent,
    private readonly options: AgentProcessOptions = {},
  ) {}

  /** Starts `mado agent run` (or the bundle's `agent run`) on the agent's state directory. */
  start(): void {
    const child = spawn(
      process.execPath,
      [this.options.bundle ?? MADO_BIN, 'agent', 'run', '--state-dir', this.agent.stateDir, '--log-level', 'debug'],
      {
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir() },
        stdio: ['ignore', 'pipe', 'pipe'],
        // Its own process group, so kill -9 reaches the supervisor and the worker alike.
        detached: true,
      },
    );
    child.stdout?.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    this.child = child;
  }

  /** Pid of the supervisor (`mado agent run`), while it runs. */
  get supervisorPid(): number | undefined {
    return this.child?.pid;
  }

  output(): string {
    return this.log;
  }

  /** SIGTERM, and wait for the agent to stop. */
  async stop(): Promise<number | null> {
    if (this.child?.exitCode === null && this.child.pid !== undefined) {
      process.kill(-this.child.pid, 'SIGTERM');
    }
    return this.exited;
  }

  /** SIGKILL to the supervisor and the worker at once (commands they started keep running). */
  async kill9(): Promise<void> {
    if (this.child?.pid !== undefined && this.child.exitCode === null) {
      process.kill(-this.child.pid, 'SIGKILL');
    }
    await this.exited;
  }

  /** Waits for the agent's process to exit by itself. */
  async waitForExit(): Promise<number | null> {
    return this.exited;
  }

  async dispose(): Promise<void> {
    await this.kill9();
    rmSync(this.agent.stateDir, { recursive: true, force: true });
  }
}
