import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors.js';
import {
  parseVersionSelector,
  selectedVersion,
  validateNewDocumentName,
  type StoredDocument,
} from './stored-document.js';

describe('validateNewDocumentName', () => {
  it.each(['Restart-Service', 'my.doc_v2', 'Deploy', 'patch-aws-hosts', 'A-WS-lookalike'])('accepts %s', (name) => {
    expect(() => validateNewDocumentName(name)).not.toThrow();
  });

  it.each([
    'AWS-RunShellScript',
    'aws-mine',
    'AwsSomething',
    'AWSEC2-Patch',
    'AWSConfigRemediation-Fix',
    'AWSSupport-Collect',
    'Amazon-Thing',
    'amazonlike',
    'AMZN-Doc',
    'amzn.doc',
  ])('refuses the reserved name %s, naming the name member', (name) => {
    let error: unknown;
    try {
      validateNewDocumentName(name);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const validation = error as ValidationError;
    expect(validation.reason).toBeUndefined();
    expect(validation.violations).toEqual([expect.objectContaining({ field: 'name', value: name })]);
    expect(validation.message).toContain('reserved for Amazon-owned documents');
  });
});

describe('version selectors', () => {
  const document: StoredDocument = {
    name: 'Doc',
    documentType: 'Command',
    owner: '123456789012',
    defaultVersion: 2,
    latestVersion: 5,
    versionCounter: 6,
    createdAt: 0,
  };

  it.each([
    ['$DEFAULT', 2],
    ['$LATEST', 5],
    ['3', 3],
    ['17', 17],
  ])('reads %s as version %i of a document whose default is 2 and latest 5', (text, number) => {
    expect(selectedVersion(document, parseVersionSelector(text))).toBe(number);
  });
});
