/**
 * A finished step's result survives a crash of the agent's worker: the real server and a real
 * agent (supervisor + worker); only the worker is killed with SIGKILL while a script step runs.
 * The step runs under its step host, so it keeps running, and the restarted worker reports its
 * real exit code and output instead of "the agent stopped".
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateActivationCommand,
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  ListCommandsCommand,
  SendCommandCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentProcess, registerAgent } from '../support/agent-process.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { eventually } from '../support/wait.js';

const TERMINAL = new Set(['Success', 'Failed', 'TimedOut', 'Cancelled']);

/** Pids of the `agent worker` processes running on `stateDir` (from /proc). */
function workerPids(stateDir: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(name)) {
      continue;
    }
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (/\) Z /.test(readFileSync(`/proc/${name}/stat`, 'utf8'))) {
        continue;
      }
    } catch {
      continue;
    }
    const at = argv.indexOf('agent');
    if (at >= 0 && argv[at + 1] === 'worker' && argv.includes(stateDir)) {
      pids.push(Number(name));
    }
  }
  return pids;
}

describe('a worker crash while a step runs', () => {
  let server: ServerProcess;
  let ssm: SSMClient;
  let agent: AgentProcess;
  let supervisorPid: number;
  const scratch = mkdtempSync(join(tmpdir(), 'mado-worker-crash-'));

  async function waitForCommand(commandId: string) {
    await eventually(
      () => ssm.send(new ListCommandsCommand({ CommandId: commandId })),
      (page) => TERMINAL.has(page.Commands?.[0]?.Status ?? ''),
      { timeoutMs: 60_000, what: `command ${commandId} to finish` },
    );
    return ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: agent.agent.nodeId }));
  }

  async function send(commands: string[]): Promise<string> {
    const { Command: sent } = await ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-RunShellScript',
        InstanceIds: [agent.agent.nodeId],
        Parameters: { commands },
      }),
    );
    return sent!.CommandId!;
  }

  async function oneWorker(): Promise<number> {
    const pids = await eventually(
      () => Promise.resolve(workerPids(agent.agent.stateDir)),
      (found) => found.length === 1,
      { what: 'one worker process' },
    );
    return pids[0]!;
  }

  beforeAll(async () => {
    server = await startServerProcess({ env: { MADO_AGENT_HEARTBEAT_SECONDS: '1' } });
    ssm = server.client();
    const activation = await ssm.send(new CreateActivationCommand({ IamRole: 'MadoNode', RegistrationLimit: 1 }));
    agent = new AgentProcess(
      await registerAgent({
        serverUrl: server.url,
        activationId: activation.ActivationId!,
        activationCode: activation.ActivationCode!,
      }),
    );
    agent.start();
    await eventually(
      () => ssm.send(new DescribeInstanceInformationCommand({})),
      (page) => page.InstanceInformationList?.[0]?.PingStatus === 'Online',
      { what: 'the agent online' },
    );
    supervisorPid = agent.supervisorPid!;
  }, 120_000);

  afterAll(async () => {
    try {
      process.kill(supervisorPid, 'SIGCONT');
    } catch {
      // Gone already.
    }
    await agent?.dispose();
    await server?.dispose();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('reports the exit code and output of a step that ended while no worker ran', async () => {
    const started = join(scratch, 'started-1');
    const commandId = await send([`touch ${started}`, 'sleep 3', 'echo done', 'exit 7']);
    await eventually(() => Promise.resolve(existsSync(started)), Boolean, { what: 'the step to start' });
    const worker = await oneWorker();
    // Hold the supervisor so that no new worker starts before the step has ended.
    process.kill(supervisorPid, 'SIGSTOP');
    process.kill(worker, 'SIGKILL');
    const exitFile = join(agent.agent.stateDir, 'journal', commandId, 'step-1', 'exit.json');
    await eventually(() => Promise.resolve(existsSync(exitFile)), Boolean, { what: 'the step host to record the end' });
    expect(workerPids(agent.agent.stateDir)).toEqual([]);
    process.kill(supervisorPid, 'SIGCONT');

    const done = await waitForCommand(commandId);
    expect(done).toMatchObject({ Status: 'Failed', ResponseCode: 7 });
    expect(done.StandardOutputContent).toContain('done');
    expect(done.StandardErrorContent ?? '').not.toContain('the agent stopped');
    expect(await oneWorker()).not.toBe(worker);
  }, 90_000);

  it('makes the new worker wait for a step that still runs when it starts', async () => {
    const started = join(scratch, 'started-2');
    const ended = join(scratch, 'ended-2');
    const commandId = await send([`touch ${started}`, 'sleep 8', 'echo done', `touch ${ended}`, 'exit 7']);
    await eventually(() => Promise.resolve(existsSync(started)), Boolean, { what: 'the step to start' });
    const worker = await oneWorker();
    process.kill(worker, 'SIGKILL');
    const next = await eventually(
      () => Promise.resolve(workerPids(agent.agent.stateDir)),
      (found) => found.length === 1 && found[0] !== worker,
      { what: 'a new worker' },
    );
    expect(next).toHaveLength(1);
    // The new worker is up while the step still runs: it must wait for it, not report it.
    expect(existsSync(ended)).toBe(false);

    const done = await waitForCommand(commandId);
    expect(existsSync(ended)).toBe(true);
    expect(done).toMatchObject({ Status: 'Failed', ResponseCode: 7 });
    expect(done.StandardOutputContent).toContain('done');
    expect(done.StandardErrorContent ?? '').not.toContain('the agent stopped');
  }, 90_000);
});
