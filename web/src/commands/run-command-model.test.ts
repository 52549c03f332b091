import { describe, expect, it } from 'vitest';
import {
  checkRunCommandForm,
  INITIAL_FORM,
  rateValue,
  sendCommandRequest,
  tagTargets,
  type RunCommandForm,
} from './run-command-model.js';

const READY: RunCommandForm = {
  ...INITIAL_FORM,
  documentName: 'AWS-RunShellScript',
  instanceIds: ['mi-0123456789abcdef0', 'mi-0123456789abcdef1'],
};

describe('rateValue', () => {
  it('writes a number of targets as is and a percentage with %', () => {
    expect(rateValue('targets', ' 10 ')).toBe('10');
    expect(rateValue('percentage', '25')).toBe('25%');
  });
});

describe('tagTargets', () => {
  it('turns tag rows into tag: targets, leaving out rows without a key', () => {
    expect(
      tagTargets([
        { key: 'Env', values: 'prod, staging' },
        { key: ' ', values: 'ignored' },
        { key: 'Team', values: 'platform' },
      ]),
    ).toEqual([
      { Key: 'tag:Env', Values: ['prod', 'staging'] },
      { Key: 'tag:Team', Values: ['platform'] },
    ]);
  });
});

describe('checkRunCommandForm', () => {
  it('accepts a complete form', () => {
    expect(checkRunCommandForm(READY)).toEqual({});
  });

  it('asks for a document and targets', () => {
    const errors = checkRunCommandForm(INITIAL_FORM);
    expect(errors.document).toBe('Choose a document.');
    expect(errors.targets).toBe('Choose at least one node.');
    expect(checkRunCommandForm({ ...READY, targetMode: 'tags' }).targets).toBe('Give at least one tag key.');
    expect(checkRunCommandForm({ ...READY, targetMode: 'tags', tags: [{ key: 'Env', values: ' ' }] }).targets).toBe(
      'Give each tag key at least one value.',
    );
  });

  it('checks rate control as a number or a percentage, with the server rules', () => {
    expect(checkRunCommandForm({ ...READY, concurrencyMode: 'percentage', concurrency: '100' }).concurrency).toBe(
      undefined,
    );
    expect(checkRunCommandForm({ ...READY, concurrencyMode: 'percentage', concurrency: '101' }).concurrency).toBe(
      'A percentage from 1 to 100.',
    );
    expect(checkRunCommandForm({ ...READY, concurrencyMode: 'targets', concurrency: '0' }).concurrency).toBe(
      'A whole number of targets, 1 or more.',
    );
    expect(checkRunCommandForm({ ...READY, errorMode: 'targets', errorThreshold: '0' }).errors).toBe(undefined);
    expect(checkRunCommandForm({ ...READY, errorMode: 'percentage', errorThreshold: '0' }).errors).toBe(undefined);
    expect(checkRunCommandForm({ ...READY, errorMode: 'targets', errorThreshold: '-1' }).errors).toBe(
      'A whole number of errors, 0 or more.',
    );
  });

  it('checks the timeout and the comment', () => {
    expect(checkRunCommandForm({ ...READY, timeoutSeconds: '29' }).timeout).toBe('From 30 to 2592000 seconds.');
    expect(checkRunCommandForm({ ...READY, timeoutSeconds: '' }).timeout).toBe('From 30 to 2592000 seconds.');
    expect(checkRunCommandForm({ ...READY, comment: 'x'.repeat(101) }).comment).toBe('At most 100 characters.');
  });
});

describe('sendCommandRequest', () => {
  it('sends instance ids, parameters and rate control', () => {
    expect(sendCommandRequest({ ...READY, comment: ' nightly ' }, { commands: ['uptime'] })).toEqual({
      DocumentName: 'AWS-RunShellScript',
      InstanceIds: ['mi-0123456789abcdef0', 'mi-0123456789abcdef1'],
      Parameters: { commands: ['uptime'] },
      MaxConcurrency: '50%',
      MaxErrors: '0',
      TimeoutSeconds: 600,
      Comment: 'nightly',
    });
  });

  it('sends tag targets instead of instance ids', () => {
    const request = sendCommandRequest({ ...READY, targetMode: 'tags', tags: [{ key: 'Env', values: 'prod' }] }, {});
    expect(request.Targets).toEqual([{ Key: 'tag:Env', Values: ['prod'] }]);
    expect(request).not.toHaveProperty('InstanceIds');
  });
});
