import { describe, expect, it } from 'vitest';
import type { Command, CommandInvocation, PluginResult } from '../../domain/command.js';
import {
  commandInvocationWire,
  commandWire,
  executionDateTime,
  getCommandInvocationWire,
  isoDuration,
} from './command-wire.js';

const REQUESTED_AT = Date.parse('2024-01-15T12:00:00.000Z');

const COMMAND: Command = {
  commandId: '0b6c6f1e-4b2d-4d7a-9f8e-1a2b3c4d5e6f',
  documentName: 'AWS-RunShellScript',
  documentVersion: '',
  comment: '',
  parameters: { commands: ['echo hi'] },
  instanceIds: ['mi-0123456789abcdef0'],
  targets: [],
  requestedAt: REQUESTED_AT,
  expiresAfterAt: REQUESTED_AT + 7_200_000,
  timeoutSeconds: 3600,
  executionTimeoutSeconds: 3600,
  maxConcurrency: '50',
  maxErrors: '0',
  outputS3BucketName: '',
  outputS3KeyPrefix: '',
  serviceRoleArn: '',
  steps: [{ name: 'aws:runShellScript', action: 'aws:runShellScript', inputs: { runCommand: ['echo hi'] } }],
  status: 'Pending',
  statusDetails: 'Pending',
  targetCount: 1,
  completedCount: 0,
  errorCount: 0,
  deliveryTimedOutCount: 0,
  cancelRequested: false,
};

const PENDING: CommandInvocation = {
  commandId: COMMAND.commandId,
  instanceId: 'mi-0123456789abcdef0',
  instanceName: 'web-1',
  statusDetails: 'Pending',
  requestedAt: REQUESTED_AT,
  plugins: [],
};

const FINISHED_PLUGIN: PluginResult = {
  name: 'aws:runShellScript',
  action: 'aws:runShellScript',
  status: 'Failed',
  statusDetails: 'Failed',
  responseCode: 2,
  startedAt: REQUESTED_AT + 1_000,
  endedAt: REQUESTED_AT + 66_200,
  output: 'short',
};

describe('isoDuration', () => {
  it.each([
    [0, 'PT0S'],
    [91, 'PT0.091S'],
    [500, 'PT0.5S'],
    [1_000, 'PT1S'],
    [65_200, 'PT1M5.2S'],
    [60_000, 'PT1M'],
    [3_600_000, 'PT1H'],
    [3_661_010, 'PT1H1M1.01S'],
    [90_000_000, 'PT25H'],
    [-5, 'PT0S'],
  ])('writes %i ms as %s', (ms, text) => {
    expect(isoDuration(ms)).toBe(text);
  });
});

describe('executionDateTime', () => {
  it('writes UTC with milliseconds and Z', () => {
    expect(executionDateTime(Date.parse('2020-02-19T18:18:03.419Z'))).toBe('2020-02-19T18:18:03.419Z');
    expect(executionDateTime(Date.parse('2020-02-19T18:18:03Z'))).toBe('2020-02-19T18:18:03.000Z');
  });

  it('writes an empty string when there is no instant', () => {
    expect(executionDateTime(undefined)).toBe('');
  });
});

describe('commandWire', () => {
  it("fills AWS's empty values for what the caller did not give", () => {
    expect(commandWire(COMMAND, 'us-east-1')).toEqual({
      CommandId: COMMAND.commandId,
      DocumentName: 'AWS-RunShellScript',
      DocumentVersion: '',
      Comment: '',
      ExpiresAfter: REQUESTED_AT / 1000 + 7200,
      Parameters: { commands: ['echo hi'] },
      InstanceIds: ['mi-0123456789abcdef0'],
      Targets: [],
      RequestedDateTime: REQUESTED_AT / 1000,
      Status: 'Pending',
      StatusDetails: 'Pending',
      OutputS3Region: 'us-east-1',
      OutputS3BucketName: '',
      OutputS3KeyPrefix: '',
      MaxConcurrency: '50',
      MaxErrors: '0',
      TargetCount: 1,
      CompletedCount: 0,
      ErrorCount: 0,
      DeliveryTimedOutCount: 0,
      ServiceRole: '',
      NotificationConfig: { NotificationArn: '', NotificationEvents: [], NotificationType: '' },
      CloudWatchOutputConfig: { CloudWatchLogGroupName: '', CloudWatchOutputEnabled: false },
      TimeoutSeconds: 3600,
    });
  });

  it('completes a partly given notification config', () => {
    const wire = commandWire({ ...COMMAND, notificationConfig: { NotificationArn: 'arn:aws:sns:x' } }, 'us-east-1');
    expect(wire.NotificationConfig).toEqual({
      NotificationArn: 'arn:aws:sns:x',
      NotificationEvents: [],
      NotificationType: '',
    });
  });
});

describe('commandInvocationWire', () => {
  it('gives an empty plugin list without Details', () => {
    expect(commandInvocationWire(PENDING, COMMAND, false, 'us-east-1').CommandPlugins).toEqual([]);
  });

  it('lists every step with Details, named after the step, even before the agent reports', () => {
    expect(commandInvocationWire(PENDING, COMMAND, true, 'us-east-1').CommandPlugins).toEqual([
      {
        Name: 'aws:runShellScript',
        Status: 'Pending',
        StatusDetails: 'Pending',
        ResponseCode: -1,
        Output: '',
        StandardOutputUrl: '',
        StandardErrorUrl: '',
        OutputS3Region: 'us-east-1',
        OutputS3BucketName: '',
        OutputS3KeyPrefix: '',
      },
    ]);
  });

  it('keeps plugin Output within 2,500 characters', () => {
    const invocation: CommandInvocation = {
      ...PENDING,
      statusDetails: 'Success',
      plugins: [{ ...FINISHED_PLUGIN, output: 'x'.repeat(3_000) }],
    };
    const [plugin] = commandInvocationWire(invocation, COMMAND, true, 'us-east-1').CommandPlugins;
    expect(plugin?.Output).toHaveLength(2_500);
  });
});

describe('getCommandInvocationWire', () => {
  it('shows no output and no times while the step has not finished', () => {
    const wire = getCommandInvocationWire({
      command: COMMAND,
      invocation: PENDING,
      pluginName: 'aws:runShellScript',
      output: { pluginName: 'aws:runShellScript', stdout: 'partial', stderr: '' },
    });
    expect(wire).toMatchObject({
      PluginName: 'aws:runShellScript',
      ResponseCode: -1,
      Status: 'Pending',
      StatusDetails: 'Pending',
      ExecutionStartDateTime: '',
      ExecutionEndDateTime: '',
      ExecutionElapsedTime: '',
      StandardOutputContent: '',
      StandardErrorContent: '',
    });
  });

  it("reports the step's status, exit code and times, and cuts stdout at 24,000 and stderr at 8,000", () => {
    const wire = getCommandInvocationWire({
      command: COMMAND,
      invocation: { ...PENDING, statusDetails: 'Failed', plugins: [FINISHED_PLUGIN] },
      pluginName: 'aws:runShellScript',
      output: { pluginName: 'aws:runShellScript', stdout: 'o'.repeat(30_000), stderr: 'e'.repeat(9_000) },
    });
    expect(wire).toMatchObject({
      ResponseCode: 2,
      Status: 'Failed',
      StatusDetails: 'Failed',
      ExecutionStartDateTime: '2024-01-15T12:00:01.000Z',
      ExecutionEndDateTime: '2024-01-15T12:01:06.200Z',
      ExecutionElapsedTime: 'PT1M5.2S',
      StandardOutputUrl: '',
      StandardErrorUrl: '',
      CloudWatchOutputConfig: { CloudWatchLogGroupName: '', CloudWatchOutputEnabled: false },
    });
    expect(wire.StandardOutputContent).toHaveLength(24_000);
    expect(wire.StandardErrorContent).toHaveLength(8_000);
  });

  it('shows empty output for a finished step whose output was not stored', () => {
    const wire = getCommandInvocationWire({
      command: COMMAND,
      invocation: { ...PENDING, statusDetails: 'Failed', plugins: [FINISHED_PLUGIN] },
      pluginName: 'aws:runShellScript',
      output: undefined,
    });
    expect(wire.StandardOutputContent).toBe('');
    expect(wire.StandardErrorContent).toBe('');
  });
});
