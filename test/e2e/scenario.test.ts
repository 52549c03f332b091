/**
 * The whole story of ../shared/SCENARIO.md, end to end (issue 5, "How it is checked", first
 * bullet): the real server, three real agent processes started from an OLD agent bundle
 * (3.2.1798.0, the story's old SSM Agent), a NEW release (3.2.2222.0) and two versions of the
 * sample metrics-agent package in the server's stores, 1.0.0 installed on every node beforehand
 * with a TOML configuration the operator edited. Then the operator's steps, each with the Debian
 * AWS CLI v2: a maintenance window (Asia/Tokyo, due a few seconds ahead, no cutoff, unregistered
 * targets allowed), a target by instance ids, AWS-UpdateSSMAgent and AWS-ConfigureAWSPackage
 * both at priority 1 with the story's parameters and options. Afterwards the history (read back
 * with the AWS CLI) shows SUCCESS on every level, the two tasks ran in parallel, every node
 * reports the new agent version and the new package version, and the package's daemon runs the
 * new version on the operator's unchanged configuration.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsSsm } from '../support/aws-cli.js';
import { startFleet, type Fleet } from '../support/fleet.js';
import {
  buildAgentBundle,
  madoCli,
  NEW_AGENT,
  OLD_AGENT,
  PACKAGE,
  PACKAGE_VERSIONS,
  packageHome,
} from '../support/scenario-stores.js';
import { storeBackends } from '../support/postgres.js';
import { REPO_ROOT, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { eventually } from '../support/wait.js';

const execFileAsync = promisify(execFile);

/** The story's management agent versions: the old one the nodes run, the one they are updated to. */
const OLD = OLD_AGENT;
const NEW = NEW_AGENT;
/** The sample package stands in for the story's metrics agent (1.300028.4b233 → 1.300033.0b462). */
const [PACKAGE_OLD, PACKAGE_NEW] = PACKAGE_VERSIONS;
const EXAMPLE = join(REPO_ROOT, 'examples', 'packages', PACKAGE);

/** The story is told in Japan: the window's schedule is read in Tokyo time. */
const TIME_ZONE = 'Asia/Tokyo';
/**
 * How far ahead the window is due: time enough for the AWS CLI calls that set it up (three in a
 * row), however slow the CLI is on this machine right now: at least 8 s, or 8 CLI calls' time.
 */
const DUE_AT_LEAST_MS = 8_000;
const DUE_IN_CLI_CALLS = 8;
/** Rate control: two nodes at a time (a rolling update of the three), stop at the first error. */
const MAX_CONCURRENCY = '2';
const MAX_ERRORS = '0';
const TIMEOUT_SECONDS = 600;
/** Output options, notifications and the alarm of the story's task wizard (stored and echoed by Mado). */
const OUTPUT_S3_BUCKET = 'maintenance-window-logs';
const OUTPUT_S3_PREFIX = 'software-updates';
const NOTIFICATION = {
  NotificationArn: 'arn:aws:sns:ap-northeast-1:123456789012:maintenance-window-updates',
  NotificationEvents: ['Failed', 'TimedOut', 'Cancelled'],
  NotificationType: 'Command',
};
const ALARM = { Alarms: [{ Name: 'software-update-failed' }], IgnorePollAlarmFailure: false };
/** Step 3's parameters: Version blank (the latest), Allow Downgrade false. */
const UPDATE_PARAMETERS = { version: [''], allowDowngrade: ['false'] };
/** Step 4's parameters: Install, "Uninstall and reinstall", the package, Version blank, Additional Arguments {}. */
const PACKAGE_PARAMETERS = {
  action: ['Install'],
  installationType: ['Uninstall and reinstall'],
  name: [PACKAGE],
  version: [''],
  additionalArguments: ['{}'],
};
/** SSM's service-linked role, which runs the tasks when no service role is chosen (the story's choice). */
const DEFAULT_SERVICE_ROLE =
  /^arn:aws:iam::\d{12}:role\/aws-service-role\/ssm\.amazonaws\.com\/AWSServiceRoleForAmazonSSM$/;

const NODE_TAGS = [
  { Name: 'web-1', Env: 'prod', Role: 'web' },
  { Name: 'web-2', Env: 'prod', Role: 'web' },
  { Name: 'batch-1', Env: 'prod', Role: 'batch' },
] as const;

/** The configuration the operator tuned on a node (the story's `[agent]`, `[inputs.statsd]`, `[outputs.cloudwatch]`). */
function operatorConfig(hostname: string): string {
  return `# metrics-agent configuration, tuned by the operator for ${hostname}
[agent]
interval = "60s"
flush_interval = "1s"
hostname = "${hostname}"
debug = false
metric_batch_size = 1000
metric_buffer_limit = 10000

[inputs.statsd]
service_address = ":8125"
metric_separator = "_"
parse_data_dog_tags = true

[outputs.cloudwatch]
region = "ap-northeast-1"
namespace = "CWAgent"
`;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** What the package's daemon reports in its status file (examples/packages/metrics-agent/README.md). */
interface DaemonStatus {
  readonly version: string;
  readonly pid: number;
  readonly configFile: string;
  readonly configSha256: string;
  readonly config: Record<string, Record<string, unknown>>;
}

/** The AWS CLI's view of the history (timestamps are ISO 8601 text). */
interface CliWindowExecution {
  readonly WindowId: string;
  readonly WindowExecutionId: string;
  readonly Status: string;
  readonly StatusDetails?: string;
  readonly StartTime: string;
  readonly EndTime?: string;
  readonly TaskIds?: string[];
}

interface CliTaskExecution {
  readonly WindowExecutionId: string;
  readonly TaskExecutionId: string;
  readonly TaskArn: string;
  readonly ServiceRole: string;
  readonly Type: string;
  readonly TaskParameters: Record<string, { Values: string[] }>[];
  readonly Priority: number;
  readonly MaxConcurrency: string;
  readonly MaxErrors: string;
  readonly Status: string;
  readonly StatusDetails?: string;
  readonly StartTime: string;
  readonly EndTime: string;
  readonly AlarmConfiguration?: unknown;
  readonly TriggeredAlarms?: unknown;
}

interface CliTaskInvocation {
  readonly WindowExecutionId: string;
  readonly TaskExecutionId: string;
  readonly InvocationId: string;
  readonly ExecutionId: string;
  readonly TaskType: string;
  readonly Parameters: string;
  readonly Status: string;
  readonly StatusDetails: string;
  readonly StartTime: string;
  readonly EndTime: string;
  readonly OwnerInformation?: string;
  readonly WindowTargetId: string;
}

interface CliCommandInvocation {
  readonly CommandId: string;
  readonly InstanceId: string;
  readonly DocumentName: string;
  readonly Status: string;
  readonly StatusDetails: string;
  readonly ResponseCode: number;
  readonly StandardOutputContent: string;
  readonly StandardErrorContent: string;
}

interface CliInstanceInformation {
  readonly InstanceId: string;
  readonly PingStatus: string;
  readonly AgentVersion: string;
  readonly IsLatestVersion: boolean;
}

interface CliInventory {
  readonly TypeName: string;
  readonly InstanceId: string;
  readonly Entries: Record<string, string>[];
}

/** A running process's command line (arguments joined by NULs), or undefined when it is gone. */
function commandLineOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return undefined;
  }
}

const millis = (text: string | undefined): number => {
  const value = Date.parse(text ?? '');
  if (Number.isNaN(value)) {
    throw new Error(`not a timestamp: ${String(text)}`);
  }
  return value;
};

describe.each(storeBackends())(
  'the scenario of SCENARIO.md on three real agents, driven with the AWS CLI, store $name',
  (backend) => {
    const scratch = mkdtempSync(join(tmpdir(), 'mado-e2e-scenario-'));
    const oldBundle = join(scratch, 'old', 'mado-agent.cjs');
    const newBundle = join(scratch, 'new', 'mado-agent.cjs');
    let server: ServerProcess;
    let fleet: Fleet;
    /** Node ids, in the order of NODE_TAGS. */
    let nodeIds: readonly string[];
    /** The daemons' process ids before the window ran (they must be gone afterwards). */
    const oldDaemonPids: number[] = [];

    // The window, as the operator set it up.
    let windowId: string;
    let windowTargetId: string;
    let updateTaskId: string;
    let packageTaskId: string;
    let dueAt: number;

    /** `aws ssm …` against the server (admin key, JSON output, parsed). */
    const aws = <T = Record<string, unknown>>(args: readonly string[]) => awsSsm<T>(server, args);

    /** `mado …` (Mado's own CLI) signed with the admin key; fails the test on a non-zero exit. */
    const mado = (args: readonly string[]) => madoCli(server, scratch, args);

    /** The package's home on node `index`: its data directory, kept across versions. */
    const home = (index: number) => packageHome(fleet.agents[index]!.agent.stateDir);

    function daemonStatus(index: number): DaemonStatus | undefined {
      const file = join(home(index), 'status.json');
      return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DaemonStatus) : undefined;
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

    async function waitForCommand(commandId: string): Promise<{ Status: string }> {
      const listed = await eventually(
        () => aws<{ Commands: { Status: string }[] }>(['list-commands', '--command-id', commandId]),
        (page) => ['Success', 'Failed', 'TimedOut', 'Cancelled'].includes(page.Commands[0]?.Status ?? ''),
        { timeoutMs: 60_000, intervalMs: 250, what: `command ${commandId} to finish` },
      );
      return listed.Commands[0]!;
    }

    async function instances(): Promise<CliInstanceInformation[]> {
      const page = await aws<{ InstanceInformationList: CliInstanceInformation[] }>([
        'describe-instance-information',
        '--filters',
        `Key=InstanceIds,Values=${nodeIds.join(',')}`,
      ]);
      return page.InstanceInformationList;
    }

    beforeAll(async () => {
      buildAgentBundle(OLD, oldBundle);
      buildAgentBundle(NEW, newBundle);
      server = await startServerProcess({ env: { MADO_AGENT_HEARTBEAT_SECONDS: '1', ...backend.env() } });
      fleet = await startFleet(server, NODE_TAGS, { name: 'scenario', bundle: oldBundle });
      nodeIds = fleet.nodeIds;
    }, 120_000);

    afterAll(async () => {
      // The package's daemons run detached from the agents (setsid): stop those this test started
      // that are still running (checked by their command line, in case a process id was reused).
      if (fleet !== undefined) {
        for (const index of NODE_TAGS.keys()) {
          const pidFile = join(home(index), 'metrics-agent.pid');
          const pids = existsSync(pidFile) ? [Number(readFileSync(pidFile, 'utf8')), ...oldDaemonPids] : oldDaemonPids;
          for (const pid of pids) {
            const commandLine = commandLineOf(pid);
            if (commandLine?.includes('metrics-agent.mjs') && commandLine.includes(home(index))) {
              process.kill(pid, 'SIGKILL');
            }
          }
        }
      }
      await fleet?.dispose();
      await server?.dispose();
      await backend.cleanUp();
      rmSync(scratch, { recursive: true, force: true });
    });

    it('starts from the story’s state: old agent, old metrics agent with the operator’s configuration', async () => {
      // The server holds both agent releases and both package versions.
      expect(await mado(['releases', 'publish', oldBundle])).toContain(`Published: mado-agent ${OLD}`);
      expect(await mado(['releases', 'publish', newBundle])).toContain(`Published: mado-agent ${NEW} (latest)`);
      await mado(['packages', 'publish', PACKAGE, PACKAGE_OLD, join(EXAMPLE, PACKAGE_OLD)]);
      const archive = join(scratch, `${PACKAGE}-${PACKAGE_NEW}.tar.gz`);
      await execFileAsync('tar', ['-czf', archive, '-C', join(EXAMPLE, PACKAGE_NEW), '.']);
      expect(await mado(['packages', 'publish', PACKAGE, PACKAGE_NEW, archive])).toContain(
        `Published ${PACKAGE} ${PACKAGE_NEW}`,
      );

      // Every node runs the old agent, which is not the latest.
      const before = await eventually(
        () => instances(),
        (list) => list.length === 3 && list.every((node) => node.PingStatus === 'Online' && node.AgentVersion === OLD),
        { timeoutMs: 30_000, what: `three nodes Online at ${OLD}` },
      );
      expect(before.map((node) => node.IsLatestVersion)).toEqual([false, false, false]);

      // The old metrics agent was installed earlier (with the AWS CLI too).
      const installed = await aws<{ Command: { CommandId: string } }>([
        'send-command',
        '--document-name',
        'AWS-ConfigureAWSPackage',
        '--instance-ids',
        ...nodeIds,
        '--parameters',
        JSON.stringify({ action: ['Install'], name: [PACKAGE], version: [PACKAGE_OLD], additionalArguments: ['{}'] }),
        '--comment',
        `install ${PACKAGE} ${PACKAGE_OLD}`,
      ]);
      expect((await waitForCommand(installed.Command.CommandId)).Status).toBe('Success');
      for (const [index, nodeId] of nodeIds.entries()) {
        const status = daemonStatus(index);
        expect(status?.version).toBe(PACKAGE_OLD);
        expect(isRunning(status!.pid)).toBe(true);
        oldDaemonPids.push(status!.pid);
        // The operator tuned each node's configuration since.
        writeFileSync(join(home(index), 'metrics-agent.toml'), operatorConfig(NODE_TAGS[index]!.Name));
        const inventory = await eventually(
          () =>
            aws<CliInventory>(['list-inventory-entries', '--instance-id', nodeId, '--type-name', 'AWS:Application']),
          (page) => page.Entries[0]?.Version === PACKAGE_OLD,
          { what: `the inventory of ${nodeId} to show ${PACKAGE} ${PACKAGE_OLD}` },
        );
        expect(inventory.Entries).toEqual([expect.objectContaining({ Name: PACKAGE, Version: PACKAGE_OLD })]);
      }
    });

    it('sets up the window with the AWS CLI: schedule, target by instance ids, both tasks at priority 1', async () => {
      // The operator looks at the windows there are (none yet); how long that takes says how far
      // ahead the window must be due for the set-up to be done in time.
      const listedAt = Date.now();
      const existing = await aws<{ WindowIdentities: unknown[] }>(['describe-maintenance-windows']);
      expect(existing.WindowIdentities).toEqual([]);
      const cliCallMs = Date.now() - listedAt;

      // Step 1: the window. The schedule is an at() expression a few seconds ahead, in Tokyo time.
      const aheadMs = Math.max(DUE_AT_LEAST_MS, DUE_IN_CLI_CALLS * cliCallMs);
      dueAt = Math.ceil((Date.now() + aheadMs) / 1000) * 1000;
      const dueLocal = DateTime.fromMillis(dueAt, { zone: TIME_ZONE }).toFormat("yyyy-MM-dd'T'HH:mm:ss");
      const created = await aws<{ WindowId: string }>([
        'create-maintenance-window',
        '--name',
        'software-updates',
        '--description',
        'Update the management agent and the metrics agent',
        '--allow-unassociated-targets',
        '--schedule',
        `at(${dueLocal})`,
        '--schedule-timezone',
        TIME_ZONE,
        '--duration',
        '3',
        '--cutoff',
        '0',
      ]);
      windowId = created.WindowId;
      expect(windowId).toMatch(/^mw-[0-9a-f]{17}$/);

      // Step 2: the target, by instance id (as in the story).
      const target = await aws<{ WindowTargetId: string }>([
        'register-target-with-maintenance-window',
        '--window-id',
        windowId,
        '--resource-type',
        'INSTANCE',
        '--targets',
        `Key=InstanceIds,Values=${nodeIds.join(',')}`,
        '--owner-information',
        'platform team',
        '--name',
        'update-targets',
        '--description',
        'The servers whose agents are updated',
      ]);
      windowTargetId = target.WindowTargetId;

      /** Steps 3 and 4: a Run Command task at priority 1 with the story's options. */
      const registerTask = async (name: string, document: string, parameters: Record<string, string[]>) => {
        const registered = await aws<{ WindowTaskId: string }>([
          'register-task-with-maintenance-window',
          '--window-id',
          windowId,
          '--name',
          name,
          '--description',
          `${document}, priority 1`,
          '--task-type',
          'RUN_COMMAND',
          '--task-arn',
          document,
          '--priority',
          '1',
          '--targets',
          `Key=WindowTargetIds,Values=${windowTargetId}`,
          '--max-concurrency',
          MAX_CONCURRENCY,
          '--max-errors',
          MAX_ERRORS,
          // "New task invocation cutoff" on.
          '--cutoff-behavior',
          'CANCEL_TASK',
          '--alarm-configuration',
          JSON.stringify(ALARM),
          '--task-invocation-parameters',
          JSON.stringify({
            RunCommand: {
              Parameters: parameters,
              TimeoutSeconds: TIMEOUT_SECONDS,
              OutputS3BucketName: OUTPUT_S3_BUCKET,
              OutputS3KeyPrefix: OUTPUT_S3_PREFIX,
              NotificationConfig: NOTIFICATION,
            },
          }),
        ]);
        return registered.WindowTaskId;
      };
      [updateTaskId, packageTaskId] = await Promise.all([
        registerTask('update-ssm-agent', 'AWS-UpdateSSMAgent', UPDATE_PARAMETERS),
        registerTask('update-metrics-agent', 'AWS-ConfigureAWSPackage', PACKAGE_PARAMETERS),
      ]);
      // Everything was in place before the window was due.
      expect(
        dueAt - Date.now(),
        `the set-up took longer than the ${aheadMs} ms before the window was due`,
      ).toBeGreaterThan(500);

      const window = await aws<Record<string, unknown>>(['get-maintenance-window', '--window-id', windowId]);
      expect(window).toMatchObject({
        Name: 'software-updates',
        AllowUnassociatedTargets: true,
        Schedule: `at(${dueLocal})`,
        ScheduleTimezone: TIME_ZONE,
        Duration: 3,
        Cutoff: 0,
        Enabled: true,
        NextExecutionTime: `${dueLocal}+09:00`,
      });
      const tasks = await aws<{ Tasks: Record<string, unknown>[] }>([
        'describe-maintenance-window-tasks',
        '--window-id',
        windowId,
      ]);
      expect(tasks.Tasks.map((task) => task.WindowTaskId).sort()).toEqual([updateTaskId, packageTaskId].sort());
      for (const task of tasks.Tasks) {
        expect(task).toMatchObject({
          Type: 'RUN_COMMAND',
          Priority: 1,
          Targets: [{ Key: 'WindowTargetIds', Values: [windowTargetId] }],
          MaxConcurrency: MAX_CONCURRENCY,
          MaxErrors: MAX_ERRORS,
          CutoffBehavior: 'CANCEL_TASK',
          AlarmConfiguration: ALARM,
        });
        expect(task.ServiceRoleArn).toMatch(DEFAULT_SERVICE_ROLE);
      }
      for (const [windowTaskId, document, parameters] of [
        [updateTaskId, 'AWS-UpdateSSMAgent', UPDATE_PARAMETERS],
        [packageTaskId, 'AWS-ConfigureAWSPackage', PACKAGE_PARAMETERS],
      ] as const) {
        const task = await aws<Record<string, unknown>>([
          'get-maintenance-window-task',
          '--window-id',
          windowId,
          '--window-task-id',
          windowTaskId,
        ]);
        expect(task).toMatchObject({
          TaskArn: document,
          Priority: 1,
          TaskInvocationParameters: {
            RunCommand: {
              Parameters: parameters,
              TimeoutSeconds: TIMEOUT_SECONDS,
              OutputS3BucketName: OUTPUT_S3_BUCKET,
              OutputS3KeyPrefix: OUTPUT_S3_PREFIX,
              NotificationConfig: NOTIFICATION,
            },
          },
        });
      }
    });

    it('runs the window: both tasks in parallel, SUCCESS on every level of the history', async () => {
      // Step 5: wait for the execution, as an operator watching the History tab would.
      const executions = await eventually(
        () =>
          aws<{ WindowExecutions: CliWindowExecution[] }>([
            'describe-maintenance-window-executions',
            '--window-id',
            windowId,
          ]),
        (page) =>
          ['SUCCESS', 'FAILED', 'TIMED_OUT', 'CANCELLED', 'SKIPPED_OVERLAPPING'].includes(
            page.WindowExecutions[0]?.Status ?? '',
          ),
        { timeoutMs: 90_000, intervalMs: 500, what: `the execution of ${windowId} to end` },
      );
      expect(executions.WindowExecutions).toHaveLength(1);
      const summary = executions.WindowExecutions[0]!;
      expect(summary, JSON.stringify(summary)).toMatchObject({ WindowId: windowId, Status: 'SUCCESS' });
      const executionId = summary.WindowExecutionId;
      // Started when due (within a few seconds), in the window's first hours: no cutoff got in the way.
      expect(millis(summary.StartTime)).toBeGreaterThanOrEqual(dueAt);
      expect(millis(summary.StartTime) - dueAt).toBeLessThan(5_000);

      const execution = await aws<CliWindowExecution>([
        'get-maintenance-window-execution',
        '--window-execution-id',
        executionId,
      ]);
      expect(execution).toMatchObject({ WindowExecutionId: executionId, Status: 'SUCCESS' });
      expect(execution.TaskIds).toHaveLength(2);

      const identities = await aws<{ WindowExecutionTaskIdentities: { TaskExecutionId: string; Status: string }[] }>([
        'describe-maintenance-window-execution-tasks',
        '--window-execution-id',
        executionId,
      ]);
      expect(identities.WindowExecutionTaskIdentities.map((task) => task.Status)).toEqual(['SUCCESS', 'SUCCESS']);
      expect(identities.WindowExecutionTaskIdentities.map((task) => task.TaskExecutionId).sort()).toEqual(
        [...execution.TaskIds!].sort(),
      );

      const taskExecutions = await Promise.all(
        execution.TaskIds!.map((taskId) =>
          aws<CliTaskExecution>([
            'get-maintenance-window-execution-task',
            '--window-execution-id',
            executionId,
            '--task-id',
            taskId,
          ]),
        ),
      );
      const updateRun = taskExecutions.find((task) => task.TaskArn === 'AWS-UpdateSSMAgent');
      const packageRun = taskExecutions.find((task) => task.TaskArn === 'AWS-ConfigureAWSPackage');
      expect(updateRun, JSON.stringify(taskExecutions)).toBeDefined();
      expect(packageRun, JSON.stringify(taskExecutions)).toBeDefined();
      for (const task of [updateRun!, packageRun!]) {
        expect(task, JSON.stringify(task)).toMatchObject({
          WindowExecutionId: executionId,
          Type: 'RUN_COMMAND',
          Priority: 1,
          MaxConcurrency: MAX_CONCURRENCY,
          MaxErrors: MAX_ERRORS,
          Status: 'SUCCESS',
          AlarmConfiguration: ALARM,
        });
        expect(task.ServiceRole).toMatch(DEFAULT_SERVICE_ROLE);
        expect(task.TriggeredAlarms).toBeUndefined();
        expect(task.TaskParameters[0]!['aws:InstanceId']!.Values.sort()).toEqual([...nodeIds].sort());
      }
      expect(updateRun!.TaskParameters[0]).toMatchObject({
        version: { Values: [''] },
        allowDowngrade: { Values: ['false'] },
      });
      expect(packageRun!.TaskParameters[0]).toMatchObject({
        action: { Values: ['Install'] },
        installationType: { Values: ['Uninstall and reinstall'] },
        name: { Values: [PACKAGE] },
        version: { Values: [''] },
        additionalArguments: { Values: ['{}'] },
      });
      // Same priority: the two tasks ran in parallel (their executions overlap in time).
      const update = { start: millis(updateRun!.StartTime), end: millis(updateRun!.EndTime) };
      const pkg = { start: millis(packageRun!.StartTime), end: millis(packageRun!.EndTime) };
      expect(update.start, 'the agent update started before the package update ended').toBeLessThan(pkg.end);
      expect(pkg.start, 'the package update started before the agent update ended').toBeLessThan(update.end);
      expect(Math.abs(update.start - pkg.start), 'both tasks started together').toBeLessThan(2_000);

      // Every invocation, on every node, and its output.
      for (const task of [updateRun!, packageRun!]) {
        const listed = await aws<{ WindowExecutionTaskInvocationIdentities: CliTaskInvocation[] }>([
          'describe-maintenance-window-execution-task-invocations',
          '--window-execution-id',
          executionId,
          '--task-id',
          task.TaskExecutionId,
        ]);
        const invocations = listed.WindowExecutionTaskInvocationIdentities;
        expect(invocations).toHaveLength(3);
        const launchedOn: string[] = [];
        await Promise.all(
          invocations.map(async (invocation) => {
            expect(invocation, JSON.stringify(invocation)).toMatchObject({
              WindowExecutionId: executionId,
              TaskExecutionId: task.TaskExecutionId,
              TaskType: 'RUN_COMMAND',
              Status: 'SUCCESS',
              StatusDetails: 'Success',
              WindowTargetId: windowTargetId,
              OwnerInformation: 'platform team',
            });
            const launched = JSON.parse(invocation.Parameters) as Record<string, unknown> & { instanceIds: string[] };
            expect(launched).toMatchObject({
              documentName: task.TaskArn,
              parameters: task.TaskArn === 'AWS-UpdateSSMAgent' ? UPDATE_PARAMETERS : PACKAGE_PARAMETERS,
              timeoutSeconds: TIMEOUT_SECONDS,
              maxConcurrency: MAX_CONCURRENCY,
              maxErrors: MAX_ERRORS,
              outputS3BucketName: OUTPUT_S3_BUCKET,
              outputS3KeyPrefix: OUTPUT_S3_PREFIX,
              notificationConfig: NOTIFICATION,
            });
            expect(launched.instanceIds).toHaveLength(1);
            const nodeId = launched.instanceIds[0]!;
            launchedOn.push(nodeId);

            const one = await aws<{ InvocationId: string; ExecutionId: string; Status: string }>([
              'get-maintenance-window-execution-task-invocation',
              '--window-execution-id',
              executionId,
              '--task-id',
              task.TaskExecutionId,
              '--invocation-id',
              invocation.InvocationId,
            ]);
            expect(one).toMatchObject({ ExecutionId: invocation.ExecutionId, Status: 'SUCCESS' });

            const output = await aws<CliCommandInvocation>([
              'get-command-invocation',
              '--command-id',
              invocation.ExecutionId,
              '--instance-id',
              nodeId,
            ]);
            const context = `${task.TaskArn} on ${nodeId}:\n${output.StandardOutputContent}\n${output.StandardErrorContent}`;
            expect(output.Status, context).toBe('Success');
            expect(output.StatusDetails, context).toBe('Success');
            expect(output.ResponseCode, context).toBe(0);
            expect(output.DocumentName).toBe(task.TaskArn);
            const text = output.StandardOutputContent;
            if (task.TaskArn === 'AWS-UpdateSSMAgent') {
              expect(text, context).toContain(`Updating mado-agent from ${OLD} to latest`);
              expect(text, context).toContain(`The latest mado-agent release on the server is ${NEW}`);
              expect(text, context).toContain(`mado-agent updated successfully to ${NEW} (was ${OLD})`);
            } else {
              const uninstall = text.indexOf(`--- uninstall.sh (uninstall of ${PACKAGE} ${PACKAGE_OLD}) ---`);
              const install = text.indexOf(`--- install.sh (install of ${PACKAGE} ${PACKAGE_NEW}) ---`);
              expect(uninstall, context).toBeGreaterThan(-1);
              expect(install, context).toBeGreaterThan(uninstall);
              expect(text, context).toContain('keeping the existing configuration');
              expect(text, context).toContain(`${PACKAGE} ${PACKAGE_NEW} is installed (was ${PACKAGE_OLD}).`);
            }
          }),
        );
        expect(launchedOn.sort()).toEqual([...nodeIds].sort());
      }

      // The update restarted the agents through their supervisors, not as crashes.
      for (const agent of fleet.agents) {
        expect(agent.output()).not.toContain('reporting it Failed without running it again');
      }
    });

    it('leaves every node on the new agent version (describe-instance-information)', async () => {
      const after = await eventually(
        () => instances(),
        (list) => list.length === 3 && list.every((node) => node.PingStatus === 'Online' && node.AgentVersion === NEW),
        { timeoutMs: 30_000, what: `three nodes Online at ${NEW}` },
      );
      for (const node of after) {
        expect(node).toMatchObject({ PingStatus: 'Online', AgentVersion: NEW, IsLatestVersion: true });
      }
      // Each supervisor now starts the worker from the new release's bundle.
      for (const agent of fleet.agents) {
        const current = JSON.parse(readFileSync(join(agent.agent.stateDir, 'releases', 'current.json'), 'utf8')) as {
          version: string;
          path: string;
        };
        expect(current.version).toBe(NEW);
        expect(readFileSync(current.path).equals(readFileSync(newBundle))).toBe(true);
      }
    });

    it('shows the new package version in the inventory (list-inventory-entries AWS:Application)', async () => {
      for (const nodeId of nodeIds) {
        const inventory = await eventually(
          () =>
            aws<CliInventory>(['list-inventory-entries', '--instance-id', nodeId, '--type-name', 'AWS:Application']),
          (page) => page.Entries[0]?.Version === PACKAGE_NEW,
          { timeoutMs: 15_000, what: `the inventory of ${nodeId} to show ${PACKAGE} ${PACKAGE_NEW}` },
        );
        expect(inventory).toMatchObject({ TypeName: 'AWS:Application', InstanceId: nodeId });
        expect(inventory.Entries).toEqual([
          expect.objectContaining({ Name: PACKAGE, Version: PACKAGE_NEW, PackageId: `${PACKAGE}-${PACKAGE_NEW}` }),
        ]);
      }
    });

    it('runs the new metrics agent on every node, on the operator’s unchanged configuration', () => {
      for (const [index, tags] of NODE_TAGS.entries()) {
        const configFile = join(home(index), 'metrics-agent.toml');
        const expected = operatorConfig(tags.Name);
        expect(readFileSync(configFile, 'utf8')).toBe(expected);
        const status = daemonStatus(index);
        expect(status, `status.json on ${tags.Name}`).toMatchObject({
          version: PACKAGE_NEW,
          configFile,
          configSha256: sha256(expected),
          config: {
            agent: {
              interval: '60s',
              flush_interval: '1s',
              hostname: tags.Name,
              debug: false,
              metric_batch_size: 1000,
            },
            inputs: { statsd: { service_address: ':8125', parse_data_dog_tags: true } },
            outputs: { cloudwatch: { region: 'ap-northeast-1', namespace: 'CWAgent' } },
          },
        });
        expect(isRunning(status!.pid), `the ${PACKAGE_NEW} daemon runs on ${tags.Name}`).toBe(true);
        expect(isRunning(oldDaemonPids[index]!), `the ${PACKAGE_OLD} daemon stopped on ${tags.Name}`).toBe(false);
      }
    });
  },
);
