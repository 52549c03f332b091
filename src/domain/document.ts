/**
 * SSM command documents (spec §8): parsing and validating their content, checking the
 * parameters a caller supplies against them, and rendering the steps a node runs.
 *
 *   content ──parseCommandDocument──▶ CommandDocument            (CreateDocument, UpdateDocument)
 *   CommandDocument + caller's Parameters ──validateParameters──▶ ResolvedParameters  (SendCommand)
 *   CommandDocument + ResolvedParameters ──renderSteps──▶ ResolvedStep[]  (what the agent runs)
 *
 * Content is JSON or YAML (`document-yaml.ts`); either reads into the same value, so every
 * check and message below is the same for both. Two content shapes are accepted:
 * - schema 2.2: `mainSteps`, each step named by the author, optionally limited to one platform
 *   by `precondition: {"StringEquals": ["platformType", "Linux"]}`;
 * - schema 1.2: `runtimeConfig: {"<action>": {"properties": [{…}]}}`, the shape of the
 *   Amazon-owned documents (AWS-RunShellScript, …); each plugin is one step named after its
 *   action, which is also the plugin name the API reports (spec §7.1).
 * Schema 2.0 is refused: it fails steps whose plugin does not run on the node's platform where
 * 2.2 skips them, and `ResolvedStep` has no way to say which rule applies.
 *
 * Invariants of a parsed document: at least one step; unique step names; every action is in
 * `COMMAND_ACTIONS`; every `{{ name }}` in step inputs names a declared parameter; every
 * parameter default has the declared type and meets the parameter's own constraints.
 */
import { createHash } from 'node:crypto';
import type { ResolvedStep } from './command.js';
import { findDuplicateJsonKey } from './document-json.js';
import { readYaml, writeYaml } from './document-yaml.js';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from './json-depth.js';
import { ValidationError, type FieldViolation } from './errors.js';
import type { PlatformType } from './managed-node.js';

export type DocumentFormat = 'JSON' | 'YAML';
export type CommandSchemaVersion = '1.2' | '2.2';
export type DocumentParameterType = 'String' | 'StringList' | 'Boolean' | 'Integer' | 'StringMap' | 'MapList';

/** A JSON object as a parameter value (`StringMap`, and each element of a `MapList`). */
export type ParameterMap = Readonly<Record<string, unknown>>;

/**
 * A parameter's value in its declared type: String → string, StringList → string[],
 * Boolean → boolean, Integer → number, StringMap → object, MapList → object[].
 */
export type ParameterValue = string | readonly string[] | boolean | number | ParameterMap | readonly ParameterMap[];

export interface DocumentParameter {
  readonly type: DocumentParameterType;
  readonly description?: string;
  /** Absent: the parameter is required. Always of the declared type. */
  readonly default?: ParameterValue;
  /** Each supplied value (list element) must be one of these. */
  readonly allowedValues?: readonly string[];
  /** Regular expression each supplied value must match as a whole. */
  readonly allowedPattern?: string;
  /** StringList/MapList only: bounds on the number of elements. */
  readonly minItems?: number;
  readonly maxItems?: number;
  /** Bounds on each string's length in characters (a StringMap/MapList: its JSON text). */
  readonly minChars?: number;
  readonly maxChars?: number;
  /** Console hint only. */
  readonly displayType?: 'textfield' | 'textarea';
}

/** The one precondition Mado supports: run the step only on nodes of this platform. */
export interface StepPrecondition {
  readonly StringEquals: readonly ['platformType', PlatformType];
}

export interface DocumentStep {
  readonly action: CommandAction;
  /** Schema 2.2: `mainSteps[].name`; schema 1.2: the action (`aws:runShellScript`). */
  readonly name: string;
  /** As written, `{{ name }}` references not yet substituted (schema 1.2: without `id`). */
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly precondition?: StepPrecondition;
}

export interface CommandDocument {
  readonly schemaVersion: CommandSchemaVersion;
  readonly description?: string;
  /** In declaration order. A Map, because parameter names such as `constructor` are legal. */
  readonly parameters: ReadonlyMap<string, DocumentParameter>;
  readonly mainSteps: readonly DocumentStep[];
  /** SSM's `PlatformTypes`, in the order Windows, Linux, MacOS (see `COMMAND_ACTIONS`). */
  readonly platformTypes: readonly PlatformType[];
}

/** A document's parameters with the caller's values overlaid on the defaults, typed. */
export type ResolvedParameters = ReadonlyMap<string, ParameterValue>;

interface CommandActionSpec {
  /**
   * The platforms SSM lists in a document's `PlatformTypes` for this plugin (spec §8.4, §8.5).
   * The agent may run a plugin on more (pwsh runs `aws:runPowerShellScript` on macOS); this
   * is only what documents advertise and what `ListDocuments` filters on.
   */
  readonly platformTypes: readonly PlatformType[];
  readonly requiredInputs: readonly string[];
  readonly optionalInputs: readonly string[];
}

/**
 * The plugins Mado's documents may use (spec §8.4), with their platforms and inputs. A
 * document using any other action is refused with `InvalidDocumentContent`.
 */
export const COMMAND_ACTIONS = {
  'aws:runShellScript': {
    platformTypes: ['Linux', 'MacOS'],
    requiredInputs: ['runCommand'],
    optionalInputs: ['workingDirectory', 'timeoutSeconds'],
  },
  'aws:runPowerShellScript': {
    platformTypes: ['Windows', 'Linux'],
    requiredInputs: ['runCommand'],
    optionalInputs: ['workingDirectory', 'timeoutSeconds'],
  },
  'aws:updateSsmAgent': {
    platformTypes: ['Windows', 'Linux', 'MacOS'],
    requiredInputs: ['agentName', 'source', 'allowDowngrade'],
    optionalInputs: ['targetVersion'],
  },
  'aws:configurePackage': {
    platformTypes: ['Windows', 'Linux'],
    requiredInputs: ['name', 'action'],
    optionalInputs: ['installationType', 'version', 'additionalArguments'],
  },
} as const satisfies Readonly<Record<string, CommandActionSpec>>;

export type CommandAction = keyof typeof COMMAND_ACTIONS;

export function isCommandAction(action: string): action is CommandAction {
  return Object.hasOwn(COMMAND_ACTIONS, action);
}

/** Content limit of CreateDocument/UpdateDocument, in UTF-8 bytes (spec §8.6: 64 KB). */
export const MAX_DOCUMENT_CONTENT_BYTES = 64 * 1024;

/** Execution timeout of a document without an `executionTimeout` parameter (spec §7.2). */
export const DEFAULT_EXECUTION_TIMEOUT_SECONDS = 3600;

const PLATFORM_TYPES: readonly PlatformType[] = ['Windows', 'Linux', 'MacOS'];
const PARAMETER_TYPES: readonly DocumentParameterType[] = [
  'String',
  'StringList',
  'Boolean',
  'Integer',
  'StringMap',
  'MapList',
];
const PARAMETER_NAME = /^[a-zA-Z0-9_]+$/;
/** Spec §8.2 [LOCAL]. */
const STEP_NAME = /^[a-zA-Z0-9_.-]{1,100}$/;
const TOP_LEVEL_KEYS: Record<CommandSchemaVersion, readonly string[]> = {
  '2.2': ['schemaVersion', 'description', 'parameters', 'mainSteps'],
  '1.2': ['schemaVersion', 'description', 'parameters', 'runtimeConfig'],
};
const PARAMETER_KEYS = [
  'type',
  'description',
  'default',
  'allowedValues',
  'allowedPattern',
  'displayType',
  'minItems',
  'maxItems',
  'minChars',
  'maxChars',
];
const STEP_KEYS = ['action', 'name', 'inputs', 'precondition'];
/** Inputs every plugin accepts in schema 2.2 (spec §8.2). */
const SHARED_INPUTS = ['onFailure', 'onSuccess', 'finallyStep'];

/**
 * `{{ name }}` with optional spaces. Only parameter-name characters count: `{{.Names}}` in a
 * `docker ps --format` argument is left alone, as the SSM agent leaves it.
 */
const REFERENCE = /\{\{\s*([a-zA-Z0-9_]+)\s*\}\}/g;
const WHOLE_REFERENCE = /^\{\{\s*([a-zA-Z0-9_]+)\s*\}\}$/;
/** Parameter Store references, which Mado cannot resolve. */
const PARAMETER_STORE_REFERENCE = /\{\{\s*ssm(?:-secure)?:[^{}]*\}\}/g;

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** A value quoted for a message, cut so that a 4 KB script does not flood the error. */
function quote(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(JSON.stringify(value));
  return text.length <= 80 ? text : `${text.slice(0, 77)}...`;
}

function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) {
    count += 1;
  }
  return count;
}

function utf8ByteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Collects violations; `field` is the path as the message prints it. */
class Violations {
  readonly list: FieldViolation[] = [];
  add(field: string, message: string, value?: unknown): void {
    this.list.push(value === undefined ? { field, message } : { field, message, value });
  }
  get isEmpty(): boolean {
    return this.list.length === 0;
  }
  /** `field: message; field: message`, at most 10 of them. */
  summary(): string {
    const shown = this.list.slice(0, 10).map((violation) => `${violation.field}: ${violation.message}`);
    const hidden = this.list.length - shown.length;
    return hidden > 0 ? `${shown.join('; ')}; and ${hidden} more` : shown.join('; ');
  }
}

function contentError(message: string, violations: readonly FieldViolation[] = [], cause?: unknown): ValidationError {
  return new ValidationError(message, { reason: 'DocumentContent', violations, cause });
}

function checkKeys(
  value: Readonly<Record<string, unknown>>,
  allowed: readonly string[],
  field: string,
  out: Violations,
) {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      out.add(`${field === '' ? '' : `${field}.`}${key}`, `is not a known key here (allowed: ${allowed.join(', ')})`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Parameter values: one checker for defaults (at parse time) and callers' values (at send time)
// ---------------------------------------------------------------------------------------------

type Coerced =
  { readonly ok: true; readonly value: ParameterValue } | { readonly ok: false; readonly problems: string[] };

function parseJsonValue(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  if (exceedsJsonDepth(text)) {
    return { ok: false, message: `nested deeper than ${MAX_JSON_DEPTH} levels` };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

function exactlyOne(values: readonly string[], problems: string[]): string | undefined {
  if (values.length !== 1) {
    problems.push(`requires exactly one value (got ${values.length})`);
    return undefined;
  }
  return values[0];
}

/**
 * A parameter's value from its wire form (SSM's `Parameters` are lists of strings), checked
 * against the type and every constraint of the definition.
 */
function coerceParameter(parameter: DocumentParameter, values: readonly string[]): Coerced {
  const problems: string[] = [];
  let value: ParameterValue | undefined;
  switch (parameter.type) {
    case 'String':
      value = exactlyOne(values, problems);
      break;
    case 'StringList':
      value = [...values];
      break;
    case 'Boolean': {
      const text = exactlyOne(values, problems);
      if (text === 'true' || text === 'false') {
        value = text === 'true';
      } else if (text !== undefined) {
        problems.push(`${quote(text)} is not a Boolean (true or false)`);
      }
      break;
    }
    case 'Integer': {
      const text = exactlyOne(values, problems);
      if (text !== undefined && /^-?[0-9]+$/.test(text) && Number.isSafeInteger(Number(text))) {
        value = Number(text);
      } else if (text !== undefined) {
        problems.push(`${quote(text)} is not an Integer`);
      }
      break;
    }
    case 'StringMap':
    case 'MapList': {
      const text = exactlyOne(values, problems);
      if (text === undefined) {
        break;
      }
      const parsed = parseJsonValue(text);
      if (!parsed.ok) {
        problems.push(`${quote(text)} is not valid JSON (${parsed.message})`);
      } else if (parameter.type === 'StringMap' && isObject(parsed.value)) {
        value = parsed.value;
      } else if (parameter.type === 'MapList' && Array.isArray(parsed.value) && parsed.value.every(isObject)) {
        value = parsed.value as ParameterMap[];
      } else {
        problems.push(
          parameter.type === 'StringMap'
            ? `${quote(text)} is not a JSON object`
            : `${quote(text)} is not a JSON list of objects`,
        );
      }
      break;
    }
  }
  // Items of a StringList are its values; items of a MapList are the objects in its one value.
  const itemCount = Array.isArray(value) ? value.length : undefined;
  if (parameter.minItems !== undefined && itemCount !== undefined && itemCount < parameter.minItems) {
    problems.push(`requires at least ${plural(parameter.minItems, 'value')} (got ${itemCount})`);
  }
  if (parameter.maxItems !== undefined && itemCount !== undefined && itemCount > parameter.maxItems) {
    problems.push(`allows at most ${plural(parameter.maxItems, 'value')} (got ${itemCount})`);
  }
  const pattern = parameter.allowedPattern === undefined ? undefined : wholeMatch(parameter.allowedPattern);
  for (const text of values) {
    if (parameter.allowedValues !== undefined && !parameter.allowedValues.includes(text)) {
      problems.push(
        `${quote(text)} is not one of the allowed values (${parameter.allowedValues.map((v) => quote(v)).join(', ')})`,
      );
    }
    if (pattern !== undefined && !pattern.test(text)) {
      problems.push(`${quote(text)} does not match the allowed pattern ${parameter.allowedPattern}`);
    }
    const length = characterCount(text);
    if (parameter.minChars !== undefined && length < parameter.minChars) {
      problems.push(`${quote(text)} is shorter than ${plural(parameter.minChars, 'character')}`);
    }
    if (parameter.maxChars !== undefined && length > parameter.maxChars) {
      problems.push(`${quote(text)} is longer than ${plural(parameter.maxChars, 'character')}`);
    }
  }
  return problems.length === 0 && value !== undefined ? { ok: true, value } : { ok: false, problems };
}

/**
 * The pattern anchored at both ends. SSM documents write Java/Go regular expressions; the
 * common subset (classes, groups, alternation, counted repetition) means the same in JavaScript.
 */
function wholeMatch(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}

/** A default as the caller would have sent it, so that it passes through `coerceParameter`. */
function wireForm(type: DocumentParameterType, value: ParameterValue): readonly string[] {
  switch (type) {
    case 'StringList':
      return value as readonly string[];
    case 'StringMap':
    case 'MapList':
      return [JSON.stringify(value)];
    default:
      return [String(value as string | number | boolean)];
  }
}

/** A parameter value inside a longer string (spec §8.3: a StringList joined with `,` [LOCAL]). */
function stringForm(type: DocumentParameterType, value: ParameterValue): string {
  switch (type) {
    case 'StringList':
      return (value as readonly string[]).join(',');
    case 'StringMap':
    case 'MapList':
      return JSON.stringify(value);
    default:
      return String(value as string | number | boolean);
  }
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

function isOfType(type: DocumentParameterType, value: unknown): value is ParameterValue {
  switch (type) {
    case 'String':
      return typeof value === 'string';
    case 'StringList':
      return Array.isArray(value) && value.every((item) => typeof item === 'string');
    case 'Boolean':
      return typeof value === 'boolean';
    case 'Integer':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'StringMap':
      return isObject(value);
    case 'MapList':
      return Array.isArray(value) && value.every(isObject);
  }
}

const TYPE_EXPECTATION: Record<DocumentParameterType, string> = {
  String: 'a string',
  StringList: 'a list of strings',
  Boolean: 'true or false (not a string)',
  Integer: 'an integer (not a string)',
  StringMap: 'a JSON object',
  MapList: 'a list of JSON objects',
};

/** Every string inside a JSON value, with its path below `field`. */
function* stringsIn(value: unknown, field: string): Generator<{ readonly field: string; readonly text: string }> {
  if (typeof value === 'string') {
    yield { field, text: value };
  } else if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      yield* stringsIn(item, `${field}[${index}]`);
    }
  } else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      yield* stringsIn(item, `${field}.${key}`);
    }
  }
}

function checkNoParameterStoreReference(value: unknown, field: string, out: Violations): void {
  for (const { field: where, text } of stringsIn(value, field)) {
    for (const match of text.matchAll(PARAMETER_STORE_REFERENCE)) {
      out.add(
        where,
        `references the Parameter Store parameter ${match[0]}, but Mado has no Parameter Store: ssm: references are not supported`,
      );
    }
  }
}

function parseParameter(name: string, raw: unknown, field: string, out: Violations): DocumentParameter | undefined {
  if (!PARAMETER_NAME.test(name)) {
    out.add(field, 'is not a valid parameter name (letters, digits and _ only)');
  }
  if (!isObject(raw)) {
    out.add(field, 'must be an object with at least a type');
    return undefined;
  }
  const before = out.list.length;
  checkKeys(raw, PARAMETER_KEYS, field, out);
  const type = raw['type'];
  if (typeof type !== 'string' || !PARAMETER_TYPES.includes(type as DocumentParameterType)) {
    out.add(
      `${field}.type`,
      type === undefined
        ? `is required (one of ${PARAMETER_TYPES.join(', ')})`
        : `${quote(type)} is not a parameter type (one of ${PARAMETER_TYPES.join(', ')})`,
    );
    return undefined;
  }
  const parameterType = type as DocumentParameterType;
  const isList = parameterType === 'StringList' || parameterType === 'MapList';
  const isScalar = parameterType === 'Boolean' || parameterType === 'Integer';
  const parameter: {
    -readonly [K in keyof DocumentParameter]: DocumentParameter[K];
  } = { type: parameterType };

  const description = raw['description'];
  if (description !== undefined) {
    if (typeof description === 'string') {
      parameter.description = description;
    } else {
      out.add(`${field}.description`, 'must be a string');
    }
  }
  const displayType = raw['displayType'];
  if (displayType !== undefined) {
    if (displayType === 'textfield' || displayType === 'textarea') {
      parameter.displayType = displayType;
    } else {
      out.add(`${field}.displayType`, `${quote(displayType)} is not textfield or textarea`);
    }
  }
  const allowedValues = raw['allowedValues'];
  if (allowedValues !== undefined) {
    if (
      Array.isArray(allowedValues) &&
      allowedValues.length > 0 &&
      allowedValues.every((item) => ['string', 'number', 'boolean'].includes(typeof item))
    ) {
      // YAML writes `allowedValues: [1, 2]` for an Integer; callers send strings either way.
      parameter.allowedValues = allowedValues.map((item) => String(item as string | number | boolean));
    } else {
      out.add(`${field}.allowedValues`, 'must be a non-empty list of strings');
    }
  }
  const allowedPattern = raw['allowedPattern'];
  if (allowedPattern !== undefined) {
    if (typeof allowedPattern !== 'string') {
      out.add(`${field}.allowedPattern`, 'must be a string');
    } else {
      try {
        // Compiled alone first: `[0-9]+)|(.*` is unbalanced on its own but would compile inside
        // the anchoring group as `^(?:[0-9]+)|(.*)$`, which no longer anchors anything.
        new RegExp(allowedPattern);
        wholeMatch(allowedPattern);
        parameter.allowedPattern = allowedPattern;
      } catch (error) {
        out.add(
          `${field}.allowedPattern`,
          `${quote(allowedPattern)} is not a regular expression Mado can use (${error instanceof Error ? error.message : String(error)})`,
        );
      }
    }
  }
  for (const bound of ['minItems', 'maxItems', 'minChars', 'maxChars'] as const) {
    const value = raw[bound];
    if (value === undefined) {
      continue;
    }
    if (!isNonNegativeInteger(value)) {
      out.add(`${field}.${bound}`, `must be a non-negative integer (got ${quote(value)})`);
    } else if (bound.endsWith('Items') && !isList) {
      out.add(`${field}.${bound}`, `applies only to StringList and MapList parameters, not ${parameterType}`);
    } else if (bound.endsWith('Chars') && isScalar) {
      out.add(`${field}.${bound}`, `applies only to string values, not ${parameterType}`);
    } else {
      parameter[bound] = value;
    }
  }
  if (parameter.minItems !== undefined && parameter.maxItems !== undefined && parameter.minItems > parameter.maxItems) {
    out.add(`${field}.minItems`, `(${parameter.minItems}) is greater than maxItems (${parameter.maxItems})`);
  }
  if (parameter.minChars !== undefined && parameter.maxChars !== undefined && parameter.minChars > parameter.maxChars) {
    out.add(`${field}.minChars`, `(${parameter.minChars}) is greater than maxChars (${parameter.maxChars})`);
  }

  const defaultValue = raw['default'];
  if (defaultValue !== undefined) {
    const parameterStoreBefore = out.list.length;
    checkNoParameterStoreReference(defaultValue, `${field}.default`, out);
    if (out.list.length > parameterStoreBefore) {
      return undefined;
    }
    if (!isOfType(parameterType, defaultValue)) {
      out.add(`${field}.default`, `must be ${TYPE_EXPECTATION[parameterType]} for a ${parameterType} parameter`);
      return undefined;
    }
    if (out.list.length === before) {
      // The default is what runs when the caller says nothing: it must pass the same checks.
      const checked = coerceParameter(parameter, wireForm(parameterType, defaultValue));
      if (!checked.ok) {
        for (const problem of checked.problems) {
          out.add(`${field}.default`, problem);
        }
      }
    }
    parameter.default = defaultValue;
  }
  return out.list.length === before ? parameter : undefined;
}

function parseParameters(raw: unknown, out: Violations): Map<string, DocumentParameter> | undefined {
  const parameters = new Map<string, DocumentParameter>();
  if (raw === undefined) {
    return parameters;
  }
  if (!isObject(raw)) {
    out.add('parameters', 'must be an object of parameter definitions');
    return undefined;
  }
  let isComplete = true;
  for (const [name, definition] of Object.entries(raw)) {
    const parameter = parseParameter(name, definition, `parameters.${name}`, out);
    if (parameter === undefined) {
      isComplete = false;
    } else {
      parameters.set(name, parameter);
    }
  }
  return isComplete ? parameters : undefined;
}

function checkPrecondition(raw: unknown, field: string, out: Violations): StepPrecondition | undefined {
  const supported = `only {"StringEquals": ["platformType", "Linux" | "Windows" | "MacOS"]} is supported`;
  if (!isObject(raw)) {
    out.add(field, `must be an object (${supported})`);
    return undefined;
  }
  const operators = Object.keys(raw);
  if (operators.length !== 1 || operators[0] !== 'StringEquals') {
    out.add(field, `uses ${operators.map((operator) => quote(operator)).join(', ') || 'no operator'} (${supported})`);
    return undefined;
  }
  const operands = raw['StringEquals'];
  if (!Array.isArray(operands) || operands.length !== 2) {
    out.add(`${field}.StringEquals`, `must be a list of two operands (${supported})`);
    return undefined;
  }
  const [left, right] = operands as unknown[];
  if (left !== 'platformType') {
    out.add(`${field}.StringEquals[0]`, `${quote(left)} is not platformType (${supported})`);
    return undefined;
  }
  if (typeof right !== 'string' || !PLATFORM_TYPES.includes(right as PlatformType)) {
    out.add(`${field}.StringEquals[1]`, `${quote(right)} is not a platform type (Linux, Windows or MacOS)`);
    return undefined;
  }
  return { StringEquals: ['platformType', right as PlatformType] };
}

function checkInputs(
  action: CommandAction,
  inputs: Readonly<Record<string, unknown>>,
  field: string,
  options: { readonly sharedInputs: boolean; readonly isLastStep: boolean },
  out: Violations,
): void {
  const spec: CommandActionSpec = COMMAND_ACTIONS[action];
  const allowed = [...spec.requiredInputs, ...spec.optionalInputs, ...(options.sharedInputs ? SHARED_INPUTS : [])];
  checkKeys(inputs, allowed, field, out);
  for (const name of spec.requiredInputs) {
    if (inputs[name] === undefined) {
      out.add(`${field}.${name}`, `is required by ${action}`);
    }
  }
  const runCommand = inputs['runCommand'];
  if (
    runCommand !== undefined &&
    typeof runCommand !== 'string' &&
    !(Array.isArray(runCommand) && runCommand.length > 0 && runCommand.every((line) => typeof line === 'string'))
  ) {
    out.add(`${field}.runCommand`, 'must be a string or a non-empty list of strings');
  }
  if (!options.sharedInputs) {
    return;
  }
  const onFailure = inputs['onFailure'];
  if (onFailure !== undefined && onFailure !== 'exit' && onFailure !== 'successAndExit') {
    out.add(`${field}.onFailure`, `${quote(onFailure)} is not exit or successAndExit`);
  }
  const onSuccess = inputs['onSuccess'];
  if (onSuccess !== undefined && onSuccess !== 'exit') {
    out.add(`${field}.onSuccess`, `${quote(onSuccess)} is not exit`);
  }
  const finallyStep = inputs['finallyStep'];
  if (finallyStep !== undefined && typeof finallyStep !== 'boolean') {
    out.add(`${field}.finallyStep`, 'must be true or false');
  } else if (finallyStep === true && !options.isLastStep) {
    out.add(`${field}.finallyStep`, 'is allowed only on the last step');
  }
}

function checkReferences(
  inputs: Readonly<Record<string, unknown>>,
  field: string,
  parameters: ReadonlyMap<string, DocumentParameter>,
  out: Violations,
): void {
  checkNoParameterStoreReference(inputs, field, out);
  for (const { field: where, text } of stringsIn(inputs, field)) {
    for (const match of text.matchAll(REFERENCE)) {
      const name = match[1] ?? '';
      if (!parameters.has(name)) {
        out.add(where, `references undeclared parameter {{ ${name} }}`);
      }
    }
  }
}

/** A parsed step and the path of its inputs, for the messages of later checks. */
interface ParsedStep {
  readonly step: DocumentStep;
  readonly inputsField: string;
}

function parseMainSteps(raw: unknown, out: Violations): ParsedStep[] {
  if (raw === undefined) {
    out.add('mainSteps', 'is required: a list of at least one step');
    return [];
  }
  if (!Array.isArray(raw) || raw.length === 0) {
    out.add('mainSteps', 'must be a list of at least one step');
    return [];
  }
  const steps: ParsedStep[] = [];
  const seen = new Map<string, number>();
  for (const [index, step] of (raw as unknown[]).entries()) {
    let field = `mainSteps[${index}]`;
    if (!isObject(step)) {
      out.add(field, 'must be an object with action, name and inputs');
      continue;
    }
    const name = step['name'];
    if (typeof name === 'string' && name !== '') {
      field = `${field} (${name})`;
    }
    checkKeys(step, STEP_KEYS, field, out);
    if (typeof name !== 'string' || !STEP_NAME.test(name)) {
      out.add(
        `${field}.name`,
        name === undefined
          ? 'is required'
          : `${quote(name)} is not a valid step name (1-100 letters, digits, _ . or -)`,
      );
    } else if (seen.has(name)) {
      out.add(`${field}.name`, `${quote(name)} is already the name of mainSteps[${seen.get(name)}]`);
    } else {
      seen.set(name, index);
    }
    const action = step['action'];
    const isKnownAction = typeof action === 'string' && isCommandAction(action);
    if (!isKnownAction) {
      out.add(
        `${field}.action`,
        action === undefined
          ? 'is required'
          : `${quote(action)} is not a plugin Mado runs (one of ${Object.keys(COMMAND_ACTIONS).join(', ')})`,
      );
    }
    const inputs = step['inputs'];
    if (!isObject(inputs)) {
      out.add(`${field}.inputs`, inputs === undefined ? 'is required' : 'must be an object');
    } else if (isKnownAction) {
      checkInputs(action, inputs, `${field}.inputs`, { sharedInputs: true, isLastStep: index === raw.length - 1 }, out);
    }
    const precondition =
      step['precondition'] === undefined
        ? undefined
        : checkPrecondition(step['precondition'], `${field}.precondition`, out);
    if (typeof name === 'string' && isKnownAction && isObject(inputs)) {
      steps.push({
        step: { action, name, inputs, ...(precondition === undefined ? {} : { precondition }) },
        inputsField: `${field}.inputs`,
      });
    }
  }
  return steps;
}

function parseRuntimeConfig(raw: unknown, out: Violations): ParsedStep[] {
  if (raw === undefined) {
    out.add('runtimeConfig', 'is required for schema 1.2: an object of plugins');
    return [];
  }
  if (!isObject(raw) || Object.keys(raw).length === 0) {
    out.add('runtimeConfig', 'must be an object of at least one plugin');
    return [];
  }
  const steps: ParsedStep[] = [];
  for (const [action, plugin] of Object.entries(raw)) {
    const field = `runtimeConfig.${action}`;
    if (!isCommandAction(action)) {
      out.add(field, `${quote(action)} is not a plugin Mado runs (one of ${Object.keys(COMMAND_ACTIONS).join(', ')})`);
      continue;
    }
    if (!isObject(plugin)) {
      out.add(field, 'must be an object with properties');
      continue;
    }
    checkKeys(plugin, ['properties'], field, out);
    const properties = plugin['properties'];
    const list: unknown[] = Array.isArray(properties) ? properties : [properties];
    if (properties === undefined || list.length !== 1 || !isObject(list[0])) {
      out.add(
        `${field}.properties`,
        'must be one object, or a list of exactly one object (Mado runs each plugin once per document)',
      );
      continue;
    }
    const { id, ...inputs } = list[0];
    const propertiesField = `${field}.properties${Array.isArray(properties) ? '[0]' : ''}`;
    if (id !== undefined && typeof id !== 'string') {
      out.add(`${propertiesField}.id`, 'must be a string');
    }
    checkInputs(action, inputs, propertiesField, { sharedInputs: false, isLastStep: false }, out);
    steps.push({ step: { action, name: action, inputs }, inputsField: propertiesField });
  }
  return steps;
}

function schemaVersionOf(value: Readonly<Record<string, unknown>>): CommandSchemaVersion {
  const raw = value['schemaVersion'];
  if (raw === undefined) {
    throw contentError('schemaVersion: is required ("2.2")', [{ field: 'schemaVersion', message: 'is required' }]);
  }
  // YAML reads `schemaVersion: 2.2` as a number (spec §8.2).
  const version = typeof raw === 'number' ? String(raw) : raw;
  if (version === '2.2' || version === '1.2') {
    return version;
  }
  const message =
    typeof version === 'string'
      ? `schemaVersion ${quote(version)} is not supported for Command documents: use "2.2"`
      : `schemaVersion must be a string such as "2.2" (got ${quote(raw)})`;
  throw new ValidationError(message, {
    reason: 'DocumentSchemaVersion',
    violations: [{ field: 'schemaVersion', message, value: raw }],
  });
}

function platformTypesOf(steps: readonly DocumentStep[]): PlatformType[] {
  const platforms = new Set<PlatformType>();
  for (const step of steps) {
    // A step limited by a precondition runs on that platform only; otherwise the plugin decides.
    const stepPlatforms: readonly PlatformType[] =
      step.precondition === undefined
        ? COMMAND_ACTIONS[step.action].platformTypes
        : [step.precondition.StringEquals[1]];
    for (const platform of stepPlatforms) {
      platforms.add(platform);
    }
  }
  return PLATFORM_TYPES.filter((platform) => platforms.has(platform));
}

function validateCommandDocument(value: unknown): CommandDocument {
  if (!isObject(value)) {
    throw contentError('Document content must be an object with schemaVersion, parameters and mainSteps.');
  }
  const schemaVersion = schemaVersionOf(value);
  const out = new Violations();
  checkKeys(value, TOP_LEVEL_KEYS[schemaVersion], '', out);
  const description = value['description'];
  if (description !== undefined && typeof description !== 'string') {
    out.add('description', 'must be a string');
  }
  const parameters = parseParameters(value['parameters'], out);
  const parsed =
    schemaVersion === '2.2' ? parseMainSteps(value['mainSteps'], out) : parseRuntimeConfig(value['runtimeConfig'], out);
  if (parameters !== undefined) {
    for (const { step, inputsField } of parsed) {
      checkReferences(step.inputs, inputsField, parameters, out);
    }
  }
  const steps = parsed.map(({ step }) => step);
  if (!out.isEmpty || parameters === undefined) {
    throw contentError(out.summary(), out.list);
  }
  return {
    schemaVersion,
    ...(typeof description === 'string' ? { description } : {}),
    parameters,
    mainSteps: steps,
    platformTypes: platformTypesOf(steps),
  };
}

function parseJsonContent(content: string): unknown {
  // The request body's depth check does not see inside this string: its brackets are checked here.
  if (exceedsJsonDepth(content)) {
    throw contentError(`Document content is nested deeper than ${MAX_JSON_DEPTH} levels.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw contentError(`Document content is not valid JSON: ${reason}`, [], error);
  }
  const duplicate = findDuplicateJsonKey(content);
  if (duplicate !== undefined) {
    throw contentError(`${duplicate}: is defined twice`, [{ field: duplicate, message: 'is defined twice' }]);
  }
  return value;
}

/**
 * Parses and validates command document content (spec §8.2), written as JSON or YAML.
 *
 * @throws ValidationError with `reason`:
 *   - `DocumentTooLarge` when the content is over 64 KB (UTF-8);
 *   - `DocumentSchemaVersion` when `schemaVersion` is not "2.2" or "1.2";
 *   - `DocumentContent` for anything else, with one violation per problem; the
 *     message lists them as `field: problem` where field names the step, e.g.
 *     `mainSteps[1] (runShellScript).inputs.runCommand: references undeclared parameter {{ comands }}`.
 */
export function parseCommandDocument(content: string, format: DocumentFormat): CommandDocument {
  const size = utf8ByteLength(content);
  if (size > MAX_DOCUMENT_CONTENT_BYTES) {
    throw new ValidationError(
      `Document content is ${size} bytes; the limit is ${MAX_DOCUMENT_CONTENT_BYTES} bytes (64 KB).`,
      { reason: 'DocumentTooLarge' },
    );
  }
  if (content.trim() === '') {
    throw contentError('Document content is empty.');
  }
  return validateCommandDocument(format === 'YAML' ? parseYamlContent(content) : parseJsonContent(content));
}

function parseYamlContent(content: string): unknown {
  const reading = readYaml(content);
  if (!reading.ok) {
    throw contentError(
      reading.message,
      reading.field === undefined ? [] : [{ field: reading.field, message: 'is defined twice' }],
    );
  }
  return reading.value;
}

/**
 * The format a Command document's content is read in: JSON when none is given (spec §8.6).
 * @throws ValidationError `DocumentContent` for TEXT, which only other document types use
 *   (spec §8.1 [LOCAL]).
 */
export function commandDocumentFormat(format: string | undefined): DocumentFormat {
  if (format === undefined || format === 'JSON' || format === 'YAML') {
    return format ?? 'JSON';
  }
  throw contentError(`DocumentFormat ${format} is not supported for Command documents; use JSON or YAML.`, [
    { field: 'documentFormat', message: 'must be JSON or YAML for a Command document', value: format },
  ]);
}

/**
 * The same content in another format (GetDocument's `DocumentFormat`, spec §8.6): the stored
 * text unchanged when the formats agree, otherwise the parsed value written out as JSON
 * (indented by two spaces) or YAML. Key order is kept.
 * @param content content that `parseCommandDocument` accepted in format `from`.
 */
export function convertDocumentContent(content: string, from: DocumentFormat, to: DocumentFormat): string {
  if (from === to) {
    return content;
  }
  const value = from === 'YAML' ? parseYamlContent(content) : parseJsonContent(content);
  return to === 'YAML' ? writeYaml(value) : `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * SSM's document `Hash`: lower-case hex SHA-256 of the content exactly as stored (spec §8.6).
 * Pure computation; `node:crypto` is the one Node module the domain uses.
 */
export function documentHash(content: string): string {
  return createHash('sha256').update(content, 'utf8').digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Parameters supplied by a caller, and rendering
// ---------------------------------------------------------------------------------------------

/**
 * Checks a caller's `Parameters` against the document and overlays them on the defaults
 * (spec §7.2 rule 4, §8.3). A parameter the caller names is checked even if it has a default;
 * defaults themselves were checked when the document was parsed.
 *
 * @returns every declared parameter's value, typed (see `ParameterValue`).
 * @throws ValidationError `InvalidParameters` naming every bad parameter: unknown names,
 *   required parameters without a value, and values of the wrong type or outside the
 *   parameter's constraints. `violations[].field` is the parameter name.
 */
export function validateParameters(
  document: CommandDocument,
  given: Readonly<Record<string, readonly string[]>>,
): ResolvedParameters {
  const out = new Violations();
  for (const name of Object.keys(given)) {
    if (!document.parameters.has(name)) {
      out.add(name, 'is not a parameter of this document');
    }
  }
  const resolved = new Map<string, ParameterValue>();
  for (const [name, parameter] of document.parameters) {
    if (Object.hasOwn(given, name)) {
      const values = given[name] ?? [];
      const checked = coerceParameter(parameter, values);
      if (checked.ok) {
        resolved.set(name, checked.value);
      } else {
        for (const problem of checked.problems) {
          out.add(name, problem, values);
        }
      }
    } else if (parameter.default !== undefined) {
      resolved.set(name, parameter.default);
    } else {
      out.add(name, 'is required');
    }
  }
  if (!out.isEmpty) {
    throw new ValidationError(`Invalid parameters: ${out.summary()}`, {
      reason: 'DocumentParameters',
      violations: out.list,
    });
  }
  return resolved;
}

function resolvedValue(
  document: CommandDocument,
  resolved: ResolvedParameters,
  name: string,
): { readonly type: DocumentParameterType; readonly value: ParameterValue } {
  const parameter = document.parameters.get(name);
  const value = resolved.get(name);
  if (parameter === undefined || value === undefined) {
    // parseCommandDocument refuses undeclared references and validateParameters resolves every
    // declared parameter, so this is a caller that skipped one of them.
    throw new Error(`renderSteps: no resolved value for parameter ${name}; resolve with validateParameters first`);
  }
  return { type: parameter.type, value };
}

function substitute(value: unknown, document: CommandDocument, resolved: ResolvedParameters): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE_REFERENCE.exec(value);
    if (whole !== null) {
      return resolvedValue(document, resolved, whole[1] ?? '').value;
    }
    return value.replace(REFERENCE, (_match, name: string) => {
      const { type, value: parameterValue } = resolvedValue(document, resolved, name);
      return stringForm(type, parameterValue);
    });
  }
  if (Array.isArray(value)) {
    return value.flatMap((item: unknown) => {
      const whole = typeof item === 'string' ? WHOLE_REFERENCE.exec(item) : null;
      if (whole !== null) {
        const { type, value: parameterValue } = resolvedValue(document, resolved, whole[1] ?? '');
        // A list element that is exactly a list parameter is spliced in (spec §8.3), so
        // `"runCommand": ["{{ commands }}"]` and `"runCommand": "{{ commands }}"` agree.
        return type === 'StringList' || type === 'MapList'
          ? [...(parameterValue as readonly unknown[])]
          : [parameterValue];
      }
      return [substitute(item, document, resolved)];
    });
  }
  if (isObject(value)) {
    // fromEntries, not assignment: a `__proto__` key must stay a plain key.
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, substitute(item, document, resolved)] as const),
    );
  }
  return value;
}

/**
 * The document's steps with parameters substituted into their inputs (spec §8.3): a string
 * that is exactly `{{ name }}` becomes the typed value (a StringList stays a list, a StringMap
 * becomes an object); a list element that is exactly a StringList/MapList reference is spliced
 * into the list; a reference inside a longer string becomes the value's string form (lists
 * joined with `,`, maps as JSON). A step's precondition becomes its `platformType`.
 *
 * @param resolved the result of `validateParameters` for this document.
 */
export function renderSteps(document: CommandDocument, resolved: ResolvedParameters): ResolvedStep[] {
  return document.mainSteps.map((step) => ({
    action: step.action,
    name: step.name,
    inputs: substitute(step.inputs, document, resolved) as Record<string, unknown>,
    ...(step.precondition === undefined ? {} : { platformType: step.precondition.StringEquals[1] }),
  }));
}

/**
 * The execution timeout a command adds to its delivery timeout for `ExpiresAfter` (spec §7.2):
 * the document's `executionTimeout` parameter when it declares one and its value is a whole
 * number of seconds above 0, else 3600.
 */
export function executionTimeoutSeconds(document: CommandDocument, resolved: ResolvedParameters): number {
  if (!document.parameters.has('executionTimeout')) {
    return DEFAULT_EXECUTION_TIMEOUT_SECONDS;
  }
  const value = resolved.get('executionTimeout');
  const seconds =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^[0-9]+$/.test(value.trim())
        ? Number(value)
        : NaN;
  return Number.isSafeInteger(seconds) && seconds > 0 ? seconds : DEFAULT_EXECUTION_TIMEOUT_SECONDS;
}

/** A parameter as `DescribeDocument` reports it (SSM's `DocumentParameter`). */
export interface DocumentParameterDescription {
  readonly name: string;
  /** The API's enum has only these two; the other types are reported as String (spec §8.2). */
  readonly type: 'String' | 'StringList';
  readonly description?: string;
  /** The default's string form: lists and maps as JSON. */
  readonly defaultValue?: string;
}

/** The document's parameters in the shape of the API's `DocumentDescription.Parameters`. */
export function describeParameters(document: CommandDocument): DocumentParameterDescription[] {
  return [...document.parameters].map(([name, parameter]) => ({
    name,
    type: parameter.type === 'StringList' ? 'StringList' : 'String',
    ...(parameter.description === undefined ? {} : { description: parameter.description }),
    ...(parameter.default === undefined
      ? {}
      : {
          defaultValue:
            typeof parameter.default === 'object' ? JSON.stringify(parameter.default) : String(parameter.default),
        }),
  }));
}
