/**
 * The story's starting state: a server, the agent releases and package versions in its store,
 * three nodes running the old management agent, and the old metrics-agent installed on each,
 * on a configuration the operator wrote.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  CreateActivationCommand,
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  ListCommandsCommand,
  SendCommandCommand,
} from '@aws-sdk/client-ssm';
import { DemoStopped, type DemoGuard } from './guard.js';
import {
  EXAMPLE_PACKAGE,
  MADO_BIN,
  REPO_ROOT,
  VERSIONS,
  stateDirOf,
  waitFor,
  type Credentials,
  type Demo,
  type DemoNode,
} from './context.js';
import type { DemoProcesses, Managed } from './processes.js';

const execFileAsync = promisify(execFile);

const SERVER_START_MS = 30_000;
const CLI_TIMEOUT_MS = 60_000;
const ONLINE_TIMEOUT_MS = 60_000;
const COMMAND_TIMEOUT_MS = 90_000;
const TERMINAL_COMMAND = new Set(['Success', 'Failed', 'TimedOut', 'Cancelled']);

/** The cast: three nodes, each with its tags. */
export const NODES: readonly { name: string; tags: Record<string, string> }[] = [
  { name: 'web-1', tags: { Env: 'demo', Role: 'web' } },
  { name: 'web-2', tags: { Env: 'demo', Role: 'web' } },
  { name: 'batch-1', tags: { Env: 'demo', Role: 'batch' } },
];

/** The operator's metrics-agent configuration on `node` (the scenario's TOML sections). */
export function operatorConfig(node: string): string {
  return `# metrics-agent configuration of ${node}, written by the operator before the first install.
# The update must leave it exactly as it is.
[agent]
interval = "10s"
hostname = "${node}"

[inputs.statsd]
service_address = ":8125"
metric_separator = "_"

[outputs.cloudwatch]
region = "ap-northeast-1"
namespace = "CWAgent"
`;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Runs `node ARGS` to completion (bounded, stopped with the run); fails the demo with its output. */
async function runNode(
  guard: DemoGuard,
  what: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<string> {
  try {
    const { stdout } = await execFileAsync(process.execPath, [...args], {
      cwd: REPO_ROOT,
      env,
      timeout: CLI_TIMEOUT_MS,
      signal: guard.signal,
    });
    return stdout;
  } catch (error) {
    guard.throwIfStopped();
    const failed = error as { stdout?: string; stderr?: string; message?: string };
    const output = `${failed.stderr ?? ''}${failed.stdout ?? ''}`.trim() || (failed.message ?? String(error));
    throw new DemoStopped(`${what} failed: ${output}`, 1);
  }
}

/** `mado ARGS` against the demo's server with its admin key. */
export async function mado(demo: Demo, args: readonly string[]): Promise<string> {
  return runNode(demo.guard, `mado ${args.slice(0, 2).join(' ')}`, [MADO_BIN, ...args], {
    ...demo.childEnv,
    MADO_ENDPOINT_URL: demo.url,
    MADO_ACCESS_KEY_ID: demo.credentials.accessKeyId,
    MADO_SECRET_ACCESS_KEY: demo.credentials.secretAccessKey,
  });
}

/** Starts `mado server` on 127.0.0.1 and waits for it to print its URL. */
export async function startServer(
  guard: DemoGuard,
  processes: DemoProcesses,
  options: { readonly port: number; readonly credentials: Credentials },
): Promise<{ url: string; consoleUrl: string | undefined; server: Managed }> {
  const server = processes.startServer(
    [
      MADO_BIN,
      'server',
      '--host',
      '127.0.0.1',
      '--port',
      String(options.port),
      '--data-dir',
      join(processes.root, 'server'),
    ],
    {
      MADO_LOG_LEVEL: 'warn',
      MADO_ADMIN_ACCESS_KEY_ID: options.credentials.accessKeyId,
      MADO_ADMIN_SECRET_ACCESS_KEY: options.credentials.secretAccessKey,
    },
  );
  const deadline = Date.now() + SERVER_START_MS;
  for (;;) {
    const banner = existsSync(server.logFile) ? readFileSync(server.logFile, 'utf8') : '';
    const url = /^API: +(http:\/\/\S+)/m.exec(banner);
    if (url !== null) {
      // The banner is printed at once; a server with the web console names it there too.
      const consoleUrl = /^Console: +(http:\/\/\S+)/m.exec(banner)?.[1];
      return { url: url[1]!.replace(/\/$/, ''), consoleUrl, server };
    }
    if (server.hasExited()) {
      throw new DemoStopped(
        `the server exited (${await server.exited}) before it started:\n${tail(server.logFile)}`,
        1,
      );
    }
    if (Date.now() > deadline) {
      throw new DemoStopped(`the server did not start within ${SERVER_START_MS / 1000} s:\n${tail(server.logFile)}`, 1);
    }
    await guard.sleep(100);
  }
}

/** Builds the old and the new agent bundle and publishes both as releases; returns the old one's path. */
export async function publishAgentReleases(demo: Demo): Promise<string> {
  const bundles: string[] = [];
  for (const version of [VERSIONS.agentOld, VERSIONS.agentNew]) {
    const bundle = join(demo.root, 'releases', version, 'mado-agent.cjs');
    await runNode(
      demo.guard,
      `building mado-agent ${version}`,
      ['scripts/build-agent.mjs', '--version', version, '--out', bundle],
      demo.childEnv,
    );
    const published = await mado(demo, ['releases', 'publish', bundle]);
    demo.say.line(published.trim().split('\n')[0] ?? `Published mado-agent ${version}`);
    bundles.push(bundle);
  }
  return bundles[0]!;
}

export async function publishPackages(demo: Demo): Promise<void> {
  for (const version of [VERSIONS.packageOld, VERSIONS.packageNew]) {
    const published = await mado(demo, [
      'packages',
      'publish',
      VERSIONS.packageName,
      version,
      join(EXAMPLE_PACKAGE, version),
    ]);
    demo.say.line(published.trim().split('\n')[0] ?? `Published ${VERSIONS.packageName} ${version}`);
  }
}

/**
 * Registers the three nodes through one activation (with `bundle`, the old agent, as a node
 * would run it), starts `agent run` on each and waits until all are Online.
 */
export async function startNodes(demo: Demo, bundle: string): Promise<DemoNode[]> {
  const activation = await demo.ssm.send(
    new CreateActivationCommand({
      IamRole: 'MadoNode',
      RegistrationLimit: NODES.length,
      DefaultInstanceName: 'demo',
      Description: 'Mado demo nodes',
    }),
    { abortSignal: demo.guard.signal },
  );
  const nodes: DemoNode[] = [];
  for (const { name, tags } of NODES) {
    const stateDir = stateDirOf(demo.root, name);
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    const registered = await runNode(
      demo.guard,
      `registering ${name}`,
      [
        bundle,
        'agent',
        'register',
        '--server',
        demo.url,
        '--activation-id',
        activation.ActivationId!,
        '--activation-code',
        activation.ActivationCode!,
        '--state-dir',
        stateDir,
        '--name',
        name,
        ...Object.entries(tags).flatMap(([key, value]) => ['--tag', `${key}=${value}`]),
      ],
      demo.childEnv,
    );
    const nodeId = /mi-[0-9a-f]{17}/.exec(registered)?.[0];
    if (nodeId === undefined) {
      throw new DemoStopped(`agent register printed no node id for ${name}: ${registered}`, 1);
    }
    const agent = demo.processes.startAgent(name, [bundle, 'agent', 'run', '--state-dir', stateDir]);
    const packageHome = join(stateDir, 'package-data', VERSIONS.packageName);
    nodes.push({
      name,
      tags,
      nodeId,
      stateDir,
      agent,
      packageHome,
      configFile: join(packageHome, `${VERSIONS.packageName}.toml`),
      configText: operatorConfig(name),
    });
  }
  const online = await waitFor(
    demo,
    `the ${nodes.length} nodes to be Online on mado-agent ${VERSIONS.agentOld}`,
    () => demo.ssm.send(new DescribeInstanceInformationCommand({}), { abortSignal: demo.guard.signal }),
    (page) =>
      nodes.every((node) =>
        (page.InstanceInformationList ?? []).some(
          (info) =>
            info.InstanceId === node.nodeId && info.PingStatus === 'Online' && info.AgentVersion === VERSIONS.agentOld,
        ),
      ),
    {
      timeoutMs: ONLINE_TIMEOUT_MS,
      describe: (page) =>
        (page.InstanceInformationList ?? [])
          .map((info) => `${info.InstanceId} ${info.PingStatus} ${info.AgentVersion}`)
          .join(', '),
    },
  );
  const rows = nodes.map((node) => {
    const info = online.InstanceInformationList!.find((candidate) => candidate.InstanceId === node.nodeId)!;
    return [
      node.name,
      node.nodeId,
      Object.entries(node.tags)
        .map(([key, value]) => `${key}=${value}`)
        .join(','),
      `${info.PingStatus}`,
      `mado-agent ${info.AgentVersion}${info.IsLatestVersion === true ? ' (latest)' : ' (not the latest)'}`,
      `pid ${node.agent.pid}`,
    ];
  });
  demo.say.table(rows);
  return nodes;
}

export interface DaemonStatus {
  readonly version: string;
  readonly pid: number;
  readonly configFile: string;
  readonly configSha256: string;
}

/** What the node's metrics-agent daemon reports in its status.json, if it runs. */
export function daemonStatus(node: DemoNode): DaemonStatus | undefined {
  const file = join(node.packageHome, 'status.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DaemonStatus;
  } catch {
    // Not written yet, or being replaced: the daemon does not run (yet).
    return undefined;
  }
}

/** Sends `Parameters` of AWS-ConfigureAWSPackage to every node and waits for the command to end. */
async function configurePackage(
  demo: Demo,
  nodes: readonly DemoNode[],
  parameters: Record<string, string[]>,
  comment: string,
) {
  const sent = await demo.ssm.send(
    new SendCommandCommand({
      DocumentName: 'AWS-ConfigureAWSPackage',
      InstanceIds: nodes.map((node) => node.nodeId),
      Parameters: parameters,
      Comment: comment,
      TimeoutSeconds: 600,
    }),
    { abortSignal: demo.guard.signal },
  );
  const commandId = sent.Command!.CommandId!;
  const listed = await waitFor(
    demo,
    `command ${commandId} (${comment}) to end`,
    () => demo.ssm.send(new ListCommandsCommand({ CommandId: commandId }), { abortSignal: demo.guard.signal }),
    (page) => TERMINAL_COMMAND.has(page.Commands?.[0]?.Status ?? ''),
    { timeoutMs: COMMAND_TIMEOUT_MS, describe: (page) => page.Commands?.[0]?.Status ?? 'not listed' },
  );
  return { commandId, status: listed.Commands![0]!.Status! };
}

/**
 * Writes the operator's configuration on every node, then installs the old metrics-agent with
 * AWS-ConfigureAWSPackage; its install keeps the configuration it finds and starts the daemon.
 */
export async function installOldPackage(demo: Demo, nodes: readonly DemoNode[]): Promise<void> {
  for (const node of nodes) {
    // The agent creates these 0700 itself; an operator's provisioning would do the same.
    mkdirSync(node.packageHome, { recursive: true, mode: 0o700 });
    writeFileSync(node.configFile, node.configText, { mode: 0o600 });
    demo.processes.trackDaemonPidFile(join(node.packageHome, `${VERSIONS.packageName}.pid`));
  }
  demo.say.line(`Wrote the operator's configuration on each node (hostname = its name, region ap-northeast-1).`);
  const { commandId, status } = await configurePackage(
    demo,
    nodes,
    { action: ['Install'], name: [VERSIONS.packageName], version: [VERSIONS.packageOld] },
    `install ${VERSIONS.packageName} ${VERSIONS.packageOld}`,
  );
  demo.say.line(
    `SendCommand AWS-ConfigureAWSPackage Install ${VERSIONS.packageName} ${VERSIONS.packageOld}: ${commandId} ${status}`,
  );
  if (status !== 'Success') {
    const reasons = await Promise.all(
      nodes.map(async (node) => {
        const invocation = await demo.ssm.send(
          new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: node.nodeId }),
        );
        return `${node.name}: ${invocation.Status} ${invocation.StandardErrorContent ?? ''}`.trim();
      }),
    );
    throw new DemoStopped(
      `installing ${VERSIONS.packageName} ${VERSIONS.packageOld} failed:\n${reasons.join('\n')}`,
      1,
    );
  }
  const rows = nodes.map((node) => {
    const status = daemonStatus(node);
    return [
      node.name,
      status === undefined
        ? `${VERSIONS.packageName}: no status`
        : `${VERSIONS.packageName} ${status.version} running (pid ${status.pid})`,
      status?.configSha256 === sha256(node.configText)
        ? `on the operator's configuration (sha256 ${sha256(node.configText).slice(0, 12)})`
        : 'NOT on the operator configuration',
    ];
  });
  demo.say.table(rows);
}
