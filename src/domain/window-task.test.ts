import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aWindowTarget, aWindowTask } from '../../test/support/builders.js';
import { ValidationError } from './errors.js';
import type { WindowTaskType } from './maintenance-window.js';
import {
  applyTargetPatch,
  applyTaskPatch,
  checkWindowTask,
  DEFAULT_TASK_PRIORITY,
  SUPPORTED_TASK_TYPES,
  type WindowTaskSettings,
} from './window-task.js';

const NODE_A = 'mi-0123456789abcdef0';
const WINDOW_TARGET_ID = '8f7c1b9e-3a52-4d6f-9b0e-2c4d6e8fa0b1';
const STRICT_WINDOW = { allowUnassociatedTargets: false };
const OPEN_WINDOW = { allowUnassociatedTargets: true };

/** A valid RUN_COMMAND definition targeting one window target. */
function runCommand(overrides: Partial<WindowTaskSettings> = {}): WindowTaskSettings {
  return {
    taskArn: 'AWS-RunShellScript',
    targets: [{ Key: 'WindowTargetIds', Values: [WINDOW_TARGET_ID] }],
    maxConcurrency: '2',
    maxErrors: '1',
    ...overrides,
  };
}

function validationErrorOf(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected a ValidationError, but nothing was thrown');
}

/**
 * Targetless tasks exist only for task types Mado does not run yet. To exercise their rules, a
 * block temporarily adds AUTOMATION to the supported types (module state is per test file).
 */
function supportingAutomation(): void {
  const supported = SUPPORTED_TASK_TYPES as WindowTaskType[];
  beforeEach(() => {
    supported.push('AUTOMATION');
  });
  afterEach(() => {
    supported.splice(supported.indexOf('AUTOMATION'), 1);
  });
}

describe('checkWindowTask', () => {
  it.each(['AUTOMATION', 'LAMBDA', 'STEP_FUNCTIONS'] as const)(
    'refuses task type %s and names RUN_COMMAND as the supported one',
    (taskType) => {
      const error = validationErrorOf(() => checkWindowTask(taskType, runCommand(), STRICT_WINDOW));
      expect(error.violations[0]?.field).toBe('taskType');
      expect(error.message).toContain('RUN_COMMAND');
    },
  );

  it('accepts a RUN_COMMAND task on a window target and reports the selection', () => {
    const checked = checkWindowTask('RUN_COMMAND', runCommand(), STRICT_WINDOW);
    expect(checked.selection).toEqual({ kind: 'WindowTargetIds', windowTargetIds: [WINDOW_TARGET_ID] });
    expect(checked.settings.maxConcurrency).toBe('2');
    expect(checked.settings.maxErrors).toBe('1');
  });

  it('accepts node ids in a window that allows unassociated targets', () => {
    const checked = checkWindowTask(
      'RUN_COMMAND',
      runCommand({ targets: [{ Key: 'InstanceIds', Values: [NODE_A] }] }),
      OPEN_WINDOW,
    );
    expect(checked.selection).toEqual({ kind: 'InstanceIds', instanceIds: [NODE_A] });
  });

  interface RefusedCase {
    readonly name: string;
    readonly settings: WindowTaskSettings;
    readonly field: string;
  }

  const refused: readonly RefusedCase[] = [
    { name: 'a RUN_COMMAND task without targets', settings: runCommand({ targets: [] }), field: 'targets' },
    {
      name: 'a RUN_COMMAND task without targets even with rate control',
      settings: runCommand({ targets: [], maxConcurrency: '1', maxErrors: '0' }),
      field: 'targets',
    },
    {
      name: 'a task with targets but no MaxConcurrency',
      settings: runCommand({ maxConcurrency: undefined }),
      field: 'maxConcurrency',
    },
    {
      name: 'a task with targets but no MaxErrors',
      settings: runCommand({ maxErrors: undefined }),
      field: 'maxErrors',
    },
    {
      name: 'node ids in a window that does not allow unassociated targets',
      settings: runCommand({ targets: [{ Key: 'InstanceIds', Values: [NODE_A] }] }),
      field: 'targets.1.member.key',
    },
    {
      name: 'an Automation member in a RUN_COMMAND task',
      settings: runCommand({ taskInvocationParameters: { Automation: { DocumentVersion: '$LATEST' } } }),
      field: 'taskInvocationParameters.automation',
    },
    {
      name: 'a Lambda member next to the RunCommand member',
      settings: runCommand({ taskInvocationParameters: { RunCommand: { Comment: 'x' }, Lambda: { Qualifier: '1' } } }),
      field: 'taskInvocationParameters.lambda',
    },
    {
      name: 'a StepFunctions member in a RUN_COMMAND task',
      settings: runCommand({ taskInvocationParameters: { StepFunctions: { Name: 'run' } } }),
      field: 'taskInvocationParameters.stepFunctions',
    },
  ];

  it.each(refused.map((c) => [c.name, c.field, c] as const))(
    'refuses %s on %s',
    (_name, _field, { settings, field }) => {
      const error = validationErrorOf(() => checkWindowTask('RUN_COMMAND', settings, STRICT_WINDOW));
      expect(error.violations[0]?.field).toBe(field);
    },
  );

  it('accepts the RunCommand member of TaskInvocationParameters', () => {
    const parameters = { RunCommand: { Comment: 'patch', Parameters: { commands: ['{{WINDOW_ID}}'] } } };
    const checked = checkWindowTask('RUN_COMMAND', runCommand({ taskInvocationParameters: parameters }), STRICT_WINDOW);
    expect(checked.settings.taskInvocationParameters).toEqual(parameters);
  });

  it('defaults Priority to 1 when it is absent', () => {
    const checked = checkWindowTask('RUN_COMMAND', runCommand(), STRICT_WINDOW);
    expect(checked.settings.priority).toBe(1);
    expect(DEFAULT_TASK_PRIORITY).toBe(1);
  });

  it('keeps Priority 0 as given', () => {
    const checked = checkWindowTask('RUN_COMMAND', runCommand({ priority: 0 }), STRICT_WINDOW);
    expect(checked.settings.priority).toBe(0);
  });

  it('passes the other settings through unchanged', () => {
    const settings = runCommand({
      name: 'patch-web',
      description: 'Patches the web tier',
      serviceRoleArn: 'arn:aws:iam::123456789012:role/MaintenanceWindows',
      cutoffBehavior: 'CANCEL_TASK',
      loggingInfo: { S3BucketName: 'logs', S3Region: 'us-east-1' },
      alarmConfiguration: { Alarms: [{ Name: 'cpu-high' }] },
      taskParameters: { commands: { Values: ['uptime'] } },
    });
    const checked = checkWindowTask('RUN_COMMAND', settings, STRICT_WINDOW);
    expect(checked.settings).toEqual({ ...settings, priority: 1 });
  });

  describe('for a targetless task type', () => {
    supportingAutomation();

    it('stores the placeholder "1" for MaxConcurrency and MaxErrors', () => {
      const checked = checkWindowTask('AUTOMATION', { taskArn: 'AWS-RestartEC2Instance', targets: [] }, STRICT_WINDOW);
      expect(checked.selection).toEqual({ kind: 'None' });
      expect(checked.settings.maxConcurrency).toBe('1');
      expect(checked.settings.maxErrors).toBe('1');
    });

    it('refuses MaxConcurrency on a task without targets', () => {
      const error = validationErrorOf(() =>
        checkWindowTask(
          'AUTOMATION',
          { taskArn: 'AWS-RestartEC2Instance', targets: [], maxConcurrency: '1' },
          STRICT_WINDOW,
        ),
      );
      expect(error.violations[0]?.field).toBe('maxConcurrency');
      expect(error.message).toBe("Maintenance window tasks without targets don't support MaxConcurrency values.");
    });

    it('refuses MaxErrors on a task without targets', () => {
      const error = validationErrorOf(() =>
        checkWindowTask(
          'AUTOMATION',
          { taskArn: 'AWS-RestartEC2Instance', targets: [], maxErrors: '0' },
          STRICT_WINDOW,
        ),
      );
      expect(error.violations[0]?.field).toBe('maxErrors');
      expect(error.message).toBe("Maintenance window tasks without targets don't support MaxErrors values.");
    });

    it('refuses a RunCommand member in an AUTOMATION task', () => {
      const error = validationErrorOf(() =>
        checkWindowTask(
          'AUTOMATION',
          { taskArn: 'AWS-RestartEC2Instance', targets: [], taskInvocationParameters: { RunCommand: {} } },
          STRICT_WINDOW,
        ),
      );
      expect(error.violations[0]?.field).toBe('taskInvocationParameters.runCommand');
    });

    it('leaves a task targetless after an update that removes every target', () => {
      const current = aWindowTask({ taskType: 'AUTOMATION', maxConcurrency: '5', maxErrors: '2' });
      const merged = applyTaskPatch(current, { targets: [] }, false);
      const checked = checkWindowTask('AUTOMATION', merged, STRICT_WINDOW);
      expect(checked.settings.maxConcurrency).toBe('1');
      expect(checked.settings.maxErrors).toBe('1');
    });
  });
});

describe('applyTaskPatch', () => {
  const current = aWindowTask({
    taskArn: 'AWS-RunPowerShellScript',
    serviceRoleArn: 'arn:aws:iam::123456789012:role/MaintenanceWindows',
    taskParameters: { commands: { Values: ['Get-Date'] } },
    taskInvocationParameters: {
      RunCommand: {
        Comment: 'nightly',
        NotificationConfig: { NotificationArn: 'arn:aws:sns:us-east-1:123456789012:mw', NotificationType: 'Command' },
        OutputS3BucketName: 'old-bucket',
      },
    },
    priority: 3,
    maxConcurrency: '10%',
    maxErrors: '2',
    loggingInfo: { S3BucketName: 'logs', S3Region: 'us-east-1' },
    name: 'patch-web',
    description: 'Patches the web tier',
    cutoffBehavior: 'CANCEL_TASK',
    alarmConfiguration: { Alarms: [{ Name: 'cpu-high' }] },
  });
  const currentSettings: WindowTaskSettings = {
    taskArn: current.taskArn,
    targets: current.targets,
    serviceRoleArn: current.serviceRoleArn,
    taskParameters: current.taskParameters,
    taskInvocationParameters: current.taskInvocationParameters,
    priority: current.priority,
    maxConcurrency: current.maxConcurrency,
    maxErrors: current.maxErrors,
    loggingInfo: current.loggingInfo,
    name: current.name,
    description: current.description,
    cutoffBehavior: current.cutoffBehavior,
    alarmConfiguration: current.alarmConfiguration,
  };

  it('keeps every member when the patch is empty', () => {
    expect(applyTaskPatch(current, {}, false)).toEqual(currentSettings);
  });

  it('changes only the members the patch carries', () => {
    expect(applyTaskPatch(current, { taskArn: 'AWS-RunShellScript', priority: 0, name: 'patch-all' }, false)).toEqual({
      ...currentSettings,
      taskArn: 'AWS-RunShellScript',
      priority: 0,
      name: 'patch-all',
    });
  });

  it('replaces TaskInvocationParameters as a whole, dropping members not re-sent', () => {
    const next = applyTaskPatch(
      current,
      { taskInvocationParameters: { RunCommand: { OutputS3BucketName: 'new-bucket' } } },
      false,
    );
    expect(next.taskInvocationParameters).toEqual({ RunCommand: { OutputS3BucketName: 'new-bucket' } });
  });

  it('does not carry the targetless placeholder "1" into a patch as if the caller had set it', () => {
    const targetless = aWindowTask({ taskType: 'AUTOMATION', targets: [], maxConcurrency: '1', maxErrors: '1' });
    const next = applyTaskPatch(targetless, { name: 'renamed' }, false);
    expect(next.maxConcurrency).toBeUndefined();
    expect(next.maxErrors).toBeUndefined();
  });

  it('keeps rate control the caller sends when a targetless task gains targets', () => {
    const targetless = aWindowTask({ taskType: 'AUTOMATION', targets: [], maxConcurrency: '1', maxErrors: '1' });
    const targets = [{ Key: 'WindowTargetIds', Values: [WINDOW_TARGET_ID] }];
    const next = applyTaskPatch(targetless, { targets, maxConcurrency: '3', maxErrors: '0' }, false);
    expect(next).toMatchObject({ targets, maxConcurrency: '3', maxErrors: '0' });
  });

  it('drops the stored MaxConcurrency and MaxErrors when the patch removes every target', () => {
    const next = applyTaskPatch(current, { targets: [] }, false);
    expect(next.targets).toEqual([]);
    expect(next.maxConcurrency).toBeUndefined();
    expect(next.maxErrors).toBeUndefined();
  });

  it('requires TaskArn when Replace is true', () => {
    const error = validationErrorOf(() => applyTaskPatch(current, { name: 'renamed' }, true));
    expect(error.violations[0]?.field).toBe('taskArn');
  });

  it('clears every absent optional member when Replace is true', () => {
    const targets = [{ Key: 'WindowTargetIds', Values: [WINDOW_TARGET_ID] }];
    const next = applyTaskPatch(
      current,
      { taskArn: 'AWS-RunShellScript', targets, maxConcurrency: '1', maxErrors: '0' },
      true,
    );
    expect(next).toEqual({ taskArn: 'AWS-RunShellScript', targets, maxConcurrency: '1', maxErrors: '0' });
    expect(checkWindowTask('RUN_COMMAND', next, STRICT_WINDOW).settings.priority).toBe(DEFAULT_TASK_PRIORITY);
  });

  it('clears the targets when Replace is true and none are sent', () => {
    const next = applyTaskPatch(current, { taskArn: 'AWS-RunShellScript' }, true);
    expect(next.targets).toEqual([]);
    const error = validationErrorOf(() => checkWindowTask('RUN_COMMAND', next, STRICT_WINDOW));
    expect(error.violations[0]?.field).toBe('targets');
  });
});

describe('applyTargetPatch', () => {
  const current = aWindowTarget({
    resourceType: 'INSTANCE',
    targets: [{ Key: 'tag:Env', Values: ['Prod'] }],
    ownerInformation: 'team-web',
    name: 'web',
    description: 'Web servers',
  });

  it('keeps the targets, owner information, name and description when the patch is empty', () => {
    expect(applyTargetPatch(current, {}, false)).toEqual({
      resourceType: 'INSTANCE',
      targets: current.targets,
      ownerInformation: 'team-web',
      name: 'web',
      description: 'Web servers',
    });
  });

  it('changes only the target members the patch carries', () => {
    expect(applyTargetPatch(current, { ownerInformation: 'team-api' }, false)).toMatchObject({
      targets: current.targets,
      ownerInformation: 'team-api',
      name: 'web',
      description: 'Web servers',
    });
  });

  it('requires Targets when Replace is true', () => {
    const error = validationErrorOf(() => applyTargetPatch(current, { name: 'web' }, true));
    expect(error.violations[0]?.field).toBe('targets');
  });

  it('clears OwnerInformation, Name and Description when Replace is true and they are absent', () => {
    const targets = [{ Key: 'tag:Env', Values: ['Dev'] }];
    const next = applyTargetPatch(current, { targets }, true);
    expect(next).toEqual({ resourceType: 'INSTANCE', targets });
    expect(next.ownerInformation).toBeUndefined();
    expect(next.name).toBeUndefined();
    expect(next.description).toBeUndefined();
  });

  it('switches the resource type to RESOURCE_GROUP when the new keys name a resource group', () => {
    const next = applyTargetPatch(
      current,
      { targets: [{ Key: 'resource-groups:Name', Values: ['web-servers'] }] },
      false,
    );
    expect(next.resourceType).toBe('RESOURCE_GROUP');
  });

  it('switches the resource type back to INSTANCE when the new keys select nodes', () => {
    const group = aWindowTarget({
      resourceType: 'RESOURCE_GROUP',
      targets: [{ Key: 'resource-groups:Name', Values: ['web-servers'] }],
    });
    const next = applyTargetPatch(group, { targets: [{ Key: 'InstanceIds', Values: [NODE_A] }] }, false);
    expect(next.resourceType).toBe('INSTANCE');
  });

  it('validates the new targets for the resource type they imply', () => {
    const error = validationErrorOf(() =>
      applyTargetPatch(
        current,
        {
          targets: [
            { Key: 'resource-groups:Name', Values: ['web-servers'] },
            { Key: 'tag:Env', Values: ['Prod'] },
          ],
        },
        false,
      ),
    );
    expect(error.violations[0]?.field).toBe('targets.2.member.key');
  });

  it('refuses a malformed node id in the new targets', () => {
    const error = validationErrorOf(() =>
      applyTargetPatch(current, { targets: [{ Key: 'InstanceIds', Values: ['mi-1'] }] }, false),
    );
    expect(error.violations[0]?.field).toBe('targets.1.member.values');
  });
});
