import { describe, expect, it } from 'vitest';
import {
  commandDocumentFormat,
  convertDocumentContent,
  parseCommandDocument,
  type DocumentFormat,
} from './document.js';
import { exceedsYamlDepth, MAX_YAML_DEPTH, readYaml, writeYaml } from './document-yaml.js';
import { ValidationError } from './errors.js';

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

const RESTART_YAML = `---
schemaVersion: '2.2'
description: Restart a service
parameters:
  service:
    type: String
    description: The unit to restart
    allowedPattern: "^[a-z0-9@._-]{1,64}$"
  delaySeconds:
    type: Integer
    default: 5
  dryRun:
    type: Boolean
    default: false
mainSteps:
  - action: aws:runShellScript
    name: restart
    precondition:
      StringEquals: [platformType, Linux]
    inputs:
      timeoutSeconds: '60'
      runCommand:
        - sleep {{ delaySeconds }}
        - systemctl restart {{ service }}
`;

const RESTART_JSON = JSON.stringify({
  schemaVersion: '2.2',
  description: 'Restart a service',
  parameters: {
    service: { type: 'String', description: 'The unit to restart', allowedPattern: '^[a-z0-9@._-]{1,64}$' },
    delaySeconds: { type: 'Integer', default: 5 },
    dryRun: { type: 'Boolean', default: false },
  },
  mainSteps: [
    {
      action: 'aws:runShellScript',
      name: 'restart',
      precondition: { StringEquals: ['platformType', 'Linux'] },
      inputs: { timeoutSeconds: '60', runCommand: ['sleep {{ delaySeconds }}', 'systemctl restart {{ service }}'] },
    },
  ],
});

describe('parseCommandDocument with YAML content', () => {
  it('reads a YAML document into exactly what its JSON twin gives', () => {
    expect(parseCommandDocument(RESTART_YAML, 'YAML')).toEqual(parseCommandDocument(RESTART_JSON, 'JSON'));
  });

  it('accepts schemaVersion written as a YAML number', () => {
    const document = parseCommandDocument(RESTART_YAML.replace("schemaVersion: '2.2'", 'schemaVersion: 2.2'), 'YAML');
    expect(document.schemaVersion).toBe('2.2');
  });

  it('keeps yes, no, on and off as strings, as YAML 1.2 reads them', () => {
    const document = parseCommandDocument(
      `schemaVersion: "2.2"
parameters:
  answer:
    type: String
    allowedValues: [yes, no, on, off]
    default: no
mainSteps:
  - action: aws:runShellScript
    name: run
    inputs:
      runCommand:
        - echo {{ answer }}
`,
      'YAML',
    );
    expect(document.parameters.get('answer')).toMatchObject({
      allowedValues: ['yes', 'no', 'on', 'off'],
      default: 'no',
    });
  });

  interface NamedProblem {
    readonly title: string;
    readonly yaml: string;
    readonly reason: 'DocumentContent' | 'DocumentSchemaVersion';
    /** The exact message, the same for the YAML and its JSON twin. */
    readonly message: string;
  }

  const STEP_PROBLEMS: NamedProblem[] = [
    {
      title: 'a step without runCommand',
      yaml: `schemaVersion: "2.2"
mainSteps:
  - action: aws:runShellScript
    name: build
    inputs:
      workingDirectory: /srv
`,
      reason: 'DocumentContent',
      message: 'mainSteps[0] (build).inputs.runCommand: is required by aws:runShellScript',
    },
    {
      title: 'a plugin Mado does not run',
      yaml: `schemaVersion: "2.2"
mainSteps:
  - action: aws:runShellScript
    name: first
    inputs: { runCommand: [date] }
  - action: aws:softwareInventory
    name: inventory
    inputs: {}
`,
      reason: 'DocumentContent',
      message:
        'mainSteps[1] (inventory).action: "aws:softwareInventory" is not a plugin Mado runs (one of aws:runShellScript, aws:runPowerShellScript, aws:updateSsmAgent, aws:configurePackage)',
    },
    {
      title: 'a reference to an undeclared parameter',
      yaml: `schemaVersion: "2.2"
parameters:
  commands: { type: StringList }
mainSteps:
  - action: aws:runShellScript
    name: run
    inputs:
      runCommand: ["{{ comands }}"]
`,
      reason: 'DocumentContent',
      message: 'mainSteps[0] (run).inputs.runCommand[0]: references undeclared parameter {{ comands }}',
    },
    {
      title: 'two steps of one name',
      yaml: `schemaVersion: "2.2"
mainSteps:
  - { action: aws:runShellScript, name: run, inputs: { runCommand: [a] } }
  - { action: aws:runShellScript, name: run, inputs: { runCommand: [b] } }
`,
      reason: 'DocumentContent',
      message: 'mainSteps[1] (run).name: "run" is already the name of mainSteps[0]',
    },
    {
      title: 'a precondition on something other than the platform',
      yaml: `schemaVersion: "2.2"
mainSteps:
  - action: aws:runShellScript
    name: run
    precondition: { StringEquals: [platformType, Solaris] }
    inputs: { runCommand: [a] }
`,
      reason: 'DocumentContent',
      message:
        'mainSteps[0] (run).precondition.StringEquals[1]: "Solaris" is not a platform type (Linux, Windows or MacOS)',
    },
    {
      title: 'a finallyStep that is not last',
      yaml: `schemaVersion: "2.2"
mainSteps:
  - { action: aws:runShellScript, name: cleanup, inputs: { runCommand: [a], finallyStep: true } }
  - { action: aws:runShellScript, name: work, inputs: { runCommand: [b] } }
`,
      reason: 'DocumentContent',
      message: 'mainSteps[0] (cleanup).inputs.finallyStep: is allowed only on the last step',
    },
    {
      title: 'a default of the wrong type',
      yaml: `schemaVersion: "2.2"
parameters:
  retries: { type: Integer, default: "three" }
mainSteps:
  - { action: aws:runShellScript, name: run, inputs: { runCommand: [a] } }
`,
      reason: 'DocumentContent',
      message: 'parameters.retries.default: must be an integer (not a string) for a Integer parameter',
    },
    {
      title: 'a default outside the allowed values',
      yaml: `schemaVersion: "2.2"
parameters:
  mode: { type: String, allowedValues: [fast, safe], default: reckless }
mainSteps:
  - { action: aws:runShellScript, name: run, inputs: { runCommand: ["{{ mode }}"] } }
`,
      reason: 'DocumentContent',
      message: 'parameters.mode.default: "reckless" is not one of the allowed values ("fast", "safe")',
    },
    {
      title: 'an unknown parameter type',
      yaml: `schemaVersion: "2.2"
parameters:
  when: { type: Date }
mainSteps:
  - { action: aws:runShellScript, name: run, inputs: { runCommand: [a] } }
`,
      reason: 'DocumentContent',
      message:
        'parameters.when.type: "Date" is not a parameter type (one of String, StringList, Boolean, Integer, StringMap, MapList)',
    },
    {
      title: 'schema version 2.0',
      yaml: `schemaVersion: "2.0"
mainSteps:
  - { action: aws:runShellScript, name: run, inputs: { runCommand: [a] } }
`,
      reason: 'DocumentSchemaVersion',
      message: 'schemaVersion "2.0" is not supported for Command documents: use "2.2"',
    },
    {
      title: 'an automation schema',
      yaml: `schemaVersion: "0.3"
mainSteps: []
`,
      reason: 'DocumentSchemaVersion',
      message: 'schemaVersion "0.3" is not supported for Command documents: use "2.2"',
    },
  ];

  it.each(STEP_PROBLEMS)(
    'names the step and field of $title, in YAML and in JSON alike',
    ({ yaml, reason, message }) => {
      const fromYaml = validationErrorOf(() => parseCommandDocument(yaml, 'YAML'));
      expect(fromYaml.reason).toBe(reason);
      expect(fromYaml.message).toBe(message);
      const json = JSON.stringify(readYamlValue(yaml));
      const fromJson = validationErrorOf(() => parseCommandDocument(json, 'JSON'));
      expect(fromJson.reason).toBe(reason);
      expect(fromJson.message).toBe(message);
    },
  );

  it.each([
    ['text that is not YAML', 'schemaVersion: "2.2"\nmainSteps: [\n', 'Document content is not valid YAML: '],
    ['two YAML documents in one', 'a: 1\n---\nb: 2\n', 'Source contains multiple documents'],
    ['a list rather than a mapping', '- 1\n- 2\n', 'Document content must be an object'],
    ['a plain string', 'just words\n', 'Document content must be an object'],
  ])('refuses %s as DocumentContent', (_title, content, mention) => {
    const error = validationErrorOf(() => parseCommandDocument(content, 'YAML'));
    expect(error.reason).toBe('DocumentContent');
    expect(error.message).toContain(mention);
  });

  it('gives the line and column of a YAML syntax error', () => {
    const error = validationErrorOf(() =>
      parseCommandDocument('schemaVersion: "2.2"\nmainSteps:\n  - a\n  b: 1\n', 'YAML'),
    );
    expect(error.message).toMatch(/at line \d+, column \d+$/);
  });

  it('names a key defined twice, with its path', () => {
    const error = validationErrorOf(() =>
      parseCommandDocument(
        `schemaVersion: "2.2"
parameters:
  commands: { type: StringList }
  commands: { type: String }
mainSteps:
  - { action: aws:runShellScript, name: run, inputs: { runCommand: a, runCommand: b } }
`,
        'YAML',
      ),
    );
    expect(error.reason).toBe('DocumentContent');
    expect(error.message).toBe('parameters.commands: is defined twice');
    expect(error.violations).toEqual([{ field: 'parameters.commands', message: 'is defined twice' }]);
  });

  it('names a key defined twice inside a step', () => {
    const error = validationErrorOf(() =>
      parseCommandDocument(
        `schemaVersion: "2.2"
mainSteps:
  - action: aws:runShellScript
    name: run
    inputs:
      runCommand: [a]
      runCommand: [b]
`,
        'YAML',
      ),
    );
    expect(error.message).toBe('mainSteps[0].inputs.runCommand: is defined twice');
  });

  it('refuses a document that expands aliases without end', () => {
    const lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]'];
    for (let level = 1; level <= 12; level += 1) {
      const previous = String.fromCharCode(96 + level);
      const next = String.fromCharCode(97 + level);
      lines.push(`${next}: &${next} [${Array(10).fill(`*${previous}`).join(', ')}]`);
    }
    const error = validationErrorOf(() => parseCommandDocument(`${lines.join('\n')}\n`, 'YAML'));
    expect(error.reason).toBe('DocumentContent');
    expect(error.message).toContain('not usable YAML');
  });
});

describe('nesting depth of YAML content', () => {
  const DEEP = 10_000;

  it.each([
    ['flow sequences', `${'['.repeat(DEEP)}${']'.repeat(DEEP)}`],
    ['flow mappings', `${'{a: '.repeat(DEEP)}1${'}'.repeat(DEEP)}`],
    ['unclosed flow sequences', '['.repeat(DEEP)],
    ['compact block sequences', `${'- '.repeat(DEEP)}x`],
    ['indented block mappings', Array.from({ length: 100 }, (_, level) => `${' '.repeat(level)}k${level}:`).join('\n')],
  ])('refuses %s nested past the limit as DocumentContent naming the limit', (_what, text) => {
    expect(exceedsYamlDepth(text)).toBe(true);
    const error = validationErrorOf(() => parseCommandDocument(text, 'YAML'));
    expect(error.reason).toBe('DocumentContent');
    expect(error.message).toBe('Document content is nested deeper than 64 levels.');
  });

  it('counts block and flow collections together', () => {
    // mapping a, mapping b, the sequence, mapping c, the flow sequence, the flow mapping: 6.
    expect(exceedsYamlDepth('a:\n  b:\n    - c: [1, {d: 2}]\n', 6)).toBe(false);
    expect(exceedsYamlDepth('a:\n  b:\n    - c: [1, {d: 2}]\n', 5)).toBe(true);
  });

  it('reads content nested exactly to the limit', () => {
    const text = `${'['.repeat(MAX_YAML_DEPTH)}${']'.repeat(MAX_YAML_DEPTH)}`;
    expect(exceedsYamlDepth(text)).toBe(false);
    expect(readYaml(text).ok).toBe(true);
  });

  it('does not count brackets inside quoted or block scalars', () => {
    const text = `run: "${'['.repeat(200)}"\nscript: |\n  ${'{'.repeat(200)}\n`;
    expect(exceedsYamlDepth(text)).toBe(false);
  });
});

function readYamlValue(text: string): unknown {
  const reading = readYaml(text);
  if (!reading.ok) {
    throw new Error(reading.message);
  }
  return reading.value;
}

describe('convertDocumentContent', () => {
  it('returns the stored text unchanged when the formats agree', () => {
    expect(convertDocumentContent(RESTART_YAML, 'YAML', 'YAML')).toBe(RESTART_YAML);
    expect(convertDocumentContent(RESTART_JSON, 'JSON', 'JSON')).toBe(RESTART_JSON);
  });

  it.each<[DocumentFormat, string, DocumentFormat]>([
    ['YAML', RESTART_YAML, 'JSON'],
    ['JSON', RESTART_JSON, 'YAML'],
  ])('turns %s into %s content that parses to the same document', (from, content, to) => {
    const converted = convertDocumentContent(content, from, to);
    expect(converted).not.toBe(content);
    expect(parseCommandDocument(converted, to)).toEqual(parseCommandDocument(content, from));
  });

  it('writes JSON indented by two spaces, keys in their order', () => {
    expect(convertDocumentContent('schemaVersion: "2.2"\ndescription: x\n', 'YAML', 'JSON')).toBe(
      '{\n  "schemaVersion": "2.2",\n  "description": "x"\n}\n',
    );
  });

  it('quotes strings YAML would otherwise read as something else', () => {
    const yaml = writeYaml({ schemaVersion: '2.2', flag: 'true', empty: '', colon: 'a: b' });
    expect(readYamlValue(yaml)).toEqual({ schemaVersion: '2.2', flag: 'true', empty: '', colon: 'a: b' });
  });
});

describe('commandDocumentFormat', () => {
  it('is JSON when none is given', () => {
    expect(commandDocumentFormat(undefined)).toBe('JSON');
  });

  it.each(['JSON', 'YAML'] as const)('accepts %s', (format) => {
    expect(commandDocumentFormat(format)).toBe(format);
  });

  it('refuses TEXT for a Command document as DocumentContent naming documentFormat', () => {
    const error = validationErrorOf(() => commandDocumentFormat('TEXT'));
    expect(error.reason).toBe('DocumentContent');
    expect(error.violations[0]?.field).toBe('documentFormat');
    expect(error.message).toContain('DocumentFormat TEXT');
  });
});
