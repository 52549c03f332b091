/**
 * The package store and AWS-ConfigureAWSPackage end to end: the real server, two real agent
 * processes, the sample metrics-agent package (examples/packages/metrics-agent) published with
 * `mado packages publish`, installed and updated through @aws-sdk/client-ssm and the AWS CLI,
 * its configuration kept across "Uninstall and reinstall", the inventory read through the API and
 * `mado inventory`.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  GetCommandInvocationCommand,
  ListCommandsCommand,
  ListInventoryEntriesCommand,
  SendCommandCommand,
  type Command,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsSsm } from '../support/aws-cli.js';
import { startFleet, type Fleet } from '../support/fleet.js';
import { callRaw } from '../support/raw-client.js';
import { MADO_BIN, REPO_ROOT, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { eventually } from '../support/wait.js';

const execFileAsync = promisify(execFile);
const EXAMPLE = join(REPO_ROOT, 'examples', 'packages', 'metrics-agent');
const TERMINAL = new Set(['Success', 'Failed', 'TimedOut', 'Cancelled']);

/** The operator's configuration on the first node, which the update must leave untouched. */
const OPERATOR_CONFIG = `# edited by the operator
[agent]
interval = "60s"
hostname = "web-1"

[inputs.statsd]
service_address = ":8125"
metric_separator = "_"

[outputs.cloudwatch]
region = "ap-northeast-1"
namespace = "CWAgent"
`;

interface Run {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

interface Status {
  readonly version: string;
  readonly pid: number;
  readonly configFile: string;
  readonly configSha256: string;
  readonly config: Record<string, Record<string, unknown>>;
}

describe('packages on two real agents', () => {
  let server: ServerProcess;
  let ssm: SSMClient;
  let fleet: Fleet;
  const scratch = mkdtempSync(join(tmpdir(), 'mado-e2e-packages-'));

  /** `mado <args>` signed with the admin key; never throws for a non-zero exit. */
  async function mado(args: readonly string[]): Promise<Run> {
    try {
      const { stdout, stderr } = await execFileAsync(process.execPath, [MADO_BIN, ...args], {
        cwd: REPO_ROOT,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: process.env.HOME ?? tmpdir(),
          ...server.cliEnv(),
        },
        timeout: 60_000,
      });
      return { exitCode: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code?: unknown; stdout?: unknown; stderr?: unknown };
      return {
        exitCode: typeof failed.code === 'number' ? failed.code : -1,
        stdout: String(failed.stdout),
        stderr: String(failed.stderr),
      };
    }
  }

  function expectSuccess(run: Run): void {
    expect(run.exitCode, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`).toBe(0);
  }

  /** Where the package's daemon keeps its files on node `index` (its data directory). */
  function home(index: number): string {
    return join(fleet.agents[index]!.agent.stateDir, 'package-data', 'metrics-agent');
  }

  function status(index: number): Status | undefined {
    const file = join(home(index), 'status.json');
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Status) : undefined;
  }

  async function waitForCommand(commandId: string): Promise<Command> {
    const listed = await eventually(
      () => ssm.send(new ListCommandsCommand({ CommandId: commandId })),
      (page) => TERMINAL.has(page.Commands?.[0]?.Status ?? ''),
      { timeoutMs: 90_000, what: `command ${commandId} to finish` },
    );
    return listed.Commands![0]!;
  }

  async function output(commandId: string, instanceId: string) {
    return ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }));
  }

  async function inventoryOf(instanceId: string) {
    return ssm.send(new ListInventoryEntriesCommand({ InstanceId: instanceId, TypeName: 'AWS:Application' }));
  }

  function isRunning(pid: number): boolean {
    try {
      process.kill(pid, 0);
    } catch {
      return false;
    }
    try {
      return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return true;
    }
  }

  beforeAll(async () => {
    server = await startServerProcess({ env: { MADO_AGENT_HEARTBEAT_SECONDS: '1' } });
    ssm = server.client();
    fleet = await startFleet(server, [{ Role: 'web' }, { Role: 'web' }], { name: 'packages' });
  }, 120_000);

  afterAll(async () => {
    // The daemons run detached from the agents: stop any a failed test left behind.
    for (const index of [0, 1]) {
      const pidFile = fleet === undefined ? undefined : join(home(index), 'metrics-agent.pid');
      if (pidFile !== undefined && existsSync(pidFile)) {
        try {
          process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
        } catch {
          // Gone already.
        }
      }
    }
    await fleet?.dispose();
    await server?.dispose();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('publishes two versions with mado packages publish, from a directory and from an archive', async () => {
    expectSuccess(await mado(['packages', 'publish', 'metrics-agent', '1.0.0', join(EXAMPLE, '1.0.0')]));
    const archive = join(scratch, 'metrics-agent-2.0.0.tar.gz');
    await execFileAsync('tar', ['-czf', archive, '-C', join(EXAMPLE, '2.0.0'), '.']);
    const published = await mado(['packages', 'publish', 'metrics-agent', '2.0.0', archive]);
    expectSuccess(published);
    expect(published.stdout).toContain('Published metrics-agent 2.0.0');
    expect(published.stdout).toContain(
      `sha256:    ${createHash('sha256').update(readFileSync(archive)).digest('hex')}`,
    );
    expect(published.stdout).toContain('platforms: linux/_any/_any, macos/_any/_any');

    const packages = await mado(['packages', 'list']);
    expectSuccess(packages);
    expect(packages.stdout).toMatch(/metrics-agent\s+2\.0\.0\s+2\s/);
    const versions = await mado(['packages', 'list', 'metrics-agent', '--json']);
    expectSuccess(versions);
    const listed = JSON.parse(versions.stdout) as { PackageVersions: { Version: string; IsLatest?: boolean }[] };
    expect(listed.PackageVersions.map((version) => [version.Version, version.IsLatest])).toEqual([
      ['2.0.0', true],
      ['1.0.0', false],
    ]);
    const latest = await callRaw(server, 'Mado.GetPackageVersion', { Name: 'metrics-agent', Version: '' });
    expect(latest.body).toMatchObject({
      PackageVersion: { Version: '2.0.0', IsLatest: true, Manifest: { publisher: 'Mado examples' } },
    });
  });

  it('refuses bad packages, naming what is wrong, and never replaces a version', async () => {
    const broken = join(scratch, 'broken');
    mkdirSync(broken);
    writeFileSync(join(broken, 'install.sh'), 'echo hi\n');
    writeFileSync(
      join(broken, 'manifest.json'),
      JSON.stringify({
        schemaVersion: '1.0',
        packages: { linux: { _any: { x86_64: { install: 'install.sh', uninstal: 'uninstall.sh' } } } },
      }),
    );
    const refused = await mado(['packages', 'publish', 'broken', '1.0.0', broken]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('InvalidPackageManifest');
    expect(refused.stderr).toContain('packages.linux._any.x86_64.uninstal: is not an entry field');
    expect(refused.stderr).toContain('packages.linux._any.x86_64.uninstall: is required');

    const notGzip = await callRaw(server, 'Mado.PublishPackage', {
      Name: 'broken',
      Version: '1.0.0',
      Archive: Buffer.from('just text').toString('base64'),
    });
    expect(notGzip.body).toMatchObject({
      __type: 'InvalidPackageArchive',
      message: 'The archive is not a gzip-compressed tar file (.tar.gz).',
    });

    const again = await mado(['packages', 'publish', 'metrics-agent', '1.0.0', join(EXAMPLE, '1.0.0')]);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain('AlreadyExistsException: Package metrics-agent version 1.0.0 already exists');
    const missing = await callRaw(server, 'Mado.ListPackageVersions', { Name: 'broken' });
    expect(missing.body).toMatchObject({ __type: 'DoesNotExistException', message: 'Package broken does not exist.' });
  });

  it('installs 1.0.0 on both nodes with AWS-ConfigureAWSPackage sent by the AWS CLI', async () => {
    const sent = await awsSsm<{ Command: { CommandId: string } }>(server, [
      'send-command',
      '--document-name',
      'AWS-ConfigureAWSPackage',
      '--instance-ids',
      ...fleet.nodeIds,
      '--parameters',
      JSON.stringify({ action: ['Install'], name: ['metrics-agent'], version: ['1.0.0'], additionalArguments: ['{}'] }),
      '--comment',
      'install metrics-agent 1.0.0',
    ]);
    const command = await waitForCommand(sent.Command.CommandId);
    expect(command.Status).toBe('Success');
    for (const [index, nodeId] of fleet.nodeIds.entries()) {
      const invocation = await output(sent.Command.CommandId, nodeId);
      expect(invocation.StandardOutputContent).toContain('metrics-agent 1.0.0 is installed.');
      expect(invocation.StandardOutputContent).toContain('wrote the default configuration');
      expect(status(index)).toMatchObject({
        version: '1.0.0',
        config: { outputs: { cloudwatch: { region: 'us-east-1' } } },
      });
      expect(isRunning(status(index)!.pid)).toBe(true);
    }
  });

  it('shows what each node installed through ListInventoryEntries and mado inventory', async () => {
    for (const nodeId of fleet.nodeIds) {
      const inventory = await eventually(
        () => inventoryOf(nodeId),
        (page) => page.Entries?.[0]?.Version === '1.0.0',
        { what: `inventory of ${nodeId}` },
      );
      expect(inventory).toMatchObject({ TypeName: 'AWS:Application', InstanceId: nodeId, SchemaVersion: '1.1' });
      expect(inventory.CaptureTime).toMatch(/^20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(inventory.Entries).toEqual([
        expect.objectContaining({
          Name: 'metrics-agent',
          Version: '1.0.0',
          Publisher: 'Mado examples',
          ApplicationType: 'Mado package',
          PackageId: 'metrics-agent-1.0.0',
        }),
      ]);
    }
    await expect(
      ssm.send(new ListInventoryEntriesCommand({ InstanceId: fleet.nodeIds[0]!, TypeName: 'AWS:Network' })),
    ).rejects.toMatchObject({ name: 'InvalidTypeNameException' });
    await expect(
      ssm.send(new ListInventoryEntriesCommand({ InstanceId: 'mi-00000000000000000', TypeName: 'AWS:Application' })),
    ).rejects.toMatchObject({ name: 'InvalidInstanceId' });
    const all = await mado(['inventory']);
    expectSuccess(all);
    for (const nodeId of fleet.nodeIds) {
      expect(all.stdout).toMatch(new RegExp(`${nodeId}\\s+metrics-agent\\s+1\\.0\\.0\\s`));
    }
    const one = await mado(['inventory', '--node', fleet.nodeIds[0]!, '--json']);
    expectSuccess(one);
    expect(JSON.parse(one.stdout)).toMatchObject({
      Nodes: [{ InstanceId: fleet.nodeIds[0], Entries: [{ Name: 'metrics-agent', Version: '1.0.0' }] }],
    });
  });

  it('updates to the latest version with "Uninstall and reinstall" and keeps the configuration', async () => {
    // The operator tunes node 1's configuration; node 2 keeps the default one.
    const configFile = join(home(0), 'metrics-agent.toml');
    writeFileSync(configFile, OPERATOR_CONFIG);
    const defaultConfig = readFileSync(join(home(1), 'metrics-agent.toml'), 'utf8');
    const before = [status(0)!.pid, status(1)!.pid];

    const { Command: sent } = await ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-ConfigureAWSPackage',
        InstanceIds: [...fleet.nodeIds],
        Parameters: {
          action: ['Install'],
          installationType: ['Uninstall and reinstall'],
          name: ['metrics-agent'],
          version: [''],
          additionalArguments: ['{}'],
        },
        TimeoutSeconds: 600,
      }),
    );
    const command = await waitForCommand(sent!.CommandId!);
    expect(command.Status).toBe('Success');

    const invocation = await output(sent!.CommandId!, fleet.nodeIds[0]!);
    const text = invocation.StandardOutputContent ?? '';
    expect(text.indexOf('--- uninstall.sh (uninstall of metrics-agent 1.0.0) ---')).toBeGreaterThan(-1);
    expect(text.indexOf('--- install.sh (install of metrics-agent 2.0.0) ---')).toBeGreaterThan(
      text.indexOf('--- uninstall.sh (uninstall of metrics-agent 1.0.0) ---'),
    );
    expect(text).toContain('keeping the existing configuration');
    expect(text).toContain('metrics-agent 2.0.0 is installed (was 1.0.0).');

    expect(readFileSync(configFile, 'utf8')).toBe(OPERATOR_CONFIG);
    expect(status(0)).toMatchObject({
      version: '2.0.0',
      configFile,
      configSha256: createHash('sha256').update(OPERATOR_CONFIG).digest('hex'),
      config: {
        agent: { interval: '60s', hostname: 'web-1' },
        outputs: { cloudwatch: { region: 'ap-northeast-1', namespace: 'CWAgent' } },
      },
    });
    expect(readFileSync(join(home(1), 'metrics-agent.toml'), 'utf8')).toBe(defaultConfig);
    expect(status(1)?.version).toBe('2.0.0');
    for (const [index, pid] of before.entries()) {
      expect(isRunning(pid)).toBe(false);
      expect(isRunning(status(index)!.pid)).toBe(true);
    }

    const listed = await eventually(
      () =>
        awsSsm<{ Entries: Record<string, string>[] }>(server, [
          'list-inventory-entries',
          '--instance-id',
          fleet.nodeIds[0]!,
          '--type-name',
          'AWS:Application',
        ]),
      (page) => page.Entries[0]?.Version === '2.0.0',
      { what: 'the inventory to show 2.0.0' },
    );
    expect(listed.Entries).toEqual([expect.objectContaining({ Name: 'metrics-agent', Version: '2.0.0' })]);
  });

  it('reports Success without running anything when the version asked for is installed', async () => {
    const pid = status(0)!.pid;
    const { Command: sent } = await ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-ConfigureAWSPackage',
        InstanceIds: [fleet.nodeIds[0]!],
        Parameters: { action: ['Install'], name: ['metrics-agent'], version: ['2.0.0'] },
      }),
    );
    expect((await waitForCommand(sent!.CommandId!)).Status).toBe('Success');
    const invocation = await output(sent!.CommandId!, fleet.nodeIds[0]!);
    expect(invocation.StandardOutputContent).toContain('metrics-agent 2.0.0 is already installed; nothing to do.');
    expect(status(0)?.pid).toBe(pid);
  });

  it('uninstalls the package, leaving its configuration, and the inventory empties', async () => {
    const pids = [status(0)!.pid, status(1)!.pid];
    const { Command: sent } = await ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-ConfigureAWSPackage',
        InstanceIds: [...fleet.nodeIds],
        Parameters: { action: ['Uninstall'], name: ['metrics-agent'] },
      }),
    );
    expect((await waitForCommand(sent!.CommandId!)).Status).toBe('Success');
    for (const [index, nodeId] of fleet.nodeIds.entries()) {
      expect(status(index)).toBeUndefined();
      expect(isRunning(pids[index]!)).toBe(false);
      expect(existsSync(join(home(index), 'metrics-agent.toml'))).toBe(true);
      const inventory = await eventually(
        () => inventoryOf(nodeId),
        (page) => (page.Entries ?? []).length === 0,
        { what: `an empty inventory on ${nodeId}` },
      );
      expect(inventory.Entries).toEqual([]);
    }
    expect(readFileSync(join(home(0), 'metrics-agent.toml'), 'utf8')).toBe(OPERATOR_CONFIG);

    const again = await ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-ConfigureAWSPackage',
        InstanceIds: [fleet.nodeIds[0]!],
        Parameters: { action: ['Uninstall'], name: ['metrics-agent'] },
      }),
    );
    expect((await waitForCommand(again.Command!.CommandId!)).Status).toBe('Failed');
    const failed = await output(again.Command!.CommandId!, fleet.nodeIds[0]!);
    expect(failed.StandardErrorContent).toContain('metrics-agent is not installed on this node');
  });

  it('installs a package of several pieces, unpacking only what its entry lists', async () => {
    const source = join(scratch, 'bulky');
    mkdirSync(join(source, 'data'), { recursive: true });
    // Incompressible, so that the archive needs three 1 MiB pieces (and an upload over 1 MiB).
    const payload = randomBytes(2.5 * 1024 * 1024);
    writeFileSync(join(source, 'data', 'payload.bin'), payload);
    writeFileSync(join(source, 'windows-only.txt'), 'not for Linux');
    writeFileSync(
      join(source, 'install.sh'),
      'cmp -s data/payload.bin "$MADO_PACKAGE_DIR/data/payload.bin" && echo "payload in place"\n',
    );
    writeFileSync(join(source, 'uninstall.sh'), 'true\n');
    writeFileSync(
      join(source, 'manifest.json'),
      JSON.stringify({
        schemaVersion: '1.0',
        packages: {
          linux: { _any: { _any: { install: 'install.sh', uninstall: 'uninstall.sh', files: ['data/'] } } },
          windows: {
            _any: { _any: { install: 'install.sh', uninstall: 'uninstall.sh', files: ['windows-only.txt'] } },
          },
        },
      }),
    );
    expectSuccess(await mado(['packages', 'publish', 'bulky', '1.0.0', source]));
    const { Command: sent } = await ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-ConfigureAWSPackage',
        InstanceIds: [fleet.nodeIds[1]!],
        Parameters: { action: ['Install'], name: ['bulky'] },
      }),
    );
    expect((await waitForCommand(sent!.CommandId!)).Status).toBe('Success');
    const invocation = await output(sent!.CommandId!, fleet.nodeIds[1]!);
    expect(invocation.StandardOutputContent).toContain('payload in place');
    const installedDir = join(fleet.agents[1]!.agent.stateDir, 'packages', 'bulky', '1.0.0');
    expect(readFileSync(join(installedDir, 'data', 'payload.bin')).equals(payload)).toBe(true);
    expect(existsSync(join(installedDir, 'windows-only.txt'))).toBe(false);
  });

  it('deletes a version with mado packages delete', async () => {
    expectSuccess(await mado(['packages', 'delete', 'metrics-agent', '1.0.0']));
    const versions = await mado(['packages', 'list', 'metrics-agent']);
    expectSuccess(versions);
    expect(versions.stdout).toContain('2.0.0');
    expect(versions.stdout).not.toContain('1.0.0');
    const gone = await mado(['packages', 'delete', 'metrics-agent', '1.0.0']);
    expect(gone.exitCode).toBe(1);
    expect(gone.stderr).toContain('DoesNotExistException');
  });
});
