import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../domain/errors.js';
import { WireError } from '../errors.js';
import { createMaintenanceWindow } from '../operations/create-maintenance-window.js';
import { registerTargetWithMaintenanceWindow } from '../operations/register-target-with-maintenance-window.js';
import { registerTaskWithMaintenanceWindow } from '../operations/register-task-with-maintenance-window.js';
import { dropNulls, memberPath, parseRequest } from './validate.js';

const WINDOW_ID = 'mw-0123456789abcdef0';
const WINDOW_TARGET_ID = '8f7c1b9e-3a52-4d6f-9b0e-2c4d6e8fa0b1';

const createWindow = {
  Name: 'nightly-patching',
  Schedule: 'cron(0 2 ? * SUN *)',
  Duration: 3,
  Cutoff: 1,
  AllowUnassociatedTargets: false,
};

const registerTask = {
  WindowId: WINDOW_ID,
  TaskArn: 'AWS-RunShellScript',
  TaskType: 'RUN_COMMAND',
  Targets: [{ Key: 'WindowTargetIds', Values: [WINDOW_TARGET_ID] }],
  MaxConcurrency: '2',
  MaxErrors: '1',
};

const registerTarget = {
  WindowId: WINDOW_ID,
  ResourceType: 'INSTANCE',
  Targets: [{ Key: 'tag:Env', Values: ['Prod'] }],
};

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, but nothing was thrown');
}

function validationErrorOf(fn: () => unknown): ValidationError {
  const error = thrownBy(fn);
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

function wireErrorOf(fn: () => unknown): WireError {
  const error = thrownBy(fn);
  expect(error).toBeInstanceOf(WireError);
  return error as WireError;
}

describe('parseRequest', () => {
  it('returns the parsed request when every member is valid', () => {
    expect(parseRequest(createMaintenanceWindow.input, createWindow)).toEqual(createWindow);
  });

  it('drops members whose value is null', () => {
    const parsed = parseRequest(createMaintenanceWindow.input, {
      ...createWindow,
      Description: null,
      ScheduleOffset: null,
    });
    expect(parsed).toEqual(createWindow);
    expect(Object.keys(parsed as object)).not.toContain('Description');
  });

  it('drops null members inside nested structures', () => {
    const parsed = parseRequest(registerTaskWithMaintenanceWindow.input, {
      ...registerTask,
      TaskInvocationParameters: { RunCommand: { Comment: null, TimeoutSeconds: 60 } },
    }) as { TaskInvocationParameters: unknown };
    expect(parsed.TaskInvocationParameters).toEqual({ RunCommand: { TimeoutSeconds: 60 } });
  });

  it('ignores members the model does not know', () => {
    expect(parseRequest(createMaintenanceWindow.input, { ...createWindow, FutureMember: 'x' })).toEqual(createWindow);
  });

  it('reports a missing required member as "Member must not be null"', () => {
    const { Name: _name, ...withoutName } = createWindow;
    const error = validationErrorOf(() => parseRequest(createMaintenanceWindow.input, withoutName));
    expect(error.violations).toEqual([{ field: 'name', message: 'Member must not be null' }]);
    expect(error.message).toBe(
      "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null",
    );
  });

  it('reports a required member sent as null as missing', () => {
    const error = validationErrorOf(() =>
      parseRequest(createMaintenanceWindow.input, { ...createWindow, Duration: null }),
    );
    expect(error.violations[0]).toEqual({ field: 'duration', message: 'Member must not be null' });
  });

  it.each([
    ['a number for a string member', 'name', { Name: 42 }],
    ['a string for an integer member', 'duration', { Duration: '3' }],
    ['a string for a boolean member', 'allowUnassociatedTargets', { AllowUnassociatedTargets: 'true' }],
    ['a string for a list member', 'tags', { Tags: 'Env=Prod' }],
  ])('refuses %s with SerializationException naming %s', (_name, field, change) => {
    const error = wireErrorOf(() => parseRequest(createMaintenanceWindow.input, { ...createWindow, ...change }));
    expect(error.type).toBe('SerializationException');
    expect(error.httpStatus).toBe(400);
    expect(error.message).toContain(`'${field}'`);
  });

  it('refuses a body that is not a JSON object with SerializationException', () => {
    const error = wireErrorOf(() => parseRequest(createMaintenanceWindow.input, ['not', 'an', 'object']));
    expect(error.type).toBe('SerializationException');
  });

  it('refuses a wrongly typed member inside a list with SerializationException', () => {
    const error = wireErrorOf(() =>
      parseRequest(registerTargetWithMaintenanceWindow.input, {
        ...registerTarget,
        Targets: [{ Key: 'tag:Env', Values: 'Prod' }],
      }),
    );
    expect(error.type).toBe('SerializationException');
    expect(error.message).toContain("'targets.1.member.values'");
  });

  it('reports a constraint violation with the value, member path and SSM phrase', () => {
    const error = validationErrorOf(() =>
      parseRequest(createMaintenanceWindow.input, { ...createWindow, Duration: 25 }),
    );
    expect(error.violations).toEqual([
      { field: 'duration', value: 25, message: 'Member must have value less than or equal to 24' },
    ]);
    expect(error.message).toBe(
      "1 validation error detected: Value '25' at 'duration' failed to satisfy constraint: Member must have value less than or equal to 24",
    );
  });

  it('lists every violation in one message', () => {
    const error = validationErrorOf(() =>
      parseRequest(createMaintenanceWindow.input, { ...createWindow, Name: 'no spaces', Cutoff: 24 }),
    );
    expect(error.violations.map((violation) => violation.field)).toEqual(['name', 'cutoff']);
    expect(error.message).toMatch(
      /^2 validation errors detected: Value 'no spaces' at 'name' failed to satisfy constraint: .+; Value '24' at 'cutoff' failed to satisfy constraint: Member must have value less than or equal to 23$/,
    );
  });

  it('names a target key with its list position as targets.1.member.key', () => {
    const error = validationErrorOf(() =>
      parseRequest(registerTargetWithMaintenanceWindow.input, {
        ...registerTarget,
        Targets: [{ Key: 'tag:Env!', Values: ['Prod'] }],
      }),
    );
    expect(error.violations[0]?.field).toBe('targets.1.member.key');
    expect(error.violations[0]?.message).toMatch(/^Member must satisfy regular expression pattern: /);
  });

  it('counts list positions from one', () => {
    const error = validationErrorOf(() =>
      parseRequest(registerTargetWithMaintenanceWindow.input, {
        ...registerTarget,
        Targets: [
          { Key: 'tag:Env', Values: ['Prod'] },
          { Key: '', Values: ['Web'] },
        ],
      }),
    );
    expect(error.violations[0]?.field).toBe('targets.2.member.key');
  });

  it('names a nested member as taskInvocationParameters.runCommand.timeoutSeconds', () => {
    const error = validationErrorOf(() =>
      parseRequest(registerTaskWithMaintenanceWindow.input, {
        ...registerTask,
        TaskInvocationParameters: { RunCommand: { TimeoutSeconds: 5 } },
      }),
    );
    expect(error.violations).toEqual([
      {
        field: 'taskInvocationParameters.runCommand.timeoutSeconds',
        value: 5,
        message: 'Member must have value greater than or equal to 30',
      },
    ]);
  });

  it('names a missing member of a nested structure', () => {
    const error = validationErrorOf(() =>
      parseRequest(registerTaskWithMaintenanceWindow.input, { ...registerTask, LoggingInfo: { S3BucketName: 'logs' } }),
    );
    expect(error.violations).toEqual([{ field: 'loggingInfo.s3Region', message: 'Member must not be null' }]);
  });

  it('reports each failed constraint of one member', () => {
    const error = validationErrorOf(() => parseRequest(createMaintenanceWindow.input, { ...createWindow, Name: 'x' }));
    expect(error.violations.map((violation) => violation.message)).toEqual([
      'Member must have length greater than or equal to 3',
      'Member must satisfy regular expression pattern: ^[a-zA-Z0-9_\\-.]{3,128}$',
    ]);
    expect(error.message).toMatch(/^2 validation errors detected: /);
  });

  it('reports a map key that is too long on the map member with the SSM length phrase', () => {
    const error = validationErrorOf(() =>
      parseRequest(registerTaskWithMaintenanceWindow.input, {
        ...registerTask,
        TaskParameters: { ['k'.repeat(256)]: { Values: ['uptime'] } },
      }),
    );
    expect(error.violations[0]?.field).toBe('taskParameters');
    expect(error.violations[0]?.message).toContain('Member must have length less than or equal to 255');
  });

  it('reports an empty map key on the map member with the SSM length phrase', () => {
    const error = validationErrorOf(() =>
      parseRequest(registerTaskWithMaintenanceWindow.input, {
        ...registerTask,
        TaskParameters: { '': { Values: ['uptime'] } },
      }),
    );
    expect(error.violations[0]?.field).toBe('taskParameters');
    expect(error.violations[0]?.message).toContain('Member must have length greater than or equal to 1');
  });

  it('reports an enum violation with the allowed values', () => {
    const error = validationErrorOf(() =>
      parseRequest(registerTaskWithMaintenanceWindow.input, { ...registerTask, TaskType: 'SHELL' }),
    );
    expect(error.violations[0]).toEqual({
      field: 'taskType',
      value: 'SHELL',
      message: 'Member must satisfy enum value set: [RUN_COMMAND, AUTOMATION, STEP_FUNCTIONS, LAMBDA]',
    });
  });

  it('reports a list that is too long with its length phrase', () => {
    const targets = Array.from({ length: 6 }, () => ({ Key: 'tag:Env', Values: ['Prod'] }));
    const error = validationErrorOf(() =>
      parseRequest(registerTargetWithMaintenanceWindow.input, { ...registerTarget, Targets: targets }),
    );
    expect(error.violations[0]?.field).toBe('targets');
    expect(error.violations[0]?.message).toBe('Member must have length less than or equal to 5');
  });
});

describe('dropNulls', () => {
  it('removes null members at every depth but keeps null list elements', () => {
    expect(dropNulls({ a: null, b: { c: null, d: 1 }, e: [null, { f: null }] })).toEqual({
      b: { d: 1 },
      e: [null, {}],
    });
  });
});

describe('memberPath', () => {
  it.each<[readonly PropertyKey[], string]>([
    [['WindowId'], 'windowId'],
    [['Targets', 0, 'Key'], 'targets.1.member.key'],
    [['Targets', 2, 'Values', 0], 'targets.3.member.values.1.member'],
    [
      ['TaskInvocationParameters', 'RunCommand', 'TimeoutSeconds'],
      'taskInvocationParameters.runCommand.timeoutSeconds',
    ],
    [[], ''],
  ])('writes %j as %s', (path, expected) => {
    expect(memberPath(path)).toBe(expected);
  });
});
