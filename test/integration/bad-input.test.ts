/**
 * Bad input for every operation: each request gets SSM's error name and HTTP status, a message
 * that names the offending member, and leaves the store exactly as it was (windows and
 * documents read back through the API after all the cases).
 */
import {
  CreateDocumentCommand,
  CreateMaintenanceWindowCommand,
  RegisterTargetWithMaintenanceWindowCommand,
  RegisterTaskWithMaintenanceWindowCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callRaw } from '../support/raw-client.js';
import { ADMIN, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { snapshotDocuments, snapshotStore } from '../support/snapshot.js';

const UNKNOWN_WINDOW = 'mw-0000000000000000f';
const UNKNOWN_UUID = '00000000-0000-4000-8000-000000000000';
const NODE = 'mi-0123456789abcdef0';

interface Case {
  readonly name: string;
  readonly op: string;
  /** Request body; `$W`, `$T`, `$K` stand for the seeded window, target and task ids. */
  readonly body: Record<string, unknown> | string;
  readonly error: string;
  /** Text the message must contain (case-insensitive): the member at fault. */
  readonly mentions?: string;
}

const VALID_WINDOW = {
  Name: 'valid-name',
  Schedule: 'rate(1 day)',
  Duration: 3,
  Cutoff: 1,
  AllowUnassociatedTargets: false,
};
const VALID_TASK = {
  WindowId: '$W',
  TaskArn: 'AWS-RunShellScript',
  TaskType: 'RUN_COMMAND',
  Targets: [{ Key: 'WindowTargetIds', Values: ['$T'] }],
  MaxConcurrency: '1',
  MaxErrors: '0',
};

const SEEDED_DOCUMENT = 'Seeded-Doc';
const VALID_DOCUMENT = JSON.stringify({
  schemaVersion: '2.2',
  mainSteps: [{ action: 'aws:runShellScript', name: 'run', inputs: { runCommand: ['uptime'] } }],
});

const CASES: readonly Case[] = [
  // Protocol
  { name: 'malformed JSON', op: 'CreateMaintenanceWindow', body: '{"Name":', error: 'SerializationException' },
  { name: 'a JSON array body', op: 'CreateMaintenanceWindow', body: '[]', error: 'SerializationException' },
  { name: 'an unknown operation', op: 'ExplodeMaintenanceWindow', body: {}, error: 'UnknownOperationException' },

  // CreateMaintenanceWindow
  {
    name: 'create without any member',
    op: 'CreateMaintenanceWindow',
    body: {},
    error: 'ValidationException',
    mentions: "'name' failed to satisfy constraint: Member must not be null",
  },
  {
    name: 'a name that is too short',
    op: 'CreateMaintenanceWindow',
    body: { ...VALID_WINDOW, Name: 'ab' },
    error: 'ValidationException',
    mentions: "at 'name'",
  },
  {
    name: 'a name with bad characters',
    op: 'CreateMaintenanceWindow',
    body: { ...VALID_WINDOW, Name: 'bad name!' },
    error: 'ValidationException',
    mentions: 'regular expression pattern',
  },
  {
    name: 'a name that is too long',
    op: 'CreateMaintenanceWindow',
    body: { ...VALID_WINDOW, Name: 'n'.repeat(129) },
    error: 'ValidationException',
    mentions: 'less than or equal to 128',
  },
  {
    name: 'an empty description',
    op: 'CreateMaintenanceWindow',
    body: { ...VALID_WINDOW, Description: '' },
    error: 'ValidationException',
    mentions: "at 'description'",
  },
  {
    name: 'a duration given as a string',
    op: 'CreateMaintenanceWindow',
    body: { ...VALID_WINDOW, Duration: '3' },
    error: 'SerializationException',
    mentions: 'duration',
  },
  {
    name: 'a fractional duration',
    op: 'CreateMaintenanceWindow',
    body: { ...VALID_WINDOW, Duration: 2.5 },
    error: 'SerializationException',
    mentions: 'duration',
  },
  {
    name: 'a duration over 24 hours',
    op: 'CreateMaintenanceWindow',
    body: { ...VALID_WINDOW, Duration: 25 },
    error: 'ValidationException',
    mentions: "at 'duration' failed to satisfy constraint: Member must have value less than or equal to 24",
  },
  {
    name: 'a zero duration',
    op: 'CreateMaintenanceWindow',
    body: { ...VALID_WINDOW, Duration: 0 },
    error: 'ValidationException',
    mentions: "at 'duration'",
  },
  {
    name: 'a negative cutoff',
    op: 'CreateMaintenanceWindow',
    body: { ...VALID_WINDOW, Cutoff: -1 },
    error: 'ValidationException',
    mentions: "at 'cutoff'",
  },
  {
    name: 'a cutoff over 23',
    op: 'CreateMaintenanceWindow',
    body: { ...VALID_WINDOW, Duration: 24, Cutoff: 24 },
    error: 'ValidationException',
    mentions: "at 'cutoff'",
  },
  {
    name: 'a cutoff equal to the duration',
    op: 'CreateMaintenanceWindow',
    body: { ...VALID_WINDOW, Duration: 3, Cutoff: 3 },
    error: 'ValidationException',
    mentions: 'cutoff',
  },
  {
    name: 'allow-unassociated-targets as a string',
    op: 'CreateMaintenanceWindow',
    body: { ...VALID_WINDOW, AllowUnassociatedTargets: 'yes' },
    error: 'SerializationException',
    mentions: 'allowUnassociatedTargets',
  },
  {
    name: 'an empty schedule',
    op: 'CreateMaintenanceWindow',
    body: { ...VALID_WINDOW, Schedule: '' },
    error: 'ValidationException',
    mentions: "at 'schedule'",
  },
  {
    name: 'a cron with neither ? field',
    op: 'CreateMaintenanceWindow',
    body: { ...VALID_WINDOW, Schedule: 'cron(0 2 * * * *)' },
    error: 'ValidationException',
    mentions: 'cron(0 2 * * * *)',
  },
  {
    name: 'a cron with five fields',
    op: 'CreateMaintenanceWindow',
    body: { ...VALID_WINDOW, Schedule: 'cron(0 2 ? * SUN)' },
    error: 'ValidationException',
    mentions: 'cron(0 2 ? * SUN)',
  },
  {
    name: 'a cron day-of-week out of range',
    op: 'CreateMaintenanceWindow',
    body: { ...VALID_WINDOW, Schedule: 'cron(0 2 ? * 8 *)' },
    error: 'ValidationException',
    mentions: 'day-of-week',
  },
  {
    name: 'a cron firing every minute',
    op: 'CreateMaintenanceWindow',
    body: { ...VALID_WINDOW, Schedule: 'cron(0/1 * ? * * *)' },
    error: 'ValidationException',
    mentions: 'schedule',
  },
  {
    name: 'a plural rate unit for one',
    op: 'CreateMaintenanceWindow',
    body: { ...VALID_WINDOW, Schedule: 'rate(1 hours)' },
    error: 'ValidationException',
    mentions: 'rate(1 hours)',
  },
  {
    name: 'a rate under five minutes',
    op: 'CreateMaintenanceWindow',
    body: { ...VALID_WINDOW, Schedule: 'rate(4 minutes)' },
    error: 'ValidationException',
    mentions: 'rate(4 minutes)',
  },
  {
    name: 'an at() with a bad month',
    op: 'CreateMaintenanceWindow',
    body: { ...VALID_WINDOW, Schedule: 'at(2030-13-01T00:00:00)' },
    error: 'ValidationException',
    mentions: 'at(2030-13-01T00:00:00)',
  },
  {
    name: 'a schedule in words',
    op: 'CreateMaintenanceWindow',
    body: { ...VALID_WINDOW, Schedule: 'every sunday' },
    error: 'ValidationException',
    mentions: 'every sunday',
  },
  {
    name: 'an unknown time zone',
    op: 'CreateMaintenanceWindow',
    body: { ...VALID_WINDOW, ScheduleTimezone: 'Mars/Olympus_Mons' },
    error: 'ValidationException',
    mentions: 'Mars/Olympus_Mons',
  },
  {
    name: 'an offset over six days',
    op: 'CreateMaintenanceWindow',
    body: { ...VALID_WINDOW, Schedule: 'cron(0 2 ? * SUN *)', ScheduleOffset: 7 },
    error: 'ValidationException',
    mentions: "at 'scheduleOffset'",
  },
  {
    name: 'an offset with a rate schedule',
    op: 'CreateMaintenanceWindow',
    body: { ...VALID_WINDOW, ScheduleOffset: 2 },
    error: 'ValidationException',
    mentions: 'CRON',
  },
  {
    name: 'an unparseable start date',
    op: 'CreateMaintenanceWindow',
    body: { ...VALID_WINDOW, StartDate: 'next tuesday' },
    error: 'ValidationException',
    mentions: 'StartDate',
  },
  {
    name: 'an end date before the start date',
    op: 'CreateMaintenanceWindow',
    body: { ...VALID_WINDOW, StartDate: '2099-02-01T00:00:00Z', EndDate: '2099-01-01T00:00:00Z' },
    error: 'ValidationException',
    mentions: 'EndDate',
  },
  {
    name: 'an end date in the past',
    op: 'CreateMaintenanceWindow',
    body: { ...VALID_WINDOW, EndDate: '2001-01-01T00:00:00Z' },
    error: 'ValidationException',
    mentions: 'EndDate',
  },
  {
    name: 'a reserved tag key',
    op: 'CreateMaintenanceWindow',
    body: { ...VALID_WINDOW, Tags: [{ Key: 'aws:owner', Value: 'x' }] },
    error: 'ValidationException',
    mentions: 'tags.1.member.key',
  },
  {
    name: 'a tag key given twice',
    op: 'CreateMaintenanceWindow',
    body: {
      ...VALID_WINDOW,
      Tags: [
        { Key: 'a', Value: '1' },
        { Key: 'a', Value: '2' },
      ],
    },
    error: 'ValidationException',
    mentions: 'tags.2.member.key',
  },
  {
    name: 'a tag without a value',
    op: 'CreateMaintenanceWindow',
    body: { ...VALID_WINDOW, Tags: [{ Key: 'a' }] },
    error: 'ValidationException',
    mentions: 'tags.1.member.value',
  },
  {
    name: 'a client token that is too long',
    op: 'CreateMaintenanceWindow',
    body: { ...VALID_WINDOW, ClientToken: 'x'.repeat(65) },
    error: 'ValidationException',
    mentions: 'clientToken',
  },

  // UpdateMaintenanceWindow
  {
    name: 'update with a malformed window id',
    op: 'UpdateMaintenanceWindow',
    body: { WindowId: 'mw-123', Duration: 2 },
    error: 'ValidationException',
    mentions: "at 'windowId'",
  },
  {
    name: 'update of an unknown window',
    op: 'UpdateMaintenanceWindow',
    body: { WindowId: UNKNOWN_WINDOW, Duration: 2 },
    error: 'DoesNotExistException',
    mentions: UNKNOWN_WINDOW,
  },
  {
    name: 'update making cutoff reach the duration',
    op: 'UpdateMaintenanceWindow',
    body: { WindowId: '$W', Cutoff: 3 },
    error: 'ValidationException',
    mentions: 'cutoff',
  },
  {
    name: 'replace without a name',
    op: 'UpdateMaintenanceWindow',
    body: {
      WindowId: '$W',
      Replace: true,
      Schedule: 'rate(1 day)',
      Duration: 3,
      Cutoff: 1,
      AllowUnassociatedTargets: true,
    },
    error: 'ValidationException',
    mentions: 'name',
  },
  {
    name: 'update with a bad schedule',
    op: 'UpdateMaintenanceWindow',
    body: { WindowId: '$W', Schedule: 'cron(61 2 ? * SUN *)' },
    error: 'ValidationException',
    mentions: 'cron(61 2 ? * SUN *)',
  },
  {
    name: 'update with enabled as a string',
    op: 'UpdateMaintenanceWindow',
    body: { WindowId: '$W', Enabled: 'false' },
    error: 'SerializationException',
    mentions: 'enabled',
  },

  // Get / Delete / Describe windows
  {
    name: 'get without a window id',
    op: 'GetMaintenanceWindow',
    body: {},
    error: 'ValidationException',
    mentions: "'windowId' failed to satisfy constraint: Member must not be null",
  },
  {
    name: 'get with upper-case hex',
    op: 'GetMaintenanceWindow',
    body: { WindowId: 'mw-0123456789ABCDEF0' },
    error: 'ValidationException',
    mentions: "at 'windowId'",
  },
  {
    name: 'get of an unknown window',
    op: 'GetMaintenanceWindow',
    body: { WindowId: UNKNOWN_WINDOW },
    error: 'DoesNotExistException',
    mentions: UNKNOWN_WINDOW,
  },
  {
    name: 'delete with a malformed id',
    op: 'DeleteMaintenanceWindow',
    body: { WindowId: 'window-1' },
    error: 'ValidationException',
    mentions: "at 'windowId'",
  },
  {
    name: 'a page size under 10',
    op: 'DescribeMaintenanceWindows',
    body: { MaxResults: 5 },
    error: 'ValidationException',
    mentions: "at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 10",
  },
  {
    name: 'a page size over 100',
    op: 'DescribeMaintenanceWindows',
    body: { MaxResults: 101 },
    error: 'ValidationException',
    mentions: "at 'maxResults'",
  },
  {
    name: 'an unsupported filter key',
    op: 'DescribeMaintenanceWindows',
    body: { Filters: [{ Key: 'Owner', Values: ['me'] }] },
    error: 'ValidationException',
    mentions: 'filters.1.member.key',
  },
  {
    name: 'an Enabled filter that is not a boolean',
    op: 'DescribeMaintenanceWindows',
    body: { Filters: [{ Key: 'Enabled', Values: ['maybe'] }] },
    error: 'ValidationException',
    mentions: 'Enabled',
  },
  {
    name: 'six filters',
    op: 'DescribeMaintenanceWindows',
    body: { Filters: Array.from({ length: 6 }, () => ({ Key: 'Name', Values: ['a'] })) },
    error: 'ValidationException',
    mentions: "at 'filters'",
  },
  {
    name: 'a forged next token',
    op: 'DescribeMaintenanceWindows',
    body: { NextToken: 'eyJvIjoiRGVzY3JpYmUifQ.forged' },
    error: 'ValidationException',
    mentions: 'NextToken',
  },

  // Window targets
  {
    name: 'register a target without a resource type',
    op: 'RegisterTargetWithMaintenanceWindow',
    body: { WindowId: '$W', Targets: [{ Key: 'InstanceIds', Values: [NODE] }] },
    error: 'ValidationException',
    mentions: "'resourceType' failed to satisfy constraint: Member must not be null",
  },
  {
    name: 'register a target of an unknown resource type',
    op: 'RegisterTargetWithMaintenanceWindow',
    body: { WindowId: '$W', ResourceType: 'HOST', Targets: [{ Key: 'InstanceIds', Values: [NODE] }] },
    error: 'ValidationException',
    mentions: 'enum value set: [INSTANCE, RESOURCE_GROUP]',
  },
  {
    name: 'register an empty target list',
    op: 'RegisterTargetWithMaintenanceWindow',
    body: { WindowId: '$W', ResourceType: 'INSTANCE', Targets: [] },
    error: 'ValidationException',
    mentions: 'targets',
  },
  {
    name: 'register six targets',
    op: 'RegisterTargetWithMaintenanceWindow',
    body: {
      WindowId: '$W',
      ResourceType: 'INSTANCE',
      Targets: Array.from({ length: 6 }, (_, i) => ({ Key: `tag:k${i}`, Values: ['v'] })),
    },
    error: 'ValidationException',
    mentions: "at 'targets'",
  },
  {
    name: 'register a malformed node id',
    op: 'RegisterTargetWithMaintenanceWindow',
    body: { WindowId: '$W', ResourceType: 'INSTANCE', Targets: [{ Key: 'InstanceIds', Values: ['server-1'] }] },
    error: 'ValidationException',
    mentions: 'server-1',
  },
  {
    name: 'register 51 node ids',
    op: 'RegisterTargetWithMaintenanceWindow',
    body: {
      WindowId: '$W',
      ResourceType: 'INSTANCE',
      Targets: [
        { Key: 'InstanceIds', Values: Array.from({ length: 51 }, (_, i) => `mi-${String(i).padStart(17, '0')}`) },
      ],
    },
    error: 'ValidationException',
    mentions: 'targets.1.member.values',
  },
  {
    name: 'register instance ids combined with a tag',
    op: 'RegisterTargetWithMaintenanceWindow',
    body: {
      WindowId: '$W',
      ResourceType: 'INSTANCE',
      Targets: [
        { Key: 'InstanceIds', Values: [NODE] },
        { Key: 'tag:Env', Values: ['prod'] },
      ],
    },
    error: 'ValidationException',
    mentions: 'InstanceIds',
  },
  {
    name: 'register window target ids as a window target',
    op: 'RegisterTargetWithMaintenanceWindow',
    body: { WindowId: '$W', ResourceType: 'INSTANCE', Targets: [{ Key: 'WindowTargetIds', Values: ['$T'] }] },
    error: 'ValidationException',
    mentions: 'targets.1.member.key',
  },
  {
    name: 'register a tag key as a resource group',
    op: 'RegisterTargetWithMaintenanceWindow',
    body: { WindowId: '$W', ResourceType: 'RESOURCE_GROUP', Targets: [{ Key: 'tag:Env', Values: ['prod'] }] },
    error: 'ValidationException',
    mentions: 'RESOURCE_GROUP',
  },
  {
    name: 'register a target with no values',
    op: 'RegisterTargetWithMaintenanceWindow',
    body: { WindowId: '$W', ResourceType: 'INSTANCE', Targets: [{ Key: 'tag:Env', Values: [] }] },
    error: 'ValidationException',
    mentions: 'targets.1.member.values',
  },
  {
    name: 'register owner information that is too long',
    op: 'RegisterTargetWithMaintenanceWindow',
    body: {
      WindowId: '$W',
      ResourceType: 'INSTANCE',
      Targets: [{ Key: 'InstanceIds', Values: [NODE] }],
      OwnerInformation: 'o'.repeat(129),
    },
    error: 'ValidationException',
    mentions: "at 'ownerInformation'",
  },
  {
    name: 'register a target with an unknown window',
    op: 'RegisterTargetWithMaintenanceWindow',
    body: { WindowId: UNKNOWN_WINDOW, ResourceType: 'INSTANCE', Targets: [{ Key: 'InstanceIds', Values: [NODE] }] },
    error: 'DoesNotExistException',
    mentions: UNKNOWN_WINDOW,
  },
  {
    name: 'update an unknown target',
    op: 'UpdateMaintenanceWindowTarget',
    body: { WindowId: '$W', WindowTargetId: UNKNOWN_UUID, Name: 'x-y-z' },
    error: 'DoesNotExistException',
    mentions: UNKNOWN_UUID,
  },
  {
    name: 'replace a target without targets',
    op: 'UpdateMaintenanceWindowTarget',
    body: { WindowId: '$W', WindowTargetId: '$T', Replace: true, Name: 'x-y-z' },
    error: 'ValidationException',
    mentions: 'targets',
  },
  {
    name: 'update a target to an invalid selector',
    op: 'UpdateMaintenanceWindowTarget',
    body: { WindowId: '$W', WindowTargetId: '$T', Targets: [{ Key: 'InstanceIds', Values: ['bad'] }] },
    error: 'ValidationException',
    mentions: 'bad',
  },
  {
    name: 'deregister a malformed target id',
    op: 'DeregisterTargetFromMaintenanceWindow',
    body: { WindowId: '$W', WindowTargetId: 'not-a-uuid' },
    error: 'ValidationException',
    mentions: "at 'windowTargetId'",
  },
  {
    name: 'deregister an unknown target',
    op: 'DeregisterTargetFromMaintenanceWindow',
    body: { WindowId: '$W', WindowTargetId: UNKNOWN_UUID },
    error: 'DoesNotExistException',
    mentions: UNKNOWN_UUID,
  },
  {
    name: 'deregister a target in use with Safe',
    op: 'DeregisterTargetFromMaintenanceWindow',
    body: { WindowId: '$W', WindowTargetId: '$T', Safe: true },
    error: 'TargetInUseException',
    mentions: '$K',
  },
  {
    name: 'describe targets of an unknown window',
    op: 'DescribeMaintenanceWindowTargets',
    body: { WindowId: UNKNOWN_WINDOW },
    error: 'DoesNotExistException',
    mentions: UNKNOWN_WINDOW,
  },
  {
    name: 'describe targets with a bad filter key',
    op: 'DescribeMaintenanceWindowTargets',
    body: { WindowId: '$W', Filters: [{ Key: 'Name', Values: ['x'] }] },
    error: 'ValidationException',
    mentions: 'filters.1.member.key',
  },

  // Window tasks
  {
    name: 'register a task without a task ARN',
    op: 'RegisterTaskWithMaintenanceWindow',
    body: { ...VALID_TASK, TaskArn: undefined },
    error: 'ValidationException',
    mentions: "'taskArn' failed to satisfy constraint: Member must not be null",
  },
  {
    name: 'register a task of an unknown type',
    op: 'RegisterTaskWithMaintenanceWindow',
    body: { ...VALID_TASK, TaskType: 'SCRIPT' },
    error: 'ValidationException',
    mentions: "at 'taskType'",
  },
  {
    name: 'register an AUTOMATION task',
    op: 'RegisterTaskWithMaintenanceWindow',
    body: { ...VALID_TASK, TaskType: 'AUTOMATION' },
    error: 'ValidationException',
    mentions: 'RUN_COMMAND',
  },
  {
    name: 'register a LAMBDA task',
    op: 'RegisterTaskWithMaintenanceWindow',
    body: { ...VALID_TASK, TaskType: 'LAMBDA' },
    error: 'ValidationException',
    mentions: 'RUN_COMMAND',
  },
  {
    name: 'register a Run Command task without targets',
    op: 'RegisterTaskWithMaintenanceWindow',
    body: { ...VALID_TASK, Targets: undefined, MaxConcurrency: undefined, MaxErrors: undefined },
    error: 'ValidationException',
    mentions: 'target',
  },
  {
    name: 'register a task without max concurrency',
    op: 'RegisterTaskWithMaintenanceWindow',
    body: { ...VALID_TASK, MaxConcurrency: undefined },
    error: 'ValidationException',
    mentions: 'MaxConcurrency',
  },
  {
    name: 'register a zero max concurrency',
    op: 'RegisterTaskWithMaintenanceWindow',
    body: { ...VALID_TASK, MaxConcurrency: '0' },
    error: 'ValidationException',
    mentions: "at 'maxConcurrency'",
  },
  {
    name: 'register a max errors over 100%',
    op: 'RegisterTaskWithMaintenanceWindow',
    body: { ...VALID_TASK, MaxErrors: '101%' },
    error: 'ValidationException',
    mentions: "at 'maxErrors'",
  },
  {
    name: 'register a negative priority',
    op: 'RegisterTaskWithMaintenanceWindow',
    body: { ...VALID_TASK, Priority: -1 },
    error: 'ValidationException',
    mentions: "at 'priority'",
  },
  {
    name: 'register instance targets in a window that forbids them',
    op: 'RegisterTaskWithMaintenanceWindow',
    body: { ...VALID_TASK, Targets: [{ Key: 'InstanceIds', Values: [NODE] }] },
    error: 'ValidationException',
    mentions: 'AllowUnassociatedTargets',
  },
  {
    name: 'register an unknown window target id',
    op: 'RegisterTaskWithMaintenanceWindow',
    body: { ...VALID_TASK, Targets: [{ Key: 'WindowTargetIds', Values: [UNKNOWN_UUID] }] },
    error: 'DoesNotExistException',
    mentions: UNKNOWN_UUID,
  },
  {
    name: 'register a tag target on a task',
    op: 'RegisterTaskWithMaintenanceWindow',
    body: { ...VALID_TASK, Targets: [{ Key: 'tag:Env', Values: ['prod'] }] },
    error: 'ValidationException',
    mentions: 'targets.1.member.key',
  },
  {
    name: 'register a timeout under 30 seconds',
    op: 'RegisterTaskWithMaintenanceWindow',
    body: { ...VALID_TASK, TaskInvocationParameters: { RunCommand: { TimeoutSeconds: 10 } } },
    error: 'ValidationException',
    mentions: 'taskInvocationParameters.runCommand.timeoutSeconds',
  },
  {
    name: 'register automation parameters on a Run Command task',
    op: 'RegisterTaskWithMaintenanceWindow',
    body: { ...VALID_TASK, TaskInvocationParameters: { Automation: { DocumentVersion: '1' } } },
    error: 'ValidationException',
    mentions: 'taskInvocationParameters.automation',
  },
  {
    name: 'register an unknown cutoff behavior',
    op: 'RegisterTaskWithMaintenanceWindow',
    body: { ...VALID_TASK, CutoffBehavior: 'STOP' },
    error: 'ValidationException',
    mentions: "at 'cutoffBehavior'",
  },
  {
    name: 'register two alarms',
    op: 'RegisterTaskWithMaintenanceWindow',
    body: { ...VALID_TASK, AlarmConfiguration: { Alarms: [{ Name: 'a' }, { Name: 'b' }] } },
    error: 'ValidationException',
    mentions: 'alarmConfiguration.alarms',
  },
  {
    name: 'register logging info without a region',
    op: 'RegisterTaskWithMaintenanceWindow',
    body: { ...VALID_TASK, LoggingInfo: { S3BucketName: 'logs' } },
    error: 'ValidationException',
    mentions: 'loggingInfo.s3Region',
  },
  {
    name: 'register a task in an unknown window',
    op: 'RegisterTaskWithMaintenanceWindow',
    body: { ...VALID_TASK, WindowId: UNKNOWN_WINDOW },
    error: 'DoesNotExistException',
    mentions: UNKNOWN_WINDOW,
  },
  {
    name: 'update an unknown task',
    op: 'UpdateMaintenanceWindowTask',
    body: { WindowId: '$W', WindowTaskId: UNKNOWN_UUID, Priority: 3 },
    error: 'DoesNotExistException',
    mentions: UNKNOWN_UUID,
  },
  {
    name: 'replace a task without a task ARN',
    op: 'UpdateMaintenanceWindowTask',
    body: { WindowId: '$W', WindowTaskId: '$K', Replace: true, Priority: 3 },
    error: 'ValidationException',
    mentions: 'TaskArn',
  },
  {
    name: 'update a task with bad max errors',
    op: 'UpdateMaintenanceWindowTask',
    body: { WindowId: '$W', WindowTaskId: '$K', MaxErrors: 'many' },
    error: 'ValidationException',
    mentions: "at 'maxErrors'",
  },
  {
    name: 'get a task with a malformed id',
    op: 'GetMaintenanceWindowTask',
    body: { WindowId: '$W', WindowTaskId: '123' },
    error: 'ValidationException',
    mentions: "at 'windowTaskId'",
  },
  {
    name: 'get an unknown task',
    op: 'GetMaintenanceWindowTask',
    body: { WindowId: '$W', WindowTaskId: UNKNOWN_UUID },
    error: 'DoesNotExistException',
    mentions: UNKNOWN_UUID,
  },
  {
    name: 'deregister an unknown task',
    op: 'DeregisterTaskFromMaintenanceWindow',
    body: { WindowId: '$W', WindowTaskId: UNKNOWN_UUID },
    error: 'DoesNotExistException',
    mentions: UNKNOWN_UUID,
  },
  {
    name: 'describe tasks with a non-numeric priority filter',
    op: 'DescribeMaintenanceWindowTasks',
    body: { WindowId: '$W', Filters: [{ Key: 'Priority', Values: ['high'] }] },
    error: 'ValidationException',
    mentions: 'Priority',
  },

  // History
  {
    name: 'executions filtered by a non-date',
    op: 'DescribeMaintenanceWindowExecutions',
    body: { WindowId: '$W', Filters: [{ Key: 'ExecutedBefore', Values: ['yesterday'] }] },
    error: 'ValidationException',
    mentions: 'ExecutedBefore',
  },
  {
    name: 'get an unknown execution',
    op: 'GetMaintenanceWindowExecution',
    body: { WindowExecutionId: UNKNOWN_UUID },
    error: 'DoesNotExistException',
    mentions: UNKNOWN_UUID,
  },
  {
    name: 'get an execution with a malformed id',
    op: 'GetMaintenanceWindowExecution',
    body: { WindowExecutionId: 'exec-1' },
    error: 'ValidationException',
    mentions: "at 'windowExecutionId'",
  },
  {
    name: 'cancel an unknown execution',
    op: 'CancelMaintenanceWindowExecution',
    body: { WindowExecutionId: UNKNOWN_UUID },
    error: 'DoesNotExistException',
    mentions: UNKNOWN_UUID,
  },
  {
    name: 'cancel without an execution id',
    op: 'CancelMaintenanceWindowExecution',
    body: {},
    error: 'ValidationException',
    mentions: "at 'windowExecutionId'",
  },
  {
    name: 'cancel an execution with a malformed id',
    op: 'CancelMaintenanceWindowExecution',
    body: { WindowExecutionId: 'exec-1' },
    error: 'ValidationException',
    mentions: "at 'windowExecutionId'",
  },
  {
    name: 'describe tasks of an unknown execution',
    op: 'DescribeMaintenanceWindowExecutionTasks',
    body: { WindowExecutionId: UNKNOWN_UUID },
    error: 'DoesNotExistException',
    mentions: UNKNOWN_UUID,
  },
  {
    name: 'describe execution tasks with an unknown status',
    op: 'DescribeMaintenanceWindowExecutionTasks',
    body: { WindowExecutionId: UNKNOWN_UUID, Filters: [{ Key: 'STATUS', Values: ['DONE'] }] },
    error: 'ValidationException',
    mentions: 'STATUS',
  },
  {
    name: 'get an unknown execution task',
    op: 'GetMaintenanceWindowExecutionTask',
    body: { WindowExecutionId: UNKNOWN_UUID, TaskId: UNKNOWN_UUID },
    error: 'DoesNotExistException',
    mentions: UNKNOWN_UUID,
  },
  {
    name: 'describe invocations of an unknown task execution',
    op: 'DescribeMaintenanceWindowExecutionTaskInvocations',
    body: { WindowExecutionId: UNKNOWN_UUID, TaskId: UNKNOWN_UUID },
    error: 'DoesNotExistException',
    mentions: UNKNOWN_UUID,
  },
  {
    name: 'get an invocation without an invocation id',
    op: 'GetMaintenanceWindowExecutionTaskInvocation',
    body: { WindowExecutionId: UNKNOWN_UUID, TaskId: UNKNOWN_UUID },
    error: 'ValidationException',
    mentions: "'invocationId' failed to satisfy constraint: Member must not be null",
  },

  // Schedule and search
  {
    name: 'schedule without a window or targets',
    op: 'DescribeMaintenanceWindowSchedule',
    body: {},
    error: 'ValidationException',
    mentions: 'WindowId',
  },
  {
    name: 'schedule of an unknown window',
    op: 'DescribeMaintenanceWindowSchedule',
    body: { WindowId: UNKNOWN_WINDOW },
    error: 'DoesNotExistException',
    mentions: UNKNOWN_WINDOW,
  },
  {
    name: 'schedule with a zero page size',
    op: 'DescribeMaintenanceWindowSchedule',
    body: { WindowId: '$W', MaxResults: 0 },
    error: 'ValidationException',
    mentions: "at 'maxResults'",
  },
  {
    name: 'schedule filtered by a non-date',
    op: 'DescribeMaintenanceWindowSchedule',
    body: { WindowId: '$W', Filters: [{ Key: 'ScheduledBefore', Values: ['soon'] }] },
    error: 'ValidationException',
    mentions: 'ScheduledBefore',
  },
  {
    name: 'windows for a target without a resource type',
    op: 'DescribeMaintenanceWindowsForTarget',
    body: { Targets: [{ Key: 'InstanceIds', Values: [NODE] }] },
    error: 'ValidationException',
    mentions: "'resourceType' failed to satisfy constraint: Member must not be null",
  },

  // Tags
  {
    name: 'tags on a resource type outside the model',
    op: 'AddTagsToResource',
    body: { ResourceType: 'Bucket', ResourceId: '$W', Tags: [] },
    error: 'ValidationException',
    mentions: "at 'resourceType'",
  },
  {
    name: 'tags on a resource type this server does not tag',
    op: 'AddTagsToResource',
    body: { ResourceType: 'Parameter', ResourceId: 'p', Tags: [{ Key: 'a', Value: 'b' }] },
    error: 'InvalidResourceType',
  },
  {
    name: 'tags on an unknown window',
    op: 'AddTagsToResource',
    body: { ResourceType: 'MaintenanceWindow', ResourceId: UNKNOWN_WINDOW, Tags: [{ Key: 'a', Value: 'b' }] },
    error: 'InvalidResourceId',
    mentions: UNKNOWN_WINDOW,
  },
  {
    name: 'a reserved tag key added later',
    op: 'AddTagsToResource',
    body: { ResourceType: 'MaintenanceWindow', ResourceId: '$W', Tags: [{ Key: 'AWS:x', Value: 'b' }] },
    error: 'ValidationException',
    mentions: 'tags.1.member.key',
  },
  {
    name: 'more than 50 tags',
    op: 'AddTagsToResource',
    body: {
      ResourceType: 'MaintenanceWindow',
      ResourceId: '$W',
      Tags: Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })),
    },
    error: 'TooManyTagsError',
    mentions: '50',
  },
  {
    name: 'remove tags without keys',
    op: 'RemoveTagsFromResource',
    body: { ResourceType: 'MaintenanceWindow', ResourceId: '$W' },
    error: 'ValidationException',
    mentions: "'tagKeys' failed to satisfy constraint: Member must not be null",
  },
  {
    name: 'list tags of an unknown window',
    op: 'ListTagsForResource',
    body: { ResourceType: 'MaintenanceWindow', ResourceId: UNKNOWN_WINDOW },
    error: 'InvalidResourceId',
    mentions: UNKNOWN_WINDOW,
  },

  // CreateDocument
  {
    name: 'create a document without content',
    op: 'CreateDocument',
    body: { Name: 'New-Doc' },
    error: 'ValidationException',
    mentions: "'content' failed to satisfy constraint: Member must not be null",
  },
  {
    name: 'create a document with empty content',
    op: 'CreateDocument',
    body: { Name: 'New-Doc', Content: '' },
    error: 'ValidationException',
    mentions: "at 'content'",
  },
  {
    name: 'create a document with a two-character name',
    op: 'CreateDocument',
    body: { Name: 'ab', Content: VALID_DOCUMENT },
    error: 'ValidationException',
    mentions: "at 'name'",
  },
  {
    name: 'create a document with a space in its name',
    op: 'CreateDocument',
    body: { Name: 'my doc', Content: VALID_DOCUMENT },
    error: 'ValidationException',
    mentions: 'regular expression pattern',
  },
  {
    name: 'create a document with a reserved name',
    op: 'CreateDocument',
    body: { Name: 'AWSSupport-Mine', Content: VALID_DOCUMENT },
    error: 'ValidationException',
    mentions: 'reserved for Amazon-owned documents',
  },
  {
    name: 'create a document of an unknown type',
    op: 'CreateDocument',
    body: { Name: 'New-Doc', Content: VALID_DOCUMENT, DocumentType: 'Script' },
    error: 'ValidationException',
    mentions: "at 'documentType' failed to satisfy constraint: Member must satisfy enum value set",
  },
  {
    name: 'create a document in an unknown format',
    op: 'CreateDocument',
    body: { Name: 'New-Doc', Content: VALID_DOCUMENT, DocumentFormat: 'XML' },
    error: 'ValidationException',
    mentions: "at 'documentFormat'",
  },
  {
    name: 'create a document with a target type not starting with a slash',
    op: 'CreateDocument',
    body: { Name: 'New-Doc', Content: VALID_DOCUMENT, TargetType: 'AWS::EC2::Instance' },
    error: 'ValidationException',
    mentions: "at 'targetType'",
  },
  {
    name: 'create a document with content as an object',
    op: 'CreateDocument',
    body: { Name: 'New-Doc', Content: { schemaVersion: '2.2' } },
    error: 'SerializationException',
    mentions: 'content',
  },
  {
    name: 'create a document whose step has no action',
    op: 'CreateDocument',
    body: {
      Name: 'New-Doc',
      Content: JSON.stringify({ schemaVersion: '2.2', mainSteps: [{ name: 'go', inputs: { runCommand: ['ls'] } }] }),
    },
    error: 'InvalidDocumentContent',
    mentions: 'mainSteps[0] (go).action: is required',
  },
  {
    name: 'create a document with a reserved tag key',
    op: 'CreateDocument',
    body: { Name: 'New-Doc', Content: VALID_DOCUMENT, Tags: [{ Key: 'aws:owner', Value: 'x' }] },
    error: 'ValidationException',
    mentions: 'tags.1.member.key',
  },
  {
    name: 'create a document whose name is taken',
    op: 'CreateDocument',
    body: { Name: SEEDED_DOCUMENT, Content: VALID_DOCUMENT },
    error: 'DocumentAlreadyExists',
    mentions: SEEDED_DOCUMENT,
  },

  // UpdateDocument
  {
    name: 'update a document without a name',
    op: 'UpdateDocument',
    body: { Content: VALID_DOCUMENT },
    error: 'ValidationException',
    mentions: "'name' failed to satisfy constraint: Member must not be null",
  },
  {
    name: 'update a document at a version that is not a number',
    op: 'UpdateDocument',
    body: { Name: SEEDED_DOCUMENT, Content: VALID_DOCUMENT, DocumentVersion: 'latest' },
    error: 'ValidationException',
    mentions: "at 'documentVersion'",
  },
  {
    name: 'update an unknown document',
    op: 'UpdateDocument',
    body: { Name: 'No-Such-Doc', Content: VALID_DOCUMENT },
    error: 'InvalidDocument',
    mentions: 'No-Such-Doc',
  },
  {
    name: 'update a document with unchanged content',
    op: 'UpdateDocument',
    body: { Name: SEEDED_DOCUMENT, Content: VALID_DOCUMENT },
    error: 'DuplicateDocumentContent',
    mentions: 'version 1',
  },
  {
    name: 'update an Amazon-owned document',
    op: 'UpdateDocument',
    body: { Name: 'AWS-RunShellScript', Content: VALID_DOCUMENT },
    error: 'InvalidDocumentOperation',
    mentions: 'AWS-RunShellScript',
  },

  // GetDocument, DescribeDocument
  {
    name: 'get a document without a name',
    op: 'GetDocument',
    body: {},
    error: 'ValidationException',
    mentions: "'name' failed to satisfy constraint: Member must not be null",
  },
  {
    name: 'get an unknown document',
    op: 'GetDocument',
    body: { Name: 'No-Such-Doc' },
    error: 'InvalidDocument',
    mentions: 'No-Such-Doc',
  },
  {
    name: 'get document version 0',
    op: 'GetDocument',
    body: { Name: SEEDED_DOCUMENT, DocumentVersion: '0' },
    error: 'ValidationException',
    mentions: "at 'documentVersion'",
  },
  {
    name: 'get a document as TEXT',
    op: 'GetDocument',
    body: { Name: SEEDED_DOCUMENT, DocumentFormat: 'TEXT' },
    error: 'ValidationException',
    mentions: 'documentFormat',
  },
  {
    name: 'describe a version of a built-in document it does not have',
    op: 'DescribeDocument',
    body: { Name: 'AWS-RunShellScript', DocumentVersion: '2' },
    error: 'InvalidDocumentVersion',
    mentions: 'AWS-RunShellScript',
  },
  {
    name: 'describe a document by an unknown version name',
    op: 'DescribeDocument',
    body: { Name: SEEDED_DOCUMENT, VersionName: 'nope' },
    error: 'InvalidDocumentVersion',
    mentions: 'nope',
  },

  // ListDocuments, ListDocumentVersions
  {
    name: 'list 51 documents a page',
    op: 'ListDocuments',
    body: { MaxResults: 51 },
    error: 'ValidationException',
    mentions: "at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 50",
  },
  {
    name: 'list documents with seven filters',
    op: 'ListDocuments',
    body: { Filters: Array.from({ length: 7 }, () => ({ Key: 'Name', Values: ['a'] })) },
    error: 'ValidationException',
    mentions: "at 'filters'",
  },
  {
    name: 'list documents with an unknown filter key',
    op: 'ListDocuments',
    body: { Filters: [{ Key: 'Color', Values: ['red'] }] },
    error: 'InvalidFilterKey',
    mentions: 'Color',
  },
  {
    name: 'list documents with an unknown legacy filter key',
    op: 'ListDocuments',
    body: { DocumentFilterList: [{ key: 'SearchKeyword', value: 'x' }] },
    error: 'InvalidFilterKey',
    mentions: 'SearchKeyword',
  },
  {
    name: 'list documents with both filter lists',
    op: 'ListDocuments',
    body: { Filters: [{ Key: 'Owner', Values: ['Self'] }], DocumentFilterList: [{ key: 'Owner', value: 'Self' }] },
    error: 'ValidationException',
    mentions: 'not both',
  },
  {
    name: 'list documents of an unknown owner',
    op: 'ListDocuments',
    body: { Filters: [{ Key: 'Owner', Values: ['Mine'] }] },
    error: 'ValidationException',
    mentions: 'filters.1.member.values',
  },
  {
    name: 'list documents of an unknown platform',
    op: 'ListDocuments',
    body: { Filters: [{ Key: 'PlatformTypes', Values: ['Solaris'] }] },
    error: 'ValidationException',
    mentions: 'Solaris',
  },
  {
    name: 'list documents by two tag keys',
    op: 'ListDocuments',
    body: {
      Filters: [
        { Key: 'tag:a', Values: ['1'] },
        { Key: 'tag:b', Values: ['2'] },
      ],
    },
    error: 'ValidationException',
    mentions: 'one tag key',
  },
  {
    name: 'list documents with a forged token',
    op: 'ListDocuments',
    body: { NextToken: 'not-a-token' },
    error: 'InvalidNextToken',
    mentions: 'NextToken',
  },
  {
    name: 'list the versions of an unknown document',
    op: 'ListDocumentVersions',
    body: { Name: 'No-Such-Doc' },
    error: 'InvalidDocument',
    mentions: 'No-Such-Doc',
  },
  {
    name: 'list document versions with a forged token',
    op: 'ListDocumentVersions',
    body: { Name: SEEDED_DOCUMENT, NextToken: 'forged.token' },
    error: 'InvalidNextToken',
    mentions: 'NextToken',
  },

  // UpdateDocumentDefaultVersion, DeleteDocument
  {
    name: 'make $LATEST the default version',
    op: 'UpdateDocumentDefaultVersion',
    body: { Name: SEEDED_DOCUMENT, DocumentVersion: '$LATEST' },
    error: 'ValidationException',
    mentions: "at 'documentVersion' failed to satisfy constraint: Member must satisfy regular expression pattern",
  },
  {
    name: 'make a version that does not exist the default',
    op: 'UpdateDocumentDefaultVersion',
    body: { Name: SEEDED_DOCUMENT, DocumentVersion: '9' },
    error: 'InvalidDocumentVersion',
    mentions: 'no version 9',
  },
  {
    name: 'delete an unknown document',
    op: 'DeleteDocument',
    body: { Name: 'No-Such-Doc' },
    error: 'InvalidDocument',
    mentions: 'No-Such-Doc',
  },
  {
    name: 'delete an Amazon-owned document',
    op: 'DeleteDocument',
    body: { Name: 'AWS-RunShellScript' },
    error: 'InvalidDocumentOperation',
    mentions: 'owned by Amazon',
  },
  {
    name: 'delete a document by ARN',
    op: 'DeleteDocument',
    body: { Name: `arn:aws:ssm:us-east-1:123456789012:document/${SEEDED_DOCUMENT}` },
    error: 'ValidationException',
    mentions: "at 'name'",
  },
  {
    name: 'delete a document with Force as a string',
    op: 'DeleteDocument',
    body: { Name: SEEDED_DOCUMENT, Force: 'yes' },
    error: 'SerializationException',
    mentions: 'force',
  },
];

describe('bad input', () => {
  let server: ServerProcess;
  let ssm: SSMClient;
  let ids: Record<'$W' | '$T' | '$K', string>;
  let before: unknown;
  let documentsBefore: unknown;

  const substitute = (value: unknown): unknown =>
    typeof value === 'string'
      ? value.replace(/\$[WTK]/g, (name) => ids[name as keyof typeof ids])
      : Array.isArray(value)
        ? value.map(substitute)
        : value !== null && typeof value === 'object'
          ? Object.fromEntries(Object.entries(value).map(([key, member]) => [key, substitute(member)]))
          : value;

  beforeAll(async () => {
    server = await startServerProcess();
    ssm = server.client();
    const window = await ssm.send(
      new CreateMaintenanceWindowCommand({ ...VALID_WINDOW, Name: 'seeded', Tags: [{ Key: 'k', Value: 'v' }] }),
    );
    const target = await ssm.send(
      new RegisterTargetWithMaintenanceWindowCommand({
        WindowId: window.WindowId,
        ResourceType: 'INSTANCE',
        Targets: [{ Key: 'InstanceIds', Values: [NODE] }],
      }),
    );
    ids = { $W: window.WindowId!, $T: target.WindowTargetId!, $K: '' };
    const task = await ssm.send(new RegisterTaskWithMaintenanceWindowCommand(substitute(VALID_TASK) as never));
    ids.$K = task.WindowTaskId!;
    await ssm.send(new CreateDocumentCommand({ Name: SEEDED_DOCUMENT, Content: VALID_DOCUMENT }));
    before = await snapshotStore(ssm);
    documentsBefore = await snapshotDocuments(ssm);
  });

  afterAll(async () => {
    await server.dispose();
  });

  it.each(CASES)('answers $error for $name', async (testCase) => {
    const body =
      typeof testCase.body === 'string' ? testCase.body : (substitute(testCase.body) as Record<string, unknown>);
    const response = await callRaw(server.url, `AmazonSSM.${testCase.op}`, body);
    expect(response.status).toBe(400);
    expect(response.body.__type).toBe(testCase.error);
    expect(response.headers.get('x-amzn-errortype')).toBe(testCase.error);
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof response.body.message).toBe('string');
    if (testCase.mentions !== undefined) {
      const mentions = substitute(testCase.mentions) as string;
      expect((response.body.message as string).toLowerCase()).toContain(mentions.toLowerCase());
    }
  });

  it('answers UnknownOperationException when X-Amz-Target is missing', async () => {
    const response = await callRaw(server.url, undefined, {});
    expect(response.body).toMatchObject({ __type: 'UnknownOperationException', message: 'Missing X-Amz-Target' });
  });

  it('answers MissingAuthenticationTokenException to an unsigned request', async () => {
    const response = await callRaw(server.url, 'AmazonSSM.DescribeMaintenanceWindows', {}, { credentials: 'unsigned' });
    expect(response.status).toBe(400);
    expect(response.body.__type).toBe('MissingAuthenticationTokenException');
  });

  it('answers InvalidSignatureException to a request signed with the wrong secret', async () => {
    const response = await callRaw(server.url, 'AmazonSSM.CreateMaintenanceWindow', VALID_WINDOW, {
      credentials: { accessKeyId: ADMIN.accessKeyId, secretAccessKey: 'not-the-secret-at-all' },
    });
    expect(response.body.__type).toBe('InvalidSignatureException');
    expect(response.body.message).toContain('signature we calculated does not match');
  });

  it('answers UnrecognizedClientException to an unknown access key', async () => {
    const response = await callRaw(server.url, 'AmazonSSM.CreateMaintenanceWindow', VALID_WINDOW, {
      credentials: { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'whatever-secret-value' },
    });
    expect(response.body.__type).toBe('UnrecognizedClientException');
  });

  it('answers InvalidSignatureException to a signature ten minutes old', async () => {
    const response = await callRaw(server.url, 'AmazonSSM.CreateMaintenanceWindow', VALID_WINDOW, {
      signingDate: new Date(Date.now() - 10 * 60 * 1000),
    });
    expect(response.body.__type).toBe('InvalidSignatureException');
    expect(response.body.message).toMatch(/^Signature expired: /);
  });

  it('answers InvalidSignatureException to a signature for another service', async () => {
    const response = await callRaw(server.url, 'AmazonSSM.CreateMaintenanceWindow', VALID_WINDOW, { service: 'ec2' });
    expect(response.body.__type).toBe('InvalidSignatureException');
  });

  it('rejects a signed request whose body was changed after signing', async () => {
    const response = await callRaw(server.url, 'AmazonSSM.CreateMaintenanceWindow', VALID_WINDOW, {
      headers: { 'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
    });
    expect(response.body.__type).toBe('InvalidSignatureException');
  });

  it('surfaces the error names to the SDK client', async () => {
    await expect(
      ssm.send(new CreateMaintenanceWindowCommand({ ...VALID_WINDOW, Duration: 2, Cutoff: 2 })),
    ).rejects.toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
  });

  it('leaves the store exactly as it was after every rejected request', async () => {
    expect(await snapshotStore(ssm)).toEqual(before);
    expect(await snapshotDocuments(ssm)).toEqual(documentsBefore);
  });
});
