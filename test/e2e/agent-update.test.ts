/**
 * Agent self-update end to end (issue 5, item 3): the real server, two real agents started from a
 * bundle built as an old version (0.9.0), releases published with `mado releases publish`, and
 * AWS-UpdateSSMAgent sent through @aws-sdk/client-ssm and the AWS CLI v2. The nodes restart into
 * the new release through their supervisors and report its version; a release that does not
 * start is rolled back; a downgrade needs allowDowngrade=true.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  ListCommandsCommand,
  SendCommandCommand,
  type Command,
  type InstanceInformation,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsSsm } from '../support/aws-cli.js';
import { startFleet, type Fleet } from '../support/fleet.js';
import { runMado } from '../support/mado-cli.js';
import { REPO_ROOT, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { eventually } from '../support/wait.js';

const TERMINAL = new Set(['Success', 'Failed', 'TimedOut', 'Cancelled']);

const OLD = '0.9.0';
const NEW = '1.1.0';
const BROKEN = '1.2.0';
/** The version of dist/mado-agent.cjs, which the server publishes at start. */
const SERVER_OWN = '1.0.0';

describe('agent self-update on real agents', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'mado-e2e-update-'));
  const oldBundle = join(scratch, 'old', 'mado-agent.cjs');
  const newBundle = join(scratch, 'new', 'mado-agent.cjs');
  const brokenBundle = join(scratch, 'broken', 'mado-agent.cjs');
  let server: ServerProcess;
  let ssm: SSMClient;
  let fleet: Fleet;
  let nodeA: string;
  let nodeB: string;

  function buildBundle(version: string, out: string): void {
    const built = spawnSync(process.execPath, ['scripts/build-agent.mjs', '--version', version, '--out', out], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    expect(built.status, built.stderr).toBe(0);
  }

  /** `mado releases …` against the server with the admin key. */
  async function mado(args: readonly string[]): Promise<{ stdout: string; stderr: string; code: number }> {
    const { exitCode, stdout, stderr } = await runMado(args, { HOME: scratch, ...server.cliEnv() });
    return { stdout, stderr, code: exitCode };
  }

  async function waitForCommand(commandId: string): Promise<Command> {
    const listed = await eventually(
      () => ssm.send(new ListCommandsCommand({ CommandId: commandId })),
      (page) => TERMINAL.has(page.Commands?.[0]?.Status ?? ''),
      { timeoutMs: 90_000, intervalMs: 250, what: `command ${commandId} to finish` },
    );
    return listed.Commands![0]!;
  }

  async function updateWithSdk(instanceIds: string[], parameters: Record<string, string[]> = {}): Promise<string> {
    const sent = await ssm.send(
      new SendCommandCommand({ DocumentName: 'AWS-UpdateSSMAgent', InstanceIds: instanceIds, Parameters: parameters }),
    );
    return sent.Command!.CommandId!;
  }

  async function updateWithAwsCli(instanceId: string, parameters: Record<string, string[]>): Promise<string> {
    const sent = await awsSsm<{ Command: { CommandId: string } }>(server, [
      'send-command',
      '--document-name',
      'AWS-UpdateSSMAgent',
      '--instance-ids',
      instanceId,
      '--parameters',
      JSON.stringify(parameters),
    ]);
    return sent.Command.CommandId;
  }

  async function node(instanceId: string): Promise<InstanceInformation> {
    const page = await ssm.send(
      new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: [instanceId] }] }),
    );
    return page.InstanceInformationList![0]!;
  }

  /** Waits until the node is Online and reports `version`. */
  async function nodeAt(instanceId: string, version: string): Promise<InstanceInformation> {
    return eventually(
      () => node(instanceId),
      (info) => info.PingStatus === 'Online' && info.AgentVersion === version,
      { timeoutMs: 30_000, what: `${instanceId} Online at ${version}` },
    );
  }

  function stateDirOf(instanceId: string): string {
    return fleet.agents.find((agent) => agent.agent.nodeId === instanceId)!.agent.stateDir;
  }

  beforeAll(async () => {
    buildBundle(OLD, oldBundle);
    buildBundle(NEW, newBundle);
    // A "release" that exits at once: the supervisor must roll it back.
    rmSync(join(scratch, 'broken'), { recursive: true, force: true });
    spawnSync('mkdir', ['-p', join(scratch, 'broken')]);
    writeFileSync(brokenBundle, '#!/usr/bin/env node\nprocess.exit(3);\n');
    server = await startServerProcess({ env: { MADO_AGENT_HEARTBEAT_SECONDS: '1' } });
    ssm = server.client();
    fleet = await startFleet(server, [{ Role: 'a' }, { Role: 'b' }], { name: 'update', bundle: oldBundle });
    [nodeA, nodeB] = fleet.nodeIds as [string, string];
  });

  afterAll(async () => {
    ssm?.destroy();
    await fleet?.dispose();
    await server?.dispose();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('shows the old version, not the latest, and the server’s own release as the latest', async () => {
    for (const instanceId of [nodeA, nodeB]) {
      const info = await nodeAt(instanceId, OLD);
      expect(info.IsLatestVersion).toBe(false);
    }
    const listed = await mado(['releases', 'list', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject({ AgentReleases: [{ Version: SERVER_OWN, IsLatest: true }] });
  });

  it('updates both nodes to the latest release, showing the old and the new version', async () => {
    const published = await mado(['releases', 'publish', newBundle]);
    expect(published.code, published.stderr).toBe(0);
    expect(published.stdout).toContain(`Published: mado-agent ${NEW} (latest)`);
    const listed = await mado(['releases', 'list']);
    expect(listed.stdout).toMatch(new RegExp(`^${NEW.replace(/\./g, '\\.')} +latest`, 'm'));

    const commandId = await updateWithSdk([nodeA, nodeB]);
    const command = await waitForCommand(commandId);
    expect(command.Status).toBe('Success');
    for (const instanceId of [nodeA, nodeB]) {
      const invocation = await ssm.send(
        new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }),
      );
      expect(invocation.Status).toBe('Success');
      expect(invocation.StandardOutputContent).toContain(`Updating mado-agent from ${OLD} to latest`);
      expect(invocation.StandardOutputContent).toContain(`The latest mado-agent release on the server is ${NEW}`);
      expect(invocation.StandardOutputContent).toContain(`mado-agent updated successfully to ${NEW} (was ${OLD})`);
      const info = await nodeAt(instanceId, NEW);
      expect(info.IsLatestVersion).toBe(true);
      // The supervisor now starts the worker from the installed bundle.
      const current = JSON.parse(readFileSync(join(stateDirOf(instanceId), 'releases', 'current.json'), 'utf8')) as {
        version: string;
        path: string;
      };
      expect(current.version).toBe(NEW);
      expect(readFileSync(current.path).equals(readFileSync(newBundle))).toBe(true);
      expect(existsSync(join(stateDirOf(instanceId), 'releases', 'update.json'))).toBe(false);
      // Reported once and acknowledged: the journal keeps it as done.
      const done = JSON.parse(
        readFileSync(join(stateDirOf(instanceId), 'journal', 'done', `${commandId}.json`), 'utf8'),
      ) as { outcome: string };
      expect(done.outcome).toBe('Success');
    }
    // The restart was not taken for a crash: nothing was reported Failed by a recovery.
    for (const agent of fleet.agents) {
      expect(agent.output()).not.toContain('reporting it Failed without running it again');
    }
  });

  it('skips the update, with Success, when the node already runs the version (AWS CLI)', async () => {
    const commandId = await updateWithAwsCli(nodeA, { version: [NEW] });
    expect((await waitForCommand(commandId)).Status).toBe('Success');
    const invocation = await awsSsm<{ Status: string; StandardOutputContent: string }>(server, [
      'get-command-invocation',
      '--command-id',
      commandId,
      '--instance-id',
      nodeA,
    ]);
    expect(invocation.Status).toBe('Success');
    expect(invocation.StandardOutputContent).toContain(`mado-agent ${NEW} has already been installed, update skipped`);
  });

  it('rolls back a release that does not start: the node stays Online on the old version, the invocation fails', async () => {
    const published = await mado(['releases', 'publish', brokenBundle, '--version', BROKEN]);
    expect(published.code, published.stderr).toBe(0);
    expect(published.stdout).toContain(`Published: mado-agent ${BROKEN} (latest)`);

    const commandId = await updateWithSdk([nodeA], { version: [BROKEN] });
    expect((await waitForCommand(commandId)).Status).toBe('Failed');
    const invocation = await ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: nodeA }));
    expect(invocation.Status).toBe('Failed');
    expect(invocation.StandardOutputContent).toContain(`Updating mado-agent from ${NEW} to ${BROKEN}`);
    expect(invocation.StandardErrorContent).toContain(
      `mado-agent ${BROKEN} did not take over: it exited with code 3 before it connected to the server`,
    );
    expect(invocation.StandardErrorContent).toContain(`mado-agent ${NEW} is running`);
    const info = await nodeAt(nodeA, NEW);
    expect(info.IsLatestVersion).toBe(false);
    expect(existsSync(join(stateDirOf(nodeA), 'releases', BROKEN))).toBe(false);
  });

  it('refuses a downgrade with allowDowngrade=false and performs it with allowDowngrade=true (AWS CLI)', async () => {
    const refusedId = await updateWithSdk([nodeB], { version: [SERVER_OWN], allowDowngrade: ['false'] });
    expect((await waitForCommand(refusedId)).Status).toBe('Failed');
    const refused = await ssm.send(new GetCommandInvocationCommand({ CommandId: refusedId, InstanceId: nodeB }));
    expect(refused.StandardErrorContent).toContain(
      'updating mado-agent to an older version, please enable allow downgrade to proceed',
    );
    expect((await node(nodeB)).AgentVersion).toBe(NEW);

    const allowedId = await updateWithAwsCli(nodeB, { version: [SERVER_OWN], allowDowngrade: ['true'] });
    expect((await waitForCommand(allowedId)).Status).toBe('Success');
    const allowed = await ssm.send(new GetCommandInvocationCommand({ CommandId: allowedId, InstanceId: nodeB }));
    expect(allowed.StandardOutputContent).toContain(`mado-agent updated successfully to ${SERVER_OWN} (was ${NEW})`);
    await nodeAt(nodeB, SERVER_OWN);
  });

  it('waits for the commands already running on the node, and runs those delivered meanwhile', async () => {
    const before = await ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-RunShellScript',
        InstanceIds: [nodeB],
        Parameters: { commands: ['sleep 3', 'echo slow command done'] },
      }),
    );
    await eventually(
      () => ssm.send(new GetCommandInvocationCommand({ CommandId: before.Command!.CommandId!, InstanceId: nodeB })),
      (invocation) => invocation.Status === 'InProgress',
      { what: 'the slow command to run' },
    );
    const updateId = await updateWithSdk([nodeB], { version: [NEW] });
    const during = await ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-RunShellScript',
        InstanceIds: [nodeB],
        Parameters: { commands: ['echo delivered during the update'] },
      }),
    );
    expect((await waitForCommand(before.Command!.CommandId!)).Status).toBe('Success');
    expect((await waitForCommand(updateId)).Status).toBe('Success');
    expect((await waitForCommand(during.Command!.CommandId!)).Status).toBe('Success');
    const slow = await ssm.send(
      new GetCommandInvocationCommand({ CommandId: before.Command!.CommandId!, InstanceId: nodeB }),
    );
    expect(slow.StandardOutputContent).toBe('slow command done\n');
    const update = await ssm.send(new GetCommandInvocationCommand({ CommandId: updateId, InstanceId: nodeB }));
    // The slow command, and the one delivered meanwhile when it started before the update began
    // to wait (a script step starts a step host, so it may still run then); once the update
    // waits, new deliveries are held until after the restart (update-ssm-agent.test.ts).
    expect(update.StandardOutputContent).toMatch(
      /Waiting for (1 other command|2 other commands) running on this node to end/,
    );
    expect(update.StandardOutputContent).toContain(`mado-agent updated successfully to ${NEW} (was ${SERVER_OWN})`);
    const later = await ssm.send(
      new GetCommandInvocationCommand({ CommandId: during.Command!.CommandId!, InstanceId: nodeB }),
    );
    expect(later.StandardOutputContent).toBe('delivered during the update\n');
    await nodeAt(nodeB, NEW);
  });
});
