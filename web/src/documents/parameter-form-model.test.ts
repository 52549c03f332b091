import { describe, expect, it } from 'vitest';
import { findBuiltinDocument } from '../../../src/domain/builtin-documents.js';
import { parseCommandDocument, validateParameters } from '../../../src/domain/document.js';
import {
  checkParameterValues,
  initialParameterValues,
  parameterDefinitionsOf,
  parametersRequest,
} from './parameter-form-model.js';

function builtin(name: string) {
  const document = findBuiltinDocument(name);
  if (document === undefined) {
    throw new Error(`no built-in document ${name}`);
  }
  return { content: document.content, parsed: parseCommandDocument(document.content, 'JSON') };
}

describe('document parameter form', () => {
  it('fills the scenario AWS-ConfigureAWSPackage task into parameters the server accepts', () => {
    const { content, parsed } = builtin('AWS-ConfigureAWSPackage');
    const definitions = parameterDefinitionsOf(content);
    const values = { ...initialParameterValues(definitions), action: 'Install', name: 'AmazonCloudWatchAgent' };
    expect(values).toMatchObject({
      installationType: 'Uninstall and reinstall',
      version: '',
      additionalArguments: '{}',
    });
    expect(checkParameterValues(definitions, values)).toEqual({});
    const request = parametersRequest(definitions, values);
    // Blank version is left out: the document's default (the latest) applies.
    expect(request).toEqual({
      action: ['Install'],
      installationType: ['Uninstall and reinstall'],
      name: ['AmazonCloudWatchAgent'],
      additionalArguments: ['{}'],
    });
    expect(() => validateParameters(parsed, request)).not.toThrow();
  });

  it('fills the scenario AWS-UpdateSSMAgent task with its defaults', () => {
    const { content, parsed } = builtin('AWS-UpdateSSMAgent');
    const definitions = parameterDefinitionsOf(content);
    const values = initialParameterValues(definitions);
    expect(checkParameterValues(definitions, values)).toEqual({});
    const request = parametersRequest(definitions, values);
    expect(request).toEqual({ allowDowngrade: ['false'] });
    expect(() => validateParameters(parsed, request)).not.toThrow();
  });

  it('sends a StringList one item per line and requires its items', () => {
    const { content, parsed } = builtin('AWS-RunShellScript');
    const definitions = parameterDefinitionsOf(content);
    const values = initialParameterValues(definitions);
    expect(checkParameterValues(definitions, values)).toEqual({ commands: 'Required.' });
    const filled = { ...values, commands: 'echo one\n\necho two\n' };
    expect(checkParameterValues(definitions, filled)).toEqual({});
    const request = parametersRequest(definitions, filled);
    expect(request.commands).toEqual(['echo one', 'echo two']);
    expect(() => validateParameters(parsed, request)).not.toThrow();
  });

  it('refuses values outside the allowed values and patterns at their fields', () => {
    const { content } = builtin('AWS-ConfigureAWSPackage');
    const definitions = parameterDefinitionsOf(content);
    const values = { ...initialParameterValues(definitions), action: 'Reinstall', name: 'bad name!', version: '' };
    expect(Object.keys(checkParameterValues(definitions, values)).sort()).toEqual(['action', 'name']);
  });
});
