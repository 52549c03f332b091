/**
 * The scenario of SCENARIO.md through the unmodified @aws-sdk/client-ssm against the real
 * server process: create the window, register targets and both Run Command tasks, read every
 * field back, update, deregister, delete.
 */
import {
  AddTagsToResourceCommand,
  CreateMaintenanceWindowCommand,
  DeleteMaintenanceWindowCommand,
  DeregisterTargetFromMaintenanceWindowCommand,
  DeregisterTaskFromMaintenanceWindowCommand,
  DescribeMaintenanceWindowExecutionsCommand,
  DescribeMaintenanceWindowScheduleCommand,
  DescribeMaintenanceWindowsCommand,
  DescribeMaintenanceWindowsForTargetCommand,
  DescribeMaintenanceWindowTargetsCommand,
  DescribeMaintenanceWindowTasksCommand,
  GetMaintenanceWindowCommand,
  GetMaintenanceWindowTaskCommand,
  ListTagsForResourceCommand,
  RegisterTargetWithMaintenanceWindowCommand,
  RegisterTaskWithMaintenanceWindowCommand,
  RemoveTagsFromResourceCommand,
  UpdateMaintenanceWindowCommand,
  UpdateMaintenanceWindowTargetCommand,
  UpdateMaintenanceWindowTaskCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeBackends } from '../support/postgres.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

const NODE_A = 'mi-0a1b2c3d4e5f60718';
const NODE_B = 'mi-0a1b2c3d4e5f60719';

const UPDATE_AGENT_TASK = {
  TaskArn: 'AWS-UpdateSSMAgent',
  TaskType: 'RUN_COMMAND' as const,
  Priority: 1,
  MaxConcurrency: '50%',
  MaxErrors: '1',
  CutoffBehavior: 'CANCEL_TASK' as const,
  ServiceRoleArn: 'arn:aws:iam::123456789012:role/MadoMaintenance',
  Name: 'update-agent',
  Description: 'Keep the management agent current',
  AlarmConfiguration: { IgnorePollAlarmFailure: false, Alarms: [{ Name: 'agent-update-failures' }] },
  LoggingInfo: { S3BucketName: 'maintenance-logs', S3KeyPrefix: 'legacy', S3Region: 'us-east-1' },
  TaskInvocationParameters: {
    RunCommand: {
      Parameters: { version: [''], allowDowngrade: ['false'] },
      TimeoutSeconds: 600,
      Comment: 'agent update in {{WINDOW_EXECUTION_ID}}',
      OutputS3BucketName: 'maintenance-output',
      OutputS3KeyPrefix: 'agent',
      NotificationConfig: {
        NotificationArn: 'arn:aws:sns:us-east-1:123456789012:maintenance',
        NotificationEvents: ['Failed' as const, 'TimedOut' as const],
        NotificationType: 'Command' as const,
      },
      CloudWatchOutputConfig: { CloudWatchOutputEnabled: true, CloudWatchLogGroupName: '/mado/maintenance' },
    },
  },
};

const CONFIGURE_PACKAGE_TASK = {
  TaskArn: 'AWS-ConfigureAWSPackage',
  TaskType: 'RUN_COMMAND' as const,
  Priority: 1,
  MaxConcurrency: '1',
  MaxErrors: '0',
  Name: 'update-metrics-agent',
  TaskInvocationParameters: {
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
  },
};

describe.each(storeBackends())('the scenario through @aws-sdk/client-ssm, store $name', (backend) => {
  let server: ServerProcess;
  let ssm: SSMClient;
  let windowId: string;
  let instanceTargetId: string;
  let tagTargetId: string;
  let agentTaskId: string;
  let packageTaskId: string;

  beforeAll(async () => {
    server = await startServerProcess({ env: backend.env() });
    ssm = server.client();
  });

  afterAll(async () => {
    await server.dispose();
    await backend.cleanUp();
  });

  it('creates the window enabled, with every field as given', async () => {
    const created = await ssm.send(
      new CreateMaintenanceWindowCommand({
        Name: 'agent-updates',
        Description: 'Weekly agent updates',
        AllowUnassociatedTargets: true,
        Schedule: 'cron(0 2 ? * SUN *)',
        ScheduleTimezone: 'Asia/Tokyo',
        Duration: 3,
        Cutoff: 0,
        Tags: [{ Key: 'team', Value: 'platform' }],
      }),
    );
    expect(created.WindowId).toMatch(/^mw-[0-9a-f]{17}$/);
    windowId = created.WindowId!;

    const window = await ssm.send(new GetMaintenanceWindowCommand({ WindowId: windowId }));
    expect(window).toMatchObject({
      WindowId: windowId,
      Name: 'agent-updates',
      Description: 'Weekly agent updates',
      AllowUnassociatedTargets: true,
      Schedule: 'cron(0 2 ? * SUN *)',
      ScheduleTimezone: 'Asia/Tokyo',
      Duration: 3,
      Cutoff: 0,
      Enabled: true,
    });
    expect(window.NextExecutionTime).toMatch(/^\d{4}-\d{2}-\d{2}T02:00:00\+09:00$/);
    expect(new Date(window.NextExecutionTime!).getUTCDay()).toBe(6); // Sunday 02:00 in Tokyo is Saturday 17:00 UTC
    expect(window.CreatedDate).toBeInstanceOf(Date);
    expect(window.ModifiedDate).toEqual(window.CreatedDate);
    expect(window.StartDate).toBeUndefined();
  });

  it('registers a target by instance ids and one by tag', async () => {
    const byIds = await ssm.send(
      new RegisterTargetWithMaintenanceWindowCommand({
        WindowId: windowId,
        ResourceType: 'INSTANCE',
        Targets: [{ Key: 'InstanceIds', Values: [NODE_A, NODE_B] }],
        Name: 'fleet',
        OwnerInformation: 'platform-team',
        Description: 'The servers of the story',
      }),
    );
    expect(byIds.WindowTargetId).toMatch(/^[0-9a-f-]{36}$/);
    instanceTargetId = byIds.WindowTargetId!;
    const byTag = await ssm.send(
      new RegisterTargetWithMaintenanceWindowCommand({
        WindowId: windowId,
        ResourceType: 'INSTANCE',
        Targets: [{ Key: 'tag:Role', Values: ['web', 'api'] }],
      }),
    );
    tagTargetId = byTag.WindowTargetId!;

    const targets = await ssm.send(new DescribeMaintenanceWindowTargetsCommand({ WindowId: windowId }));
    expect(targets.Targets).toEqual([
      {
        WindowId: windowId,
        WindowTargetId: instanceTargetId,
        ResourceType: 'INSTANCE',
        Targets: [{ Key: 'InstanceIds', Values: [NODE_A, NODE_B] }],
        Name: 'fleet',
        OwnerInformation: 'platform-team',
        Description: 'The servers of the story',
      },
      {
        WindowId: windowId,
        WindowTargetId: tagTargetId,
        ResourceType: 'INSTANCE',
        Targets: [{ Key: 'tag:Role', Values: ['web', 'api'] }],
      },
    ]);
    expect(targets.NextToken).toBeUndefined();
  });

  it('registers both Run Command tasks at priority 1 and reads every field back', async () => {
    const targets = [{ Key: 'WindowTargetIds', Values: [instanceTargetId] }];
    agentTaskId = (
      await ssm.send(
        new RegisterTaskWithMaintenanceWindowCommand({ WindowId: windowId, Targets: targets, ...UPDATE_AGENT_TASK }),
      )
    ).WindowTaskId!;
    packageTaskId = (
      await ssm.send(
        new RegisterTaskWithMaintenanceWindowCommand({
          WindowId: windowId,
          Targets: targets,
          ...CONFIGURE_PACKAGE_TASK,
        }),
      )
    ).WindowTaskId!;

    const agentTask = await ssm.send(
      new GetMaintenanceWindowTaskCommand({ WindowId: windowId, WindowTaskId: agentTaskId }),
    );
    const { $metadata: _metadata, ...agentFields } = agentTask;
    expect(agentFields).toEqual({
      WindowId: windowId,
      WindowTaskId: agentTaskId,
      Targets: targets,
      TaskParameters: {},
      ...UPDATE_AGENT_TASK,
    });

    const packageTask = await ssm.send(
      new GetMaintenanceWindowTaskCommand({ WindowId: windowId, WindowTaskId: packageTaskId }),
    );
    expect(packageTask).toMatchObject({ ...CONFIGURE_PACKAGE_TASK, Targets: targets });
    // Without a ServiceRoleArn, SSM reports its service-linked role.
    expect(packageTask.ServiceRoleArn).toBe(
      'arn:aws:iam::123456789012:role/aws-service-role/ssm.amazonaws.com/AWSServiceRoleForAmazonSSM',
    );
    expect(packageTask.CutoffBehavior).toBeUndefined();

    const listed = await ssm.send(new DescribeMaintenanceWindowTasksCommand({ WindowId: windowId }));
    expect(listed.Tasks?.map((task) => [task.WindowTaskId, task.Type, task.Priority])).toEqual([
      [agentTaskId, 'RUN_COMMAND', 1],
      [packageTaskId, 'RUN_COMMAND', 1],
    ]);
    // Describe lists TaskParameters but never TaskInvocationParameters (spec §5.14).
    expect(listed.Tasks?.[0]).not.toHaveProperty('TaskInvocationParameters');
    const byArn = await ssm.send(
      new DescribeMaintenanceWindowTasksCommand({
        WindowId: windowId,
        Filters: [{ Key: 'TaskArn', Values: ['AWS-ConfigureAWSPackage'] }],
      }),
    );
    expect(byArn.Tasks?.map((task) => task.WindowTaskId)).toEqual([packageTaskId]);
  });

  it('lists the window with its next run and finds it by name prefix and by target', async () => {
    const all = await ssm.send(
      new DescribeMaintenanceWindowsCommand({ Filters: [{ Key: 'Name', Values: ['agent-'] }] }),
    );
    expect(all.WindowIdentities).toHaveLength(1);
    expect(all.WindowIdentities?.[0]).toMatchObject({ WindowId: windowId, Name: 'agent-updates', Enabled: true });
    const none = await ssm.send(
      new DescribeMaintenanceWindowsCommand({ Filters: [{ Key: 'Enabled', Values: ['False'] }] }),
    );
    expect(none.WindowIdentities).toEqual([]);

    const forNode = await ssm.send(
      new DescribeMaintenanceWindowsForTargetCommand({
        ResourceType: 'INSTANCE',
        Targets: [{ Key: 'InstanceIds', Values: [NODE_B] }],
      }),
    );
    expect(forNode.WindowIdentities).toEqual([{ WindowId: windowId, Name: 'agent-updates' }]);
    const forTag = await ssm.send(
      new DescribeMaintenanceWindowsForTargetCommand({
        ResourceType: 'INSTANCE',
        Targets: [{ Key: 'tag:Role', Values: ['api'] }],
      }),
    );
    expect(forTag.WindowIdentities).toEqual([{ WindowId: windowId, Name: 'agent-updates' }]);
  });

  it('lists the next runs of the window in its time zone', async () => {
    const schedule = await ssm.send(
      new DescribeMaintenanceWindowScheduleCommand({ WindowId: windowId, MaxResults: 3 }),
    );
    const times = schedule.ScheduledWindowExecutions!.map((run) => run.ExecutionTime!);
    expect(times).toHaveLength(3);
    for (const time of times) {
      expect(time).toMatch(/T02:00:00\+09:00$/);
    }
    expect(new Date(times[1]!).getTime() - new Date(times[0]!).getTime()).toBe(7 * 24 * 3600 * 1000);
    expect(schedule.NextToken).toBeDefined();
    const next = await ssm.send(
      new DescribeMaintenanceWindowScheduleCommand({
        WindowId: windowId,
        MaxResults: 3,
        NextToken: schedule.NextToken,
      }),
    );
    expect(new Date(next.ScheduledWindowExecutions![0]!.ExecutionTime!).getTime()).toBe(
      new Date(times[2]!).getTime() + 7 * 24 * 3600 * 1000,
    );
  });

  it('has an empty history before the window has run', async () => {
    const executions = await ssm.send(new DescribeMaintenanceWindowExecutionsCommand({ WindowId: windowId }));
    expect(executions.WindowExecutions).toEqual([]);
  });

  it('updates only the members sent, and clears the rest with Replace', async () => {
    const partial = await ssm.send(new UpdateMaintenanceWindowCommand({ WindowId: windowId, Duration: 4, Cutoff: 1 }));
    expect(partial).toMatchObject({
      Name: 'agent-updates',
      Description: 'Weekly agent updates',
      Duration: 4,
      Cutoff: 1,
    });

    const replaced = await ssm.send(
      new UpdateMaintenanceWindowCommand({
        WindowId: windowId,
        Replace: true,
        Name: 'agent-updates',
        Schedule: 'rate(7 days)',
        Duration: 2,
        Cutoff: 0,
        AllowUnassociatedTargets: true,
      }),
    );
    expect(replaced.Description).toBeUndefined();
    expect(replaced.ScheduleTimezone).toBeUndefined();
    expect(replaced.Enabled).toBe(true);
    const window = await ssm.send(new GetMaintenanceWindowCommand({ WindowId: windowId }));
    expect(window.Schedule).toBe('rate(7 days)');
    expect(window.ModifiedDate!.getTime()).toBeGreaterThan(window.CreatedDate!.getTime());

    const disabled = await ssm.send(new UpdateMaintenanceWindowCommand({ WindowId: windowId, Enabled: false }));
    expect(disabled.Enabled).toBe(false);
    const again = await ssm.send(new GetMaintenanceWindowCommand({ WindowId: windowId }));
    expect(again.NextExecutionTime).toBeUndefined();
    await ssm.send(new UpdateMaintenanceWindowCommand({ WindowId: windowId, Enabled: true }));
  });

  it('updates a target and a task, replacing TaskInvocationParameters as a whole', async () => {
    const target = await ssm.send(
      new UpdateMaintenanceWindowTargetCommand({
        WindowId: windowId,
        WindowTargetId: tagTargetId,
        Targets: [{ Key: 'tag:Role', Values: ['db'] }],
        Name: 'databases',
      }),
    );
    expect(target).toMatchObject({ Targets: [{ Key: 'tag:Role', Values: ['db'] }], Name: 'databases' });

    const task = await ssm.send(
      new UpdateMaintenanceWindowTaskCommand({
        WindowId: windowId,
        WindowTaskId: agentTaskId,
        Priority: 2,
        TaskInvocationParameters: { RunCommand: { TimeoutSeconds: 900 } },
      }),
    );
    expect(task.Priority).toBe(2);
    expect(task.TaskInvocationParameters).toEqual({ RunCommand: { TimeoutSeconds: 900 } });
    expect(task.MaxConcurrency).toBe('50%');
    expect(task.CutoffBehavior).toBe('CANCEL_TASK');
  });

  it('tags the window, overwriting by key, and removes tags', async () => {
    await ssm.send(
      new AddTagsToResourceCommand({
        ResourceType: 'MaintenanceWindow',
        ResourceId: windowId,
        Tags: [
          { Key: 'team', Value: 'sre' },
          { Key: 'env', Value: 'prod' },
        ],
      }),
    );
    const tags = await ssm.send(
      new ListTagsForResourceCommand({ ResourceType: 'MaintenanceWindow', ResourceId: windowId }),
    );
    expect(tags.TagList).toEqual([
      { Key: 'env', Value: 'prod' },
      { Key: 'team', Value: 'sre' },
    ]);
    await ssm.send(
      new RemoveTagsFromResourceCommand({
        ResourceType: 'MaintenanceWindow',
        ResourceId: windowId,
        TagKeys: ['team', 'absent'],
      }),
    );
    const after = await ssm.send(
      new ListTagsForResourceCommand({ ResourceType: 'MaintenanceWindow', ResourceId: windowId }),
    );
    expect(after.TagList).toEqual([{ Key: 'env', Value: 'prod' }]);
  });

  it('refuses to deregister a target in use with Safe, and deregisters it without', async () => {
    await expect(
      ssm.send(
        new DeregisterTargetFromMaintenanceWindowCommand({
          WindowId: windowId,
          WindowTargetId: instanceTargetId,
          Safe: true,
        }),
      ),
    ).rejects.toMatchObject({ name: 'TargetInUseException' });
    await ssm.send(new DeregisterTaskFromMaintenanceWindowCommand({ WindowId: windowId, WindowTaskId: agentTaskId }));
    await ssm.send(new DeregisterTaskFromMaintenanceWindowCommand({ WindowId: windowId, WindowTaskId: packageTaskId }));
    const done = await ssm.send(
      new DeregisterTargetFromMaintenanceWindowCommand({
        WindowId: windowId,
        WindowTargetId: instanceTargetId,
        Safe: true,
      }),
    );
    expect(done).toMatchObject({ WindowId: windowId, WindowTargetId: instanceTargetId });
    const left = await ssm.send(new DescribeMaintenanceWindowTargetsCommand({ WindowId: windowId }));
    expect(left.Targets?.map((target) => target.WindowTargetId)).toEqual([tagTargetId]);
  });

  it('deletes the window with its targets and tags, and answers the same for a second delete', async () => {
    const deleted = await ssm.send(new DeleteMaintenanceWindowCommand({ WindowId: windowId }));
    expect(deleted.WindowId).toBe(windowId);
    await expect(ssm.send(new GetMaintenanceWindowCommand({ WindowId: windowId }))).rejects.toMatchObject({
      name: 'DoesNotExistException',
    });
    await expect(
      ssm.send(new ListTagsForResourceCommand({ ResourceType: 'MaintenanceWindow', ResourceId: windowId })),
    ).rejects.toMatchObject({ name: 'InvalidResourceId' });
    const again = await ssm.send(new DeleteMaintenanceWindowCommand({ WindowId: windowId }));
    expect(again.WindowId).toBe(windowId);
  });
});
