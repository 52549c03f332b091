import { describe, expect, it } from 'vitest';
import { AGENT_UPDATE_MANIFEST_SOURCE, BUILTIN_DOCUMENTS, findBuiltinDocument } from './builtin-documents.js';
import {
  describeParameters,
  documentHash,
  executionTimeoutSeconds,
  parseCommandDocument,
  renderSteps,
  validateParameters,
  type CommandDocument,
} from './document.js';
import { ValidationError } from './errors.js';

function builtin(name: string): CommandDocument {
  const entry = findBuiltinDocument(name);
  if (entry === undefined) {
    throw new Error(`no built-in document ${name}`);
  }
  return parseCommandDocument(entry.content, entry.documentFormat);
}

function render(name: string, given: Record<string, readonly string[]>) {
  const document = builtin(name);
  return renderSteps(document, validateParameters(document, given));
}

/** The InvalidParameters message `given` produces; fails the test when it is accepted. */
function invalidParametersMessage(name: string, given: Record<string, readonly string[]>): string {
  try {
    validateParameters(builtin(name), given);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).reason).toBe('DocumentParameters');
    return (error as ValidationError).message;
  }
  throw new Error('expected InvalidParameters, but the parameters were accepted');
}

describe('BUILTIN_DOCUMENTS', () => {
  it('ships the four Amazon-owned command documents, sorted by name', () => {
    expect(BUILTIN_DOCUMENTS.map((entry) => entry.name)).toEqual([
      'AWS-ConfigureAWSPackage',
      'AWS-RunPowerShellScript',
      'AWS-RunShellScript',
      'AWS-UpdateSSMAgent',
    ]);
  });

  it.each(BUILTIN_DOCUMENTS.map((entry) => [entry.name, entry] as const))(
    'marks %s as an Amazon-owned JSON Command document at version 1',
    (_name, entry) => {
      expect(entry).toMatchObject({ owner: 'Amazon', documentType: 'Command', documentFormat: 'JSON' });
      expect(entry.documentVersion).toBe('1');
      expect(entry.targetType).toBeUndefined();
    },
  );

  it.each(BUILTIN_DOCUMENTS.map((entry) => [entry.name, entry.content] as const))(
    'parses %s with the document parser',
    (_name, content) => {
      expect(() => parseCommandDocument(content, 'JSON')).not.toThrow();
      expect(documentHash(content)).toMatch(/^[0-9a-f]{64}$/);
    },
  );

  it.each([
    ['AWS-RunShellScript', '1.2', ['Linux', 'MacOS'], ['commands', 'workingDirectory', 'executionTimeout']],
    ['AWS-RunPowerShellScript', '1.2', ['Windows', 'Linux'], ['commands', 'workingDirectory', 'executionTimeout']],
    ['AWS-UpdateSSMAgent', '1.2', ['Windows', 'Linux', 'MacOS'], ['version', 'allowDowngrade']],
    [
      'AWS-ConfigureAWSPackage',
      '2.2',
      ['Windows', 'Linux'],
      ['action', 'installationType', 'name', 'version', 'additionalArguments'],
    ],
  ])('describes %s with schema %s, platforms %j and its parameters', (name, schemaVersion, platforms, parameters) => {
    const document = builtin(name);
    expect(document.schemaVersion).toBe(schemaVersion);
    expect(document.platformTypes).toEqual(platforms);
    expect([...document.parameters.keys()]).toEqual(parameters);
  });
});

describe('findBuiltinDocument', () => {
  it('finds a built-in document by its exact name', () => {
    expect(findBuiltinDocument('AWS-RunShellScript')?.name).toBe('AWS-RunShellScript');
  });

  it.each(['aws-runshellscript', 'AWS-RunPatchBaseline', 'RunShellScript', ''])('finds nothing for %j', (name) => {
    expect(findBuiltinDocument(name)).toBeUndefined();
  });
});

describe('AWS-RunShellScript', () => {
  it('publishes the parameters AWS publishes', () => {
    const document = builtin('AWS-RunShellScript');
    expect(document.description).toBe('Run a shell script or specify the commands to run.');
    expect(describeParameters(document)).toEqual([
      {
        name: 'commands',
        type: 'StringList',
        description: '(Required) Specify a shell script or a command to run.',
      },
      {
        name: 'workingDirectory',
        type: 'String',
        description: '(Optional) The path to the working directory on your instance.',
        defaultValue: '',
      },
      {
        name: 'executionTimeout',
        type: 'String',
        description:
          '(Optional) The time in seconds for a command to complete before it is considered to have failed. Default is 3600 (1 hour). Maximum is 172800 (48 hours).',
        defaultValue: '3600',
      },
    ]);
    expect(document.parameters.get('commands')).toMatchObject({ minItems: 1, displayType: 'textarea' });
    expect(document.parameters.get('workingDirectory')?.maxChars).toBe(4096);
  });

  it('renders one aws:runShellScript step with the command lines and defaults', () => {
    expect(render('AWS-RunShellScript', { commands: ['cd /srv', 'make deploy'] })).toEqual([
      {
        action: 'aws:runShellScript',
        name: 'aws:runShellScript',
        inputs: { runCommand: ['cd /srv', 'make deploy'], workingDirectory: '', timeoutSeconds: '3600' },
      },
    ]);
  });

  it('passes the caller’s working directory and timeout through', () => {
    const [step] = render('AWS-RunShellScript', {
      commands: ['ls'],
      workingDirectory: ['/var/tmp'],
      executionTimeout: ['172800'],
    });
    expect(step?.inputs).toEqual({ runCommand: ['ls'], workingDirectory: '/var/tmp', timeoutSeconds: '172800' });
  });

  it('takes the execution timeout for ExpiresAfter from executionTimeout', () => {
    const document = builtin('AWS-RunShellScript');
    expect(executionTimeoutSeconds(document, validateParameters(document, { commands: ['ls'] }))).toBe(3600);
    expect(
      executionTimeoutSeconds(document, validateParameters(document, { commands: ['ls'], executionTimeout: ['600'] })),
    ).toBe(600);
  });

  it('refuses a command smuggled into executionTimeout', () => {
    expect(
      invalidParametersMessage('AWS-RunShellScript', { commands: ['ls'], executionTimeout: ['1 && reboot'] }),
    ).toContain('executionTimeout: "1 && reboot" does not match the allowed pattern');
  });

  it('refuses a run without commands', () => {
    expect(invalidParametersMessage('AWS-RunShellScript', {})).toBe('Invalid parameters: commands: is required');
  });
});

describe('AWS-RunPowerShellScript', () => {
  it('renders one aws:runPowerShellScript step named after its plugin', () => {
    expect(render('AWS-RunPowerShellScript', { commands: ['Get-Service', 'exit 0'] })).toEqual([
      {
        action: 'aws:runPowerShellScript',
        name: 'aws:runPowerShellScript',
        inputs: { runCommand: ['Get-Service', 'exit 0'], workingDirectory: '', timeoutSeconds: '3600' },
      },
    ]);
  });
});

describe('AWS-UpdateSSMAgent', () => {
  it('renders the update step for the latest version without downgrade', () => {
    expect(render('AWS-UpdateSSMAgent', { version: [''], allowDowngrade: ['false'] })).toEqual([
      {
        action: 'aws:updateSsmAgent',
        name: 'aws:updateSsmAgent',
        inputs: {
          agentName: 'amazon-ssm-agent',
          source: AGENT_UPDATE_MANIFEST_SOURCE,
          allowDowngrade: 'false',
          targetVersion: '',
        },
      },
    ]);
  });

  it('renders the same step from its defaults alone', () => {
    expect(render('AWS-UpdateSSMAgent', {})).toEqual(
      render('AWS-UpdateSSMAgent', { version: [''], allowDowngrade: ['false'] }),
    );
  });

  it('passes a requested version and downgrade permission through', () => {
    const [step] = render('AWS-UpdateSSMAgent', { version: ['1.2.0'], allowDowngrade: ['true'] });
    expect(step?.inputs).toMatchObject({ targetVersion: '1.2.0', allowDowngrade: 'true' });
  });

  it('refuses an allowDowngrade other than true or false', () => {
    expect(invalidParametersMessage('AWS-UpdateSSMAgent', { allowDowngrade: ['yes'] })).toContain(
      'allowDowngrade: "yes" is not one of the allowed values ("true", "false")',
    );
  });

  it('takes source from the agent manifest, not a parameter', () => {
    expect(invalidParametersMessage('AWS-UpdateSSMAgent', { source: ['https://example.com/m.json'] })).toContain(
      'source: is not a parameter of this document',
    );
  });
});

describe('AWS-ConfigureAWSPackage', () => {
  const INSTALL_CLOUDWATCH_AGENT = {
    action: ['Install'],
    installationType: ['Uninstall and reinstall'],
    name: ['AmazonCloudWatchAgent'],
    version: [''],
    additionalArguments: ['{}'],
  };

  it('renders the configurePackage step for installing the CloudWatch agent', () => {
    expect(render('AWS-ConfigureAWSPackage', INSTALL_CLOUDWATCH_AGENT)).toEqual([
      {
        action: 'aws:configurePackage',
        name: 'configurePackage',
        inputs: {
          name: 'AmazonCloudWatchAgent',
          action: 'Install',
          installationType: 'Uninstall and reinstall',
          version: '',
          additionalArguments: {},
        },
      },
    ]);
  });

  it('hands additionalArguments to the plugin as an object', () => {
    const [step] = render('AWS-ConfigureAWSPackage', {
      ...INSTALL_CLOUDWATCH_AGENT,
      additionalArguments: ['{"SSM_mode":"ec2"}'],
    });
    expect(step?.inputs['additionalArguments']).toEqual({ SSM_mode: 'ec2' });
  });

  it('accepts a package ARN as the name', () => {
    const [step] = render('AWS-ConfigureAWSPackage', {
      action: ['Uninstall'],
      name: ['arn:aws:ssm:eu-west-1:123456789012:package/MyPackage'],
    });
    expect(step?.inputs).toMatchObject({ action: 'Uninstall', installationType: 'Uninstall and reinstall' });
  });

  it.each([
    [{ name: ['AmazonCloudWatchAgent'] }, 'action: is required'],
    [{ action: ['Install'] }, 'name: is required'],
    [{ action: ['Reinstall'], name: ['x'] }, 'action: "Reinstall" is not one of the allowed values'],
    [{ action: ['Install'], name: ['Amazon CloudWatch Agent'] }, 'name: "Amazon CloudWatch Agent" does not match'],
    [{ action: ['Install'], name: ['x$(id)'] }, 'name: "x$(id)" does not match'],
    [{ action: ['Install'], name: ['x'], installationType: ['Replace'] }, 'installationType: "Replace" is not one'],
    [
      { action: ['Install'], name: ['x'], additionalArguments: ['SSM_a=1'] },
      'additionalArguments: "SSM_a=1" is not valid JSON',
    ],
    [
      { action: ['Install'], name: ['x'], additionalArguments: [JSON.stringify({ SSM_a: 'v'.repeat(4096) })] },
      'is longer than 4096 characters',
    ],
  ])('refuses %j', (given, mention) => {
    expect(invalidParametersMessage('AWS-ConfigureAWSPackage', given)).toContain(mention);
  });
});

describe('injection attempts against the built-in documents', () => {
  /** Shell syntax that must never reach a node through a constrained parameter. */
  const ATTEMPTS = [
    ['a semicolon', '; reboot'],
    ['a command substitution', '$(reboot)'],
    ['backticks', '`reboot`'],
    ['a newline', '\nreboot'],
    ['a pipe', '| sh'],
    ['an and-list', '&& reboot'],
  ] as const;

  const CONSTRAINED: readonly [document: string, parameter: string, valid: string, others: Record<string, string[]>][] =
    [
      ['AWS-RunShellScript', 'executionTimeout', '3600', { commands: ['uptime'] }],
      ['AWS-RunPowerShellScript', 'executionTimeout', '600', { commands: ['Get-Date'] }],
      ['AWS-UpdateSSMAgent', 'allowDowngrade', 'false', {}],
      ['AWS-UpdateSSMAgent', 'version', '1.2.0', {}],
      ['AWS-ConfigureAWSPackage', 'name', 'metrics-agent', { action: ['Install'] }],
      ['AWS-ConfigureAWSPackage', 'action', 'Install', { name: ['metrics-agent'] }],
      ['AWS-ConfigureAWSPackage', 'installationType', 'In-place update', { action: ['Install'], name: ['x'] }],
      ['AWS-ConfigureAWSPackage', 'version', '2.0.0-rc.1', { action: ['Install'], name: ['x'] }],
    ];

  const cases = CONSTRAINED.flatMap(([document, parameter, valid, others]) =>
    ATTEMPTS.flatMap(([what, suffix]) => [
      { document, parameter, others, what: `${what} appended`, value: `${valid}${suffix}` },
      { document, parameter, others, what: `${what} alone`, value: suffix },
    ]),
  );

  it.each(CONSTRAINED)('accepts a plain value for %s %s', (document, parameter, valid, others) => {
    expect(() => render(document, { ...others, [parameter]: [valid] })).not.toThrow();
  });

  it.each(cases)('refuses $what in $document $parameter', ({ document, parameter, others, value }) => {
    const message = invalidParametersMessage(document, { ...others, [parameter]: [value] });
    expect(message).toContain(`${parameter}: ${JSON.stringify(value).slice(0, 20)}`);
    expect(message).toMatch(/does not match the allowed pattern|is not one of the allowed values/);
  });

  it('refuses a newline after a valid value, which a multi-line $ would let through', () => {
    expect(invalidParametersMessage('AWS-RunShellScript', { commands: ['ls'], executionTimeout: ['60\n'] })).toContain(
      'does not match the allowed pattern',
    );
    expect(
      invalidParametersMessage('AWS-ConfigureAWSPackage', { action: ['Install'], name: ['metrics-agent\n'] }),
    ).toContain('does not match the allowed pattern');
  });

  it('passes command lines through as data: commands are the script by design', () => {
    const [step] = render('AWS-RunShellScript', { commands: ['echo $(hostname); date'] });
    expect(step?.inputs['runCommand']).toEqual(['echo $(hostname); date']);
  });

  it('does not substitute parameter references found in a caller value', () => {
    const [step] = render('AWS-RunShellScript', {
      commands: ['echo {{ executionTimeout }}'],
      executionTimeout: ['60'],
    });
    expect(step?.inputs['runCommand']).toEqual(['echo {{ executionTimeout }}']);
  });
});
