/**
 * `mado activations create|list|delete` against the real server process over HTTPS with its
 * self-signed certificate: the printed register command pins the server's fingerprint, and
 * pasted on a node (a real agent process) it registers the node, which then comes online.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DescribeInstanceInformationCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentProcess } from '../support/agent-process.js';
import { runMado, type MadoRun } from '../support/mado-cli.js';
import { MADO_BIN, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { eventually } from '../support/wait.js';

const execFileAsync = promisify(execFile);

let server: ServerProcess;
let workDir: string;
const agents: AgentProcess[] = [];

beforeAll(async () => {
  server = await startServerProcess({ tls: true });
  workDir = mkdtempSync(join(tmpdir(), 'mado-cli-activations-'));
});

afterAll(async () => {
  for (const agent of agents) {
    await agent.dispose();
  }
  await server?.dispose();
  rmSync(workDir, { recursive: true, force: true });
});

/** `mado <args>` as an operator runs it: the admin key, and the server's certificate trusted by file. */
function mado(args: readonly string[]): Promise<MadoRun> {
  return runMado(args, server.cliEnv());
}

/** The words of a printed shell command (the test's values need no quotes). */
function words(line: string): string[] {
  return line.trim().split(/\s+/);
}

describe('mado activations', () => {
  it('prints a register command pinned to the fingerprint, which registers a node that comes online', async () => {
    const created = await mado(['activations', 'create', '--description', 'rack 7', '--tag', 'Rack=7']);
    expect(created.exitCode, created.stderr).toBe(0);
    expect(created.stdout).toContain(`Fingerprint:      ${server.fingerprint}`);
    const register = created.stdout.split('\n').find((line) => line.includes('mado agent register'))!;
    expect(register).toContain(`--server ${server.url}`);
    expect(register).toContain(`--server-fingerprint ${server.fingerprint}`);

    // Pasted on the node, with this checkout's mado and a state directory of its own.
    const stateDir = join(workDir, 'agent');
    const args = words(register).slice(2); // drop `npx mado`
    args[args.indexOf('--state-dir') + 1] = stateDir;
    const registered = await execFileAsync(process.execPath, [MADO_BIN, ...args], {
      env: { PATH: process.env.PATH ?? '' },
    });
    const nodeId = /mi-[0-9a-f]{17}/.exec(registered.stdout)![0];
    const agent = new AgentProcess({ nodeId, stateDir });
    agents.push(agent);
    agent.start();
    const ssm = server.client();
    await eventually(
      async () => (await ssm.send(new DescribeInstanceInformationCommand({}))).InstanceInformationList ?? [],
      (nodes) => nodes.some((node) => node.InstanceId === nodeId && node.PingStatus === 'Online'),
      { what: 'the node registered from the printed command to come online' },
    );

    const listed = await mado(['activations', 'list']);
    expect(listed.exitCode, listed.stderr).toBe(0);
    const activationId = /^Activation ID: +(\S+)/m.exec(created.stdout)![1]!;
    expect(listed.stdout).toMatch(new RegExp(`^${activationId}  1/1 registered .*rack 7$`, 'm'));

    const deleted = await mado(['activations', 'delete', activationId]);
    expect(deleted.exitCode, deleted.stderr).toBe(0);
    expect((await mado(['activations', 'list'])).stdout).not.toContain(activationId);
  });

  it('names the flag at fault and creates nothing', async () => {
    const before = (await mado(['activations', 'list', '--json'])).stdout;
    for (const [flag, value, message] of [
      ['--registration-limit', '0', /--registration-limit must be a whole number from 1 to 1000/],
      ['--expires', 'next tuesday', /--expires must be an ISO date/],
      ['--tag', '=x', /--tag must be Key=Value/],
    ] as const) {
      const run = await mado(['activations', 'create', flag, value]);
      expect(run.exitCode).not.toBe(0);
      expect(run.stderr).toMatch(message);
    }
    expect((await mado(['activations', 'list', '--json'])).stdout).toBe(before);
  });
});
