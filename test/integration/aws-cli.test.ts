/**
 * The user story (SCENARIO.md: agent updates in a weekly window) driven end to end through
 * Debian's unmodified AWS CLI v2 (`/usr/bin/aws`, always by that path: another `aws`, v1, may
 * come first on PATH) against the real server process, plus the CLI's automatic pagination and
 * the errors it shows. The CLI is a separate program with its own model of SSM: its parameter parsing,
 * client-side validation, paginator and error rendering are what users of Mado actually see.
 *
 * The tests in the story block build on each other in order (create, register, read, update,
 * deregister, delete), as the operator in the story does.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateMaintenanceWindowCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsSsm, runAwsSsm, type AwsCliOptions } from '../support/aws-cli.js';
import { ADMIN, startServerProcess, type ServerProcess } from '../support/server-process.js';

/** The CLI's exit code for an error returned by the service. */
const SERVICE_ERROR_EXIT = 254;
/** The CLI's exit code for a request it refuses to send (client-side parameter validation). */
const CLIENT_ERROR_EXIT = 252;

const INSTANCE_0 = 'mi-0123456789abcdef0';
const INSTANCE_1 = 'mi-0123456789abcdef1';
const SERVICE_ROLE = 'arn:aws:iam::123456789012:role/MadoMaintenanceWindowRole';
const DEFAULT_SERVICE_ROLE =
  'arn:aws:iam::123456789012:role/aws-service-role/ssm.amazonaws.com/AWSServiceRoleForAmazonSSM';

/** Step 3: AWS-UpdateSSMAgent with every option the story turns on. */
const UPDATE_AGENT_INVOCATION = {
  RunCommand: {
    Comment: 'Update the management agent to the latest version',
    Parameters: { version: [''], allowDowngrade: ['false'] },
    TimeoutSeconds: 600,
    OutputS3BucketName: 'mado-command-output',
    OutputS3KeyPrefix: 'agent-updates/',
    NotificationConfig: {
      NotificationArn: 'arn:aws:sns:us-east-1:123456789012:mado-agent-updates',
      NotificationEvents: ['All'],
      NotificationType: 'Command',
    },
  },
};

/** Step 4: AWS-ConfigureAWSPackage reinstalling the metrics agent. */
const CONFIGURE_PACKAGE_INVOCATION = {
  RunCommand: {
    Parameters: {
      action: ['Install'],
      installationType: ['Uninstall and reinstall'],
      name: ['AmazonCloudWatchAgent'],
      version: [''],
      additionalArguments: ['{}'],
    },
    TimeoutSeconds: 600,
  },
};

const ALARM_CONFIGURATION = { IgnorePollAlarmFailure: false, Alarms: [{ Name: 'mado-agent-update-failed' }] };
const LOGGING_INFO = { S3BucketName: 'mado-task-logs', S3KeyPrefix: 'maintenance/', S3Region: 'us-east-1' };

interface CliFailure {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

interface Tag {
  readonly Key: string;
  readonly Value: string;
}

interface WindowIdentity {
  readonly WindowId: string;
  readonly Name: string;
}

interface Page {
  readonly WindowIdentities: WindowIdentity[];
  readonly NextToken?: string;
}

let server: ServerProcess;
let scratch: string;

beforeAll(async () => {
  server = await startServerProcess();
  scratch = mkdtempSync(join(tmpdir(), 'mado-aws-cli-'));
});

afterAll(async () => {
  await server?.dispose();
  if (scratch !== undefined) {
    rmSync(scratch, { recursive: true, force: true });
  }
});

type RunOptions = AwsCliOptions;

function runAws(args: readonly string[], options: RunOptions) {
  return runAwsSsm(server.url, args, { home: scratch, ...options });
}

/** Runs `aws ssm <args>` and parses its JSON output; an empty output (no response fields) is `{}`. */
async function aws<T = Record<string, unknown>>(args: readonly string[], options: RunOptions = {}): Promise<T> {
  return awsSsm<T>(server.url, args, { home: scratch, ...options });
}

function isExecFailure(error: unknown): error is Error & { code: unknown; stdout: string; stderr: string } {
  return error instanceof Error && 'stdout' in error && 'stderr' in error;
}

/** Runs `aws ssm <args>`, which must fail, and returns its exit code and output. */
async function awsFailure(args: readonly string[], options: RunOptions = {}): Promise<CliFailure> {
  try {
    const { stdout } = await runAws(args, options);
    throw new Error(`expected aws ssm ${args.join(' ')} to fail, but it printed:\n${stdout}`);
  } catch (error) {
    if (!isExecFailure(error) || typeof error.code !== 'number') {
      throw error;
    }
    return { exitCode: error.code, stdout: error.stdout, stderr: error.stderr };
  }
}

function expectServiceError(failure: CliFailure, errorName: string): void {
  expect(failure.exitCode, failure.stderr).toBe(SERVICE_ERROR_EXIT);
  expect(failure.stderr).toContain(`An error occurred (${errorName})`);
}

const byKey = (tags: readonly Tag[]) => [...tags].sort((a, b) => a.Key.localeCompare(b.Key));

/** A CLI timestamp ("2026-11-25T21:32:39.701000+00:00") taken between `from` and now. */
function expectRecent(value: unknown, from: number): void {
  expect(typeof value).toBe('string');
  const time = Date.parse(value as string);
  expect(time).toBeGreaterThanOrEqual(Math.floor(from / 1000) * 1000);
  expect(time).toBeLessThanOrEqual(Date.now());
}

const HOUR = 3600_000;
const WEEK = 7 * 24 * HOUR;

/** Asserts `times` are consecutive Sundays at 02:00 in Tokyo (+09:00), the first within a week of `from`. */
function expectSundaysAt2InTokyo(times: readonly string[], from: number): void {
  for (const time of times) {
    expect(time).toMatch(/^\d{4}-\d{2}-\d{2}T02:00:00\+09:00$/);
    // The weekday in Tokyo is the UTC weekday of the instant moved by +9 h.
    expect(new Date(Date.parse(time) + 9 * HOUR).getUTCDay()).toBe(0);
  }
  const first = Date.parse(times[0]!);
  expect(first).toBeGreaterThan(from);
  expect(first).toBeLessThanOrEqual(from + WEEK);
  for (let i = 1; i < times.length; i++) {
    expect(Date.parse(times[i]!) - Date.parse(times[i - 1]!)).toBe(WEEK);
  }
}

describe('the maintenance window story through the AWS CLI', () => {
  const started = Date.now();
  let windowId = '';
  let instancesTargetId = '';
  let webTargetId = '';
  let updateAgentTaskId = '';
  let configurePackageTaskId = '';

  it('creates the agent-updates window with a Tokyo cron schedule and tags', async () => {
    const created = await aws<{ WindowId: string }>([
      'create-maintenance-window',
      '--name',
      'story-agent-updates',
      '--description',
      'Monthly agent updates (management agent and metrics agent)',
      '--allow-unassociated-targets',
      '--schedule',
      'cron(0 2 ? * SUN *)',
      '--schedule-timezone',
      'Asia/Tokyo',
      '--duration',
      '3',
      '--cutoff',
      '0',
      '--tags',
      'Key=Team,Value=platform',
      'Key=Purpose,Value=agent-updates',
    ]);
    expect(created.WindowId).toMatch(/^mw-[0-9a-f]{17}$/);
    windowId = created.WindowId;
  });

  it('registers the story servers by instance id and the web servers by tag', async () => {
    const [byInstance, byTag] = await Promise.all([
      aws<{ WindowTargetId: string }>([
        'register-target-with-maintenance-window',
        '--window-id',
        windowId,
        '--resource-type',
        'INSTANCE',
        '--targets',
        `Key=InstanceIds,Values=${INSTANCE_0},${INSTANCE_1}`,
        '--owner-information',
        'windows-fleet',
        '--name',
        'story-servers',
        '--description',
        'The Windows servers of the story',
      ]),
      aws<{ WindowTargetId: string }>([
        'register-target-with-maintenance-window',
        '--window-id',
        windowId,
        '--resource-type',
        'INSTANCE',
        '--targets',
        'Key=tag:Role,Values=web',
        '--name',
        'web-servers',
      ]),
    ]);
    expect(byInstance.WindowTargetId).toMatch(/^[0-9a-f-]{36}$/);
    expect(byTag.WindowTargetId).toMatch(/^[0-9a-f-]{36}$/);
    expect(byTag.WindowTargetId).not.toBe(byInstance.WindowTargetId);
    instancesTargetId = byInstance.WindowTargetId;
    webTargetId = byTag.WindowTargetId;
  });

  it('registers AWS-UpdateSSMAgent at priority 1 with rate control, cutoff behaviour, role, output, notifications, alarm and logging', async () => {
    const registered = await aws<{ WindowTaskId: string }>([
      'register-task-with-maintenance-window',
      '--window-id',
      windowId,
      '--task-type',
      'RUN_COMMAND',
      '--task-arn',
      'AWS-UpdateSSMAgent',
      '--targets',
      `Key=WindowTargetIds,Values=${instancesTargetId}`,
      '--priority',
      '1',
      '--max-concurrency',
      '50%',
      '--max-errors',
      '1',
      '--name',
      'update-ssm-agent',
      '--description',
      'Update the management agent',
      '--cutoff-behavior',
      'CANCEL_TASK',
      '--service-role-arn',
      SERVICE_ROLE,
      '--task-invocation-parameters',
      JSON.stringify(UPDATE_AGENT_INVOCATION),
      '--alarm-configuration',
      'IgnorePollAlarmFailure=false,Alarms=[{Name=mado-agent-update-failed}]',
      '--logging-info',
      'S3BucketName=mado-task-logs,S3KeyPrefix=maintenance/,S3Region=us-east-1',
    ]);
    expect(registered.WindowTaskId).toMatch(/^[0-9a-f-]{36}$/);
    updateAgentTaskId = registered.WindowTaskId;
  });

  it('registers AWS-ConfigureAWSPackage at the same priority to reinstall the metrics agent', async () => {
    const registered = await aws<{ WindowTaskId: string }>([
      'register-task-with-maintenance-window',
      '--window-id',
      windowId,
      '--task-type',
      'RUN_COMMAND',
      '--task-arn',
      'AWS-ConfigureAWSPackage',
      '--targets',
      `Key=WindowTargetIds,Values=${instancesTargetId}`,
      '--priority',
      '1',
      '--max-concurrency',
      '1',
      '--max-errors',
      '0',
      '--name',
      'reinstall-cloudwatch-agent',
      '--task-invocation-parameters',
      JSON.stringify(CONFIGURE_PACKAGE_INVOCATION),
    ]);
    expect(registered.WindowTaskId).toMatch(/^[0-9a-f-]{36}$/);
    expect(registered.WindowTaskId).not.toBe(updateAgentTaskId);
    configurePackageTaskId = registered.WindowTaskId;
  });

  // Pure reads: they run at the same time (each CLI call is a separate Python process).
  describe.concurrent('reading the window back', () => {
    it('returns every window setting unchanged from get-maintenance-window', async () => {
      const window = await aws(['get-maintenance-window', '--window-id', windowId]);
      expect(window).toEqual({
        WindowId: windowId,
        Name: 'story-agent-updates',
        Description: 'Monthly agent updates (management agent and metrics agent)',
        Schedule: 'cron(0 2 ? * SUN *)',
        ScheduleTimezone: 'Asia/Tokyo',
        NextExecutionTime: expect.any(String),
        Duration: 3,
        Cutoff: 0,
        AllowUnassociatedTargets: true,
        Enabled: true,
        CreatedDate: expect.any(String),
        ModifiedDate: expect.any(String),
      });
      expectSundaysAt2InTokyo([window.NextExecutionTime as string], started);
      expectRecent(window.CreatedDate, started);
      expect(window.ModifiedDate).toBe(window.CreatedDate);
    });

    it('lists the window in describe-maintenance-windows filtered by name prefix', async () => {
      const page = await aws(['describe-maintenance-windows', '--filters', 'Key=Name,Values=story-']);
      expect(page).toEqual({
        WindowIdentities: [
          {
            WindowId: windowId,
            Name: 'story-agent-updates',
            Description: 'Monthly agent updates (management agent and metrics agent)',
            Enabled: true,
            Duration: 3,
            Cutoff: 0,
            Schedule: 'cron(0 2 ? * SUN *)',
            ScheduleTimezone: 'Asia/Tokyo',
            NextExecutionTime: expect.stringMatching(/T02:00:00\+09:00$/),
          },
        ],
      });
    });

    it('returns both targets with their selectors, owner information, names and descriptions', async () => {
      const { Targets } = await aws<{ Targets: { WindowTargetId: string }[] }>([
        'describe-maintenance-window-targets',
        '--window-id',
        windowId,
      ]);
      const sorted = [...Targets].sort((a, b) =>
        a.WindowTargetId === instancesTargetId ? -1 : b.WindowTargetId === instancesTargetId ? 1 : 0,
      );
      expect(sorted).toEqual([
        {
          WindowId: windowId,
          WindowTargetId: instancesTargetId,
          ResourceType: 'INSTANCE',
          Targets: [{ Key: 'InstanceIds', Values: [INSTANCE_0, INSTANCE_1] }],
          OwnerInformation: 'windows-fleet',
          Name: 'story-servers',
          Description: 'The Windows servers of the story',
        },
        {
          WindowId: windowId,
          WindowTargetId: webTargetId,
          ResourceType: 'INSTANCE',
          Targets: [{ Key: 'tag:Role', Values: ['web'] }],
          Name: 'web-servers',
        },
      ]);
    });

    it('returns both tasks from describe-maintenance-window-tasks with their options', async () => {
      const { Tasks } = await aws<{ Tasks: { WindowTaskId: string }[] }>([
        'describe-maintenance-window-tasks',
        '--window-id',
        windowId,
      ]);
      const sorted = [...Tasks].sort((a, b) =>
        a.WindowTaskId === updateAgentTaskId ? -1 : b.WindowTaskId === updateAgentTaskId ? 1 : 0,
      );
      expect(sorted).toEqual([
        {
          WindowId: windowId,
          WindowTaskId: updateAgentTaskId,
          TaskArn: 'AWS-UpdateSSMAgent',
          Type: 'RUN_COMMAND',
          Targets: [{ Key: 'WindowTargetIds', Values: [instancesTargetId] }],
          TaskParameters: {},
          Priority: 1,
          LoggingInfo: LOGGING_INFO,
          ServiceRoleArn: SERVICE_ROLE,
          MaxConcurrency: '50%',
          MaxErrors: '1',
          Name: 'update-ssm-agent',
          Description: 'Update the management agent',
          CutoffBehavior: 'CANCEL_TASK',
          AlarmConfiguration: ALARM_CONFIGURATION,
        },
        {
          WindowId: windowId,
          WindowTaskId: configurePackageTaskId,
          TaskArn: 'AWS-ConfigureAWSPackage',
          Type: 'RUN_COMMAND',
          Targets: [{ Key: 'WindowTargetIds', Values: [instancesTargetId] }],
          TaskParameters: {},
          Priority: 1,
          ServiceRoleArn: DEFAULT_SERVICE_ROLE,
          MaxConcurrency: '1',
          MaxErrors: '0',
          Name: 'reinstall-cloudwatch-agent',
        },
      ]);
    });

    it('returns the agent update task with its invocation parameters exactly as registered', async () => {
      const task = await aws([
        'get-maintenance-window-task',
        '--window-id',
        windowId,
        '--window-task-id',
        updateAgentTaskId,
      ]);
      expect(task).toEqual({
        WindowId: windowId,
        WindowTaskId: updateAgentTaskId,
        Targets: [{ Key: 'WindowTargetIds', Values: [instancesTargetId] }],
        TaskArn: 'AWS-UpdateSSMAgent',
        ServiceRoleArn: SERVICE_ROLE,
        TaskType: 'RUN_COMMAND',
        TaskParameters: {},
        TaskInvocationParameters: UPDATE_AGENT_INVOCATION,
        Priority: 1,
        MaxConcurrency: '50%',
        MaxErrors: '1',
        LoggingInfo: LOGGING_INFO,
        Name: 'update-ssm-agent',
        Description: 'Update the management agent',
        CutoffBehavior: 'CANCEL_TASK',
        AlarmConfiguration: ALARM_CONFIGURATION,
      });
    });

    it('returns the package task with blank version and literal {} arguments preserved', async () => {
      const task = await aws([
        'get-maintenance-window-task',
        '--window-id',
        windowId,
        '--window-task-id',
        configurePackageTaskId,
      ]);
      expect(task).toEqual({
        WindowId: windowId,
        WindowTaskId: configurePackageTaskId,
        Targets: [{ Key: 'WindowTargetIds', Values: [instancesTargetId] }],
        TaskArn: 'AWS-ConfigureAWSPackage',
        ServiceRoleArn: DEFAULT_SERVICE_ROLE,
        TaskType: 'RUN_COMMAND',
        TaskParameters: {},
        TaskInvocationParameters: CONFIGURE_PACKAGE_INVOCATION,
        Priority: 1,
        MaxConcurrency: '1',
        MaxErrors: '0',
        Name: 'reinstall-cloudwatch-agent',
      });
    });

    it('predicts the next five runs as consecutive Sundays at 02:00 Tokyo time', async () => {
      const before = Date.now();
      const [schedule, window] = await Promise.all([
        aws<{ ScheduledWindowExecutions: { WindowId: string; Name: string; ExecutionTime: string }[] }>([
          'describe-maintenance-window-schedule',
          '--window-id',
          windowId,
          '--max-results',
          '5',
        ]),
        aws(['get-maintenance-window', '--window-id', windowId]),
      ]);
      const executions = schedule.ScheduledWindowExecutions;
      expect(executions).toHaveLength(5);
      for (const execution of executions) {
        expect(execution).toEqual({
          WindowId: windowId,
          Name: 'story-agent-updates',
          ExecutionTime: expect.any(String),
        });
      }
      expectSundaysAt2InTokyo(
        executions.map((execution) => execution.ExecutionTime),
        Math.min(before, started),
      );
      expect(executions[0]!.ExecutionTime).toBe(window.NextExecutionTime);
    });

    it('finds the window for an instance registered by id', async () => {
      const found = await aws([
        'describe-maintenance-windows-for-target',
        '--targets',
        `Key=InstanceIds,Values=${INSTANCE_0}`,
        '--resource-type',
        'INSTANCE',
      ]);
      expect(found).toEqual({ WindowIdentities: [{ WindowId: windowId, Name: 'story-agent-updates' }] });
    });
  });

  it('changes only the given fields on a partial update-maintenance-window', async () => {
    const updated = await aws([
      'update-maintenance-window',
      '--window-id',
      windowId,
      '--description',
      'Weekly agent updates',
      '--duration',
      '4',
      '--cutoff',
      '1',
    ]);
    const expected = {
      WindowId: windowId,
      Name: 'story-agent-updates',
      Description: 'Weekly agent updates',
      Schedule: 'cron(0 2 ? * SUN *)',
      ScheduleTimezone: 'Asia/Tokyo',
      Duration: 4,
      Cutoff: 1,
      AllowUnassociatedTargets: true,
      Enabled: true,
    };
    expect(updated).toEqual(expected);
    const window = await aws(['get-maintenance-window', '--window-id', windowId]);
    expect(window).toEqual({
      ...expected,
      NextExecutionTime: expect.stringMatching(/T02:00:00\+09:00$/),
      CreatedDate: expect.any(String),
      ModifiedDate: expect.any(String),
    });
    expect(Date.parse(window.ModifiedDate as string)).toBeGreaterThanOrEqual(Date.parse(window.CreatedDate as string));
  });

  it('clears every optional field that a --replace update leaves out', async () => {
    const updated = await aws([
      'update-maintenance-window',
      '--window-id',
      windowId,
      '--replace',
      '--name',
      'story-agent-updates-saturday',
      '--schedule',
      'cron(30 3 ? * SAT *)',
      '--duration',
      '2',
      '--cutoff',
      '0',
      '--no-allow-unassociated-targets',
      '--no-enabled',
    ]);
    const expected = {
      WindowId: windowId,
      Name: 'story-agent-updates-saturday',
      Schedule: 'cron(30 3 ? * SAT *)',
      Duration: 2,
      Cutoff: 0,
      AllowUnassociatedTargets: false,
      Enabled: false,
    };
    expect(updated).toEqual(expected);
    const window = await aws(['get-maintenance-window', '--window-id', windowId]);
    // No Description, no ScheduleTimezone; a disabled window has no next execution.
    expect(window).toEqual({ ...expected, CreatedDate: expect.any(String), ModifiedDate: expect.any(String) });
  });

  it('updates a task partially and keeps its other settings', async () => {
    const updated = await aws([
      'update-maintenance-window-task',
      '--window-id',
      windowId,
      '--window-task-id',
      updateAgentTaskId,
      '--priority',
      '2',
      '--max-concurrency',
      '2',
      '--max-errors',
      '0',
      '--description',
      'Update the management agent, two servers at a time',
    ]);
    const expected = {
      WindowId: windowId,
      WindowTaskId: updateAgentTaskId,
      Targets: [{ Key: 'WindowTargetIds', Values: [instancesTargetId] }],
      TaskArn: 'AWS-UpdateSSMAgent',
      ServiceRoleArn: SERVICE_ROLE,
      TaskParameters: {},
      TaskInvocationParameters: UPDATE_AGENT_INVOCATION,
      Priority: 2,
      MaxConcurrency: '2',
      MaxErrors: '0',
      LoggingInfo: LOGGING_INFO,
      Name: 'update-ssm-agent',
      Description: 'Update the management agent, two servers at a time',
      CutoffBehavior: 'CANCEL_TASK',
      AlarmConfiguration: ALARM_CONFIGURATION,
    };
    expect(updated).toEqual(expected);
    const task = await aws([
      'get-maintenance-window-task',
      '--window-id',
      windowId,
      '--window-task-id',
      updateAgentTaskId,
    ]);
    expect(task).toEqual({ ...expected, TaskType: 'RUN_COMMAND' });
  });

  it('updates a target selector, name and owner information', async () => {
    const updated = await aws([
      'update-maintenance-window-target',
      '--window-id',
      windowId,
      '--window-target-id',
      webTargetId,
      '--targets',
      'Key=tag:Role,Values=web,api',
      '--name',
      'web-and-api-servers',
      '--owner-information',
      'platform-team',
    ]);
    const expected = {
      WindowId: windowId,
      WindowTargetId: webTargetId,
      Targets: [{ Key: 'tag:Role', Values: ['web', 'api'] }],
      OwnerInformation: 'platform-team',
      Name: 'web-and-api-servers',
    };
    expect(updated).toEqual(expected);
    const { Targets } = await aws<{ Targets: unknown[] }>([
      'describe-maintenance-window-targets',
      '--window-id',
      windowId,
      '--filters',
      `Key=WindowTargetId,Values=${webTargetId}`,
    ]);
    expect(Targets).toEqual([{ ...expected, ResourceType: 'INSTANCE' }]);
  });

  it('adds, overwrites, lists and removes window tags', async () => {
    const list = async () =>
      byKey(
        (
          await aws<{ TagList: Tag[] }>([
            'list-tags-for-resource',
            '--resource-type',
            'MaintenanceWindow',
            '--resource-id',
            windowId,
          ])
        ).TagList,
      );
    expect(await list()).toEqual([
      { Key: 'Purpose', Value: 'agent-updates' },
      { Key: 'Team', Value: 'platform' },
    ]);

    const added = await aws([
      'add-tags-to-resource',
      '--resource-type',
      'MaintenanceWindow',
      '--resource-id',
      windowId,
      '--tags',
      'Key=Team,Value=sre',
      'Key=Environment,Value=production',
    ]);
    expect(added).toEqual({});
    expect(await list()).toEqual([
      { Key: 'Environment', Value: 'production' },
      { Key: 'Purpose', Value: 'agent-updates' },
      { Key: 'Team', Value: 'sre' },
    ]);

    const removed = await aws([
      'remove-tags-from-resource',
      '--resource-type',
      'MaintenanceWindow',
      '--resource-id',
      windowId,
      '--tag-keys',
      'Purpose',
      'Team',
    ]);
    expect(removed).toEqual({});
    expect(await list()).toEqual([{ Key: 'Environment', Value: 'production' }]);
  });

  it('refuses a safe deregistration of a target that a task still uses', async () => {
    const failure = await awsFailure([
      'deregister-target-from-maintenance-window',
      '--window-id',
      windowId,
      '--window-target-id',
      instancesTargetId,
      '--safe',
    ]);
    expectServiceError(failure, 'TargetInUseException');
    const { Targets } = await aws<{ Targets: unknown[] }>([
      'describe-maintenance-window-targets',
      '--window-id',
      windowId,
    ]);
    expect(Targets).toHaveLength(2);
  });

  it('deregisters an unused target safely', async () => {
    const result = await aws([
      'deregister-target-from-maintenance-window',
      '--window-id',
      windowId,
      '--window-target-id',
      webTargetId,
      '--safe',
    ]);
    expect(result).toEqual({ WindowId: windowId, WindowTargetId: webTargetId });
  });

  it('deregisters both tasks, then the target they used', async () => {
    const taskIds = [updateAgentTaskId, configurePackageTaskId];
    const results = await Promise.all(
      taskIds.map((taskId) =>
        aws(['deregister-task-from-maintenance-window', '--window-id', windowId, '--window-task-id', taskId]),
      ),
    );
    expect(results).toEqual(taskIds.map((taskId) => ({ WindowId: windowId, WindowTaskId: taskId })));
    const [tasks, result] = await Promise.all([
      aws(['describe-maintenance-window-tasks', '--window-id', windowId]),
      aws([
        'deregister-target-from-maintenance-window',
        '--window-id',
        windowId,
        '--window-target-id',
        instancesTargetId,
        '--safe',
      ]),
    ]);
    expect(tasks).toEqual({ Tasks: [] });
    expect(result).toEqual({ WindowId: windowId, WindowTargetId: instancesTargetId });
    expect(await aws(['describe-maintenance-window-targets', '--window-id', windowId])).toEqual({ Targets: [] });
  });

  it('deletes the window, after which it does not exist', async () => {
    expect(await aws(['delete-maintenance-window', '--window-id', windowId])).toEqual({ WindowId: windowId });
    const [gone, listed] = await Promise.all([
      awsFailure(['get-maintenance-window', '--window-id', windowId]),
      aws(['describe-maintenance-windows', '--filters', 'Key=Name,Values=story-']),
    ]);
    expectServiceError(gone, 'DoesNotExistException');
    expect(listed).toEqual({ WindowIdentities: [] });
  });
});

describe.concurrent('automatic pagination of the AWS CLI', () => {
  const PREFIX = 'pager-';
  const names = Array.from({ length: 25 }, (_, i) => `${PREFIX}${String(i + 1).padStart(2, '0')}`);

  beforeAll(async () => {
    // Setup only: the SDK creates the windows quickly; the CLI is what is under test below.
    const client = server.client();
    try {
      for (const name of names) {
        await client.send(
          new CreateMaintenanceWindowCommand({
            Name: name,
            Schedule: 'rate(1 day)',
            Duration: 1,
            Cutoff: 0,
            AllowUnassociatedTargets: true,
          }),
        );
      }
    } finally {
      client.destroy();
    }
  });

  const filter = ['--filters', `Key=Name,Values=${PREFIX}`];

  it('returns one server page of ten with a NextToken when asked for --max-results 10', async () => {
    const page = await aws<Page>(['describe-maintenance-windows', ...filter, '--max-results', '10']);
    expect(page.WindowIdentities).toHaveLength(10);
    expect(page.NextToken).toEqual(expect.any(String));
  });

  it('follows NextToken across pages of ten to return all 25 windows with --page-size 10', async () => {
    const page = await aws<Page>(['describe-maintenance-windows', ...filter, '--page-size', '10']);
    expect(page.NextToken).toBeUndefined();
    expect(page.WindowIdentities.map((window) => window.Name).sort()).toEqual(names);
  });

  it('returns 7 windows and a token that --starting-token resumes from, until all 25 are seen once', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let calls = 0;
    do {
      const page: Page = await aws<Page>([
        'describe-maintenance-windows',
        ...filter,
        '--max-items',
        '7',
        ...(token === undefined ? [] : ['--starting-token', token]),
      ]);
      calls++;
      if (calls < 4) {
        expect(page.WindowIdentities).toHaveLength(7);
        expect(page.NextToken).toEqual(expect.any(String));
      }
      seen.push(...page.WindowIdentities.map((window) => window.Name));
      token = page.NextToken;
    } while (token !== undefined && calls < 10);
    expect(calls).toBe(4);
    expect(seen).toHaveLength(25);
    expect([...seen].sort()).toEqual(names);
  });
});

describe.concurrent('errors shown by the AWS CLI', () => {
  it('exits with ValidationException when the cutoff is not shorter than the duration', async () => {
    const failure = await awsFailure([
      'create-maintenance-window',
      '--name',
      'cutoff-too-long',
      '--schedule',
      'cron(0 2 ? * SUN *)',
      '--duration',
      '3',
      '--cutoff',
      '3',
      '--allow-unassociated-targets',
    ]);
    expectServiceError(failure, 'ValidationException');
    expect(failure.stderr).toContain('CreateMaintenanceWindow operation');
  });

  it('exits with DoesNotExistException for an unknown window id', async () => {
    const failure = await awsFailure(['get-maintenance-window', '--window-id', 'mw-0123456789abcdef0']);
    expectServiceError(failure, 'DoesNotExistException');
    expect(failure.stderr).toContain('mw-0123456789abcdef0');
  });

  it('exits with InvalidSignatureException when the secret is wrong', async () => {
    const failure = await awsFailure(['describe-maintenance-windows'], {
      credentials: { accessKeyId: ADMIN.accessKeyId, secretAccessKey: `${ADMIN.secretAccessKey}-wrong` },
    });
    expectServiceError(failure, 'InvalidSignatureException');
  });

  it('exits with UnrecognizedClientException for an unknown access key id', async () => {
    const failure = await awsFailure(['describe-maintenance-windows'], {
      credentials: { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: ADMIN.secretAccessKey },
    });
    expectServiceError(failure, 'UnrecognizedClientException');
  });

  it('refuses --page-size 5 before sending, as the CLI knows the window lists take 10 to 100', async () => {
    const failure = await awsFailure(['describe-maintenance-windows', '--page-size', '5']);
    expect(failure.exitCode, failure.stderr).toBe(CLIENT_ERROR_EXIT);
    expect(failure.stderr).toContain('valid min value: 10');
  });

  it('exits with ValidationException from the server for --page-size 5 when the CLI does not validate', async () => {
    const configFile = join(scratch, 'no-validation.config');
    writeFileSync(configFile, '[default]\nparameter_validation = false\n');
    const [tooSmall, tooLarge] = await Promise.all([
      awsFailure(['describe-maintenance-windows', '--page-size', '5'], { configFile }),
      awsFailure(['describe-maintenance-windows', '--page-size', '101'], { configFile }),
    ]);
    expectServiceError(tooSmall, 'ValidationException');
    expect(tooSmall.stderr).toContain('greater than or equal to 10');
    expectServiceError(tooLarge, 'ValidationException');
    expect(tooLarge.stderr).toContain('less than or equal to 100');
  });
});
