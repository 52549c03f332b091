/**
 * The Run Command parameters of a document as a form: initial values from the definitions'
 * defaults, checks at each field (required, allowed values, pattern, item counts), and the
 * `Parameters` map (name → list of strings) that SendCommand and RUN_COMMAND tasks take.
 *
 * Field values are text: a StringList is one item per line; everything else is the value itself.
 * An empty optional field is left out of the request, so the document's default applies.
 */
import type { DocumentParameterDefinition } from '../api/types.js';

export type ParameterDefinitions = Readonly<Record<string, DocumentParameterDefinition>>;
export type ParameterValues = Readonly<Record<string, string>>;

/** The `parameters` object of a document's JSON content; none when absent or unreadable. */
export function parameterDefinitionsOf(content: string): ParameterDefinitions {
  try {
    const parsed = JSON.parse(content) as { parameters?: unknown };
    const parameters = parsed.parameters;
    return typeof parameters === 'object' && parameters !== null ? (parameters as ParameterDefinitions) : {};
  } catch {
    // Not JSON (the console asks for JSON, so this is a damaged document): no parameter form.
    return {};
  }
}

function defaultText(definition: DocumentParameterDefinition): string {
  const value = definition.default;
  if (value === undefined || value === null) {
    return '';
  }
  if (Array.isArray(value)) {
    return value.map(String).join('\n');
  }
  return typeof value === 'object' ? JSON.stringify(value) : String(value as string | number | boolean);
}

export function initialParameterValues(definitions: ParameterDefinitions): Record<string, string> {
  return Object.fromEntries(Object.entries(definitions).map(([name, definition]) => [name, defaultText(definition)]));
}

export function isListParameter(definition: DocumentParameterDefinition): boolean {
  return definition.type === 'StringList';
}

function itemsOf(definition: DocumentParameterDefinition, text: string): string[] {
  if (isListParameter(definition)) {
    return text
      .split('\n')
      .map((line) => line.replace(/\r$/, ''))
      .filter((line) => line.trim() !== '');
  }
  return text === '' ? [] : [text];
}

/** The error to show at each field that needs one. */
export function checkParameterValues(
  definitions: ParameterDefinitions,
  values: ParameterValues,
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const [name, definition] of Object.entries(definitions)) {
    const items = itemsOf(definition, values[name] ?? '');
    const isRequired = definition.default === undefined;
    if (items.length === 0) {
      if (isRequired) {
        errors[name] = 'Required.';
      }
      continue;
    }
    if (definition.minItems !== undefined && items.length < definition.minItems) {
      errors[name] = `At least ${definition.minItems} item(s).`;
    } else if (definition.maxItems !== undefined && items.length > definition.maxItems) {
      errors[name] = `At most ${definition.maxItems} item(s).`;
    }
    for (const item of items) {
      if (definition.allowedValues !== undefined && !definition.allowedValues.includes(item)) {
        errors[name] = `Must be one of: ${definition.allowedValues.join(', ')}.`;
      } else if (
        definition.allowedPattern !== undefined &&
        !new RegExp(`^(?:${definition.allowedPattern})$`).test(item)
      ) {
        errors[name] = `Must match the pattern ${definition.allowedPattern}.`;
      } else if (definition.maxChars !== undefined && item.length > definition.maxChars) {
        errors[name] = `At most ${definition.maxChars} characters.`;
      }
    }
  }
  return errors;
}

/** The request's `Parameters`: every field with a value, as a list of strings. */
export function parametersRequest(
  definitions: ParameterDefinitions,
  values: ParameterValues,
): Record<string, string[]> {
  const request: Record<string, string[]> = {};
  for (const [name, definition] of Object.entries(definitions)) {
    const items = itemsOf(definition, values[name] ?? '');
    if (items.length > 0) {
      request[name] = items;
    }
  }
  return request;
}
