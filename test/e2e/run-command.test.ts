/**
 * Run Command end to end: the real server, three real agent processes (Env=prod ×2, Env=dev ×1)
 * registered through a real activation, driven with @aws-sdk/client-ssm and the AWS CLI v2.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  CancelCommandCommand,
  CreateActivationCommand,
  DeregisterManagedInstanceCommand,
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  SendCommandCommand,
  type Command,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentProcess, registerAgent } from '../support/agent-process.js';
import { awsCliEndpointArgs, awsCliEnv } from '../support/aws-cli.js';
import { callRaw } from '../support/raw-client.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { eventually } from '../support/wait.js';

const run = promisify(execFile);
const TERMINAL = new Set(['Success', 'Failed', 'TimedOut', 'Cancelled']);

describe('Run Command on three real agents', () => {
  let server: ServerProcess;
  let ssm: SSMClient;
  let agents: AgentProcess[];
  let prod: string[];
  let dev: string;
  const scratch = mkdtempSync(join(tmpdir(), 'mado-e2e-'));

  async function waitForCommand(commandId: string, timeoutMs = 60_000): Promise<Command> {
    const listed = await eventually(
      () => ssm.send(new ListCommandsCommand({ CommandId: commandId })),
      (page) => TERMINAL.has(page.Commands?.[0]?.Status ?? ''),
      { timeoutMs, what: `command ${commandId} to finish` },
    );
    return listed.Commands![0]!;
  }

  async function invocation(commandId: string, instanceId: string) {
    return ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }));
  }

  beforeAll(async () => {
    server = await startServerProcess({ env: { MADO_AGENT_HEARTBEAT_SECONDS: '1' } });
    ssm = server.client();
    const activation = await ssm.send(
      new CreateActivationCommand({
        IamRole: 'MadoNode',
        RegistrationLimit: 3,
        DefaultInstanceName: 'fleet',
        Tags: [{ Key: 'Team', Value: 'platform' }],
      }),
    );
    const envs = ['prod', 'prod', 'dev'];
    const registered = [];
    for (const env of envs) {
      registered.push(
        await registerAgent({
          serverUrl: server.url,
          serverFingerprint: server.fingerprint!,
          activationId: activation.ActivationId!,
          activationCode: activation.ActivationCode!,
          tags: { Env: env },
        }),
      );
    }
    agents = registered.map((agent) => new AgentProcess(agent));
    agents.forEach((agent) => agent.start());
    prod = registered.slice(0, 2).map((agent) => agent.nodeId);
    dev = registered[2]!.nodeId;
    await eventually(
      () => ssm.send(new DescribeInstanceInformationCommand({})),
      (page) => (page.InstanceInformationList ?? []).filter((node) => node.PingStatus === 'Online').length === 3,
      { what: 'three agents online' },
    );
  }, 120_000);

  afterAll(async () => {
    await Promise.all((agents ?? []).map((agent) => agent.dispose()));
    await server?.dispose();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('lists the three nodes online with their facts and the activation tags', async () => {
    const page = await ssm.send(new DescribeInstanceInformationCommand({ MaxResults: 5 }));
    expect(page.InstanceInformationList).toHaveLength(3);
    for (const node of page.InstanceInformationList!) {
      expect(node).toMatchObject({
        PingStatus: 'Online',
        PlatformType: 'Linux',
        ResourceType: 'ManagedInstance',
        IamRole: 'MadoNode',
        Name: 'fleet',
        IsLatestVersion: true,
      });
      expect(node.InstanceId).toMatch(/^mi-[0-9a-f]{17}$/);
      expect(node.AgentVersion).toMatch(/^\d+\.\d+\.\d+/);
      expect(node.LastPingDateTime).toBeInstanceOf(Date);
    }
    const tagged = await ssm.send(
      new DescribeInstanceInformationCommand({ Filters: [{ Key: 'tag:Env', Values: ['prod'] }] }),
    );
    expect(tagged.InstanceInformationList?.map((node) => node.InstanceId).sort()).toEqual([...prod].sort());
  });

  it('runs a shell script by tag and returns output and exit codes', async () => {
    const { Command: sent } = await ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-RunShellScript',
        Targets: [{ Key: 'tag:Env', Values: ['prod'] }],
        Parameters: { commands: ['echo "hello from $(hostname)"', 'echo oops >&2'] },
        Comment: 'e2e by tag',
      }),
    );
    expect(sent).toMatchObject({ TargetCount: 2, DocumentName: 'AWS-RunShellScript', InstanceIds: [] });
    const done = await waitForCommand(sent!.CommandId!);
    expect(done).toMatchObject({ Status: 'Success', CompletedCount: 2, ErrorCount: 0 });
    for (const nodeId of prod) {
      const result = await invocation(sent!.CommandId!, nodeId);
      expect(result).toMatchObject({ Status: 'Success', ResponseCode: 0, PluginName: 'aws:runShellScript' });
      expect(result.StandardOutputContent).toContain('hello from');
      expect(result.StandardErrorContent).toContain('oops');
    }
    const details = await ssm.send(new ListCommandInvocationsCommand({ CommandId: sent!.CommandId, Details: true }));
    expect(details.CommandInvocations).toHaveLength(2);
    expect(details.CommandInvocations![0]!.CommandPlugins![0]!.Output).toContain('hello from');
  });

  it('reports a failing script as Failed with its exit code', async () => {
    const { Command: sent } = await ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-RunShellScript',
        InstanceIds: [dev],
        Parameters: { commands: ['echo about to fail', 'exit 3'] },
      }),
    );
    const done = await waitForCommand(sent!.CommandId!);
    expect(done).toMatchObject({ Status: 'Failed', ErrorCount: 1 });
    const result = await invocation(sent!.CommandId!, dev);
    expect(result).toMatchObject({ Status: 'Failed', StatusDetails: 'Failed', ResponseCode: 3 });
  });

  it('runs by resource group through the AWS CLI and shows the output', async () => {
    const group = await callRaw(server, 'Mado.CreateResourceGroup', {
      Name: 'development',
      Targets: [{ Key: 'tag:Env', Values: ['dev'] }],
    });
    expect(group.status).toBe(200);
    const env = awsCliEnv();
    const common = awsCliEndpointArgs(server);
    const sent = JSON.parse(
      (
        await run(
          '/usr/bin/aws',
          [
            'ssm',
            'send-command',
            '--document-name',
            'AWS-RunShellScript',
            '--targets',
            'Key=resource-groups:Name,Values=development',
            '--parameters',
            'commands=["echo from-the-cli"]',
            ...common,
          ],
          { env },
        )
      ).stdout,
    ) as { Command: { CommandId: string; TargetCount: number } };
    expect(sent.Command.TargetCount).toBe(1);
    await waitForCommand(sent.Command.CommandId);
    const shown = JSON.parse(
      (
        await run(
          '/usr/bin/aws',
          ['ssm', 'get-command-invocation', '--command-id', sent.Command.CommandId, '--instance-id', dev, ...common],
          { env },
        )
      ).stdout,
    ) as { Status: string; StandardOutputContent: string };
    expect(shown).toMatchObject({ Status: 'Success' });
    expect(shown.StandardOutputContent.trim()).toBe('from-the-cli');
  });

  it('runs by resource group through the SDK, and by tag and by ids through the AWS CLI', async () => {
    const { Command: byGroup } = await ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-RunShellScript',
        Targets: [{ Key: 'resource-groups:Name', Values: ['development'] }],
        Parameters: { commands: ['echo group'] },
      }),
    );
    expect(byGroup?.TargetCount).toBe(1);
    expect((await waitForCommand(byGroup!.CommandId!)).Status).toBe('Success');

    const env = awsCliEnv();
    const common = awsCliEndpointArgs(server);
    const send = async (...selector: string[]) =>
      (
        JSON.parse(
          (
            await run(
              '/usr/bin/aws',
              [
                'ssm',
                'send-command',
                '--document-name',
                'AWS-RunShellScript',
                ...selector,
                '--parameters',
                'commands=["echo cli"]',
                ...common,
              ],
              { env },
            )
          ).stdout,
        ) as { Command: { CommandId: string; TargetCount: number } }
      ).Command;
    const byTag = await send('--targets', 'Key=tag:Env,Values=prod');
    const byIds = await send('--instance-ids', dev);
    expect([byTag.TargetCount, byIds.TargetCount]).toEqual([2, 1]);
    expect((await waitForCommand(byTag.CommandId)).Status).toBe('Success');
    expect((await waitForCommand(byIds.CommandId)).Status).toBe('Success');
  });

  it('never runs two invocations at once with MaxConcurrency 1', async () => {
    const log = join(scratch, 'concurrency.log');
    const { Command: sent } = await ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-RunShellScript',
        InstanceIds: [...prod, dev],
        MaxConcurrency: '1',
        Parameters: {
          commands: [`echo "start $(date +%s%N)" >> ${log}`, 'sleep 0.5', `echo "end $(date +%s%N)" >> ${log}`],
        },
      }),
    );
    await waitForCommand(sent!.CommandId!);
    const events = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(' ') as ['start' | 'end', string]);
    expect(events).toHaveLength(6);
    let running = 0;
    for (const [kind] of [...events].sort((a, b) => (BigInt(a[1]) < BigInt(b[1]) ? -1 : 1))) {
      running += kind === 'start' ? 1 : -1;
      expect(running).toBeLessThanOrEqual(1);
    }
  });

  it('stops starting new invocations after the first error with MaxErrors 0', async () => {
    const { Command: sent } = await ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-RunShellScript',
        InstanceIds: [dev, ...prod],
        MaxConcurrency: '1',
        MaxErrors: '0',
        Parameters: { commands: ['test "$(hostname)" = never-this-host || exit 1'] },
      }),
    );
    const done = await waitForCommand(sent!.CommandId!);
    expect(done).toMatchObject({ Status: 'Failed', ErrorCount: 1 });
    const all = await ssm.send(new ListCommandInvocationsCommand({ CommandId: sent!.CommandId }));
    const statuses = all.CommandInvocations!.map((entry) => entry.StatusDetails).sort();
    expect(statuses).toEqual(['Failed', 'Terminated', 'Terminated']);
  });

  it('times out a step that runs past its execution timeout', async () => {
    const { Command: sent } = await ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-RunShellScript',
        InstanceIds: [dev],
        Parameters: { commands: ['sleep 30'], executionTimeout: ['2'] },
      }),
    );
    const done = await waitForCommand(sent!.CommandId!);
    expect(done.Status).toBe('TimedOut');
    const result = await invocation(sent!.CommandId!, dev);
    expect(result).toMatchObject({ Status: 'TimedOut', StatusDetails: 'ExecutionTimedOut' });
  });

  it('cancels a long-running command and kills it on the node', async () => {
    const marker = join(scratch, 'cancel-survived');
    const { Command: sent } = await ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-RunShellScript',
        InstanceIds: [dev],
        Parameters: { commands: ['sleep 20', `touch ${marker}`] },
      }),
    );
    await eventually(
      () => invocation(sent!.CommandId!, dev),
      (result) => result.Status === 'InProgress',
      { what: 'the sleep to start' },
    );
    await ssm.send(new CancelCommandCommand({ CommandId: sent!.CommandId }));
    const done = await waitForCommand(sent!.CommandId!);
    expect(done.Status).toBe('Cancelled');
    expect((await invocation(sent!.CommandId!, dev)).Status).toBe('Cancelled');
    expect(existsSync(marker)).toBe(false);
  });

  it('reports a terminal status and never runs twice when the agent is killed mid-command', async () => {
    const counter = join(scratch, 'runs.log');
    const agent = agents[2]!;
    const { Command: sent } = await ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-RunShellScript',
        InstanceIds: [dev],
        Parameters: { commands: [`echo ran >> ${counter}`, 'sleep 5'] },
      }),
    );
    await eventually(() => Promise.resolve(existsSync(counter)), Boolean, { what: 'the command to start' });
    await agent.kill9();
    agent.start();
    const done = await waitForCommand(sent!.CommandId!);
    expect(['Failed', 'Success']).toContain(done.Status);
    expect(readFileSync(counter, 'utf8').trim().split('\n')).toEqual(['ran']);
  });

  it('times out delivery to a stopped agent', async () => {
    const agent = agents[1]!;
    await agent.stop();
    const { Command: sent } = await ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-RunShellScript',
        InstanceIds: [agent.agent.nodeId],
        TimeoutSeconds: 30,
        Parameters: { commands: ['echo never'] },
      }),
    );
    const done = await waitForCommand(sent!.CommandId!, 90_000);
    expect(done).toMatchObject({ Status: 'TimedOut', StatusDetails: 'DeliveryTimedOut' });
    expect((await invocation(sent!.CommandId!, agent.agent.nodeId)).StatusDetails).toBe('DeliveryTimedOut');
    agent.start();
  }, 120_000);

  it('cuts a deregistered node off at once', async () => {
    const agent = agents[0]!;
    await ssm.send(new DeregisterManagedInstanceCommand({ InstanceId: agent.agent.nodeId }));
    expect(await agent.waitForExit()).toBe(77);
    await expect(
      ssm.send(
        new SendCommandCommand({
          DocumentName: 'AWS-RunShellScript',
          InstanceIds: [agent.agent.nodeId],
          Parameters: { commands: ['echo no'] },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidInstanceId' });
    const page = await ssm.send(new DescribeInstanceInformationCommand({}));
    expect(page.InstanceInformationList?.map((node) => node.InstanceId)).not.toContain(agent.agent.nodeId);
  });
});
