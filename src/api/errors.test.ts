import { describe, expect, it } from 'vitest';
import {
  AlreadyExistsError,
  ConflictError,
  FeatureNotAvailableError,
  IdempotencyMismatchError,
  LimitExceededError,
  NotFoundError,
  ValidationError,
  type ConflictReason,
  type ResourceKind,
  type ValidationReason,
} from '../domain/errors.js';
import {
  CONFLICT_ERRORS,
  errorBody,
  formatViolations,
  frameworkError,
  NOT_FOUND_ERRORS,
  toWireError,
  transportError,
  VALIDATION_ERRORS,
  WireError,
  type TransportFailure,
} from './errors.js';

const GENERIC_MESSAGE = 'An internal error occurred; the server log has the details.';

/** SSM's error name for each missing resource, from the spec (§1.3, §7, §8, §9, §10). */
const documentedNotFound: Record<ResourceKind, string> = {
  MaintenanceWindow: 'DoesNotExistException',
  WindowTarget: 'DoesNotExistException',
  WindowTask: 'DoesNotExistException',
  WindowExecution: 'DoesNotExistException',
  WindowExecutionTask: 'DoesNotExistException',
  WindowExecutionTaskInvocation: 'DoesNotExistException',
  TaggableResource: 'InvalidResourceId',
  Document: 'InvalidDocument',
  DocumentVersion: 'InvalidDocumentVersion',
  Instance: 'InvalidInstanceId',
  Command: 'InvalidCommandId',
  CommandInvocation: 'InvocationDoesNotExist',
  // §9.6: DeleteActivation of an unknown id → InvalidActivationId (InvalidActivation is for an
  // activation that exists but is deleted, expired or used up).
  Activation: 'InvalidActivationId',
  // Resource groups are Mado's stand-in for AWS Resource Groups; a missing one is bad input.
  ResourceGroup: 'ValidationException',
  AccessKey: 'DoesNotExistException',
  // Mado's package store (Mado.* operations): SSM's generic name for a missing resource.
  Package: 'DoesNotExistException',
  PackageVersion: 'DoesNotExistException',
};

/** SSM's error name for each reason input is refused with (§1.3, §8, §7, §9, §10, §11). */
const documentedValidation: Record<ValidationReason, string> = {
  DocumentContent: 'InvalidDocumentContent',
  DocumentSchemaVersion: 'InvalidDocumentSchemaVersion',
  DocumentTooLarge: 'MaxDocumentSizeExceeded',
  DocumentHashMismatch: 'InvalidDocument',
  DocumentVersionNotLatest: 'InvalidDocumentVersion',
  DocumentParameters: 'InvalidParameters',
  UnknownStep: 'InvalidPluginName',
  UnsupportedPlatform: 'UnsupportedPlatformType',
  DuplicateNode: 'DuplicateInstanceId',
  // CreateActivation answers a bad ExpirationDate with InvalidParameters, as SendCommand does
  // bad document parameters.
  ActivationExpiry: 'InvalidParameters',
  ActivationRefused: 'InvalidActivation',
  UnknownActivation: 'InvalidActivationId',
  InventoryType: 'InvalidTypeNameException',
  UnknownFilterKey: 'InvalidFilterKey',
  BadFilter: 'InvalidFilter',
  NodeFilterValue: 'InvalidInstanceInformationFilterValue',
  PackageArchive: 'InvalidPackageArchive',
  PackageManifest: 'InvalidPackageManifest',
};

/** SSM's error name for each kind of state conflict. */
const documentedConflict: Record<ConflictReason, string> = {
  TargetInUse: 'TargetInUseException',
  ConcurrentUpdate: 'TooManyUpdates',
  InvalidState: 'ValidationException',
  BuiltinDocument: 'InvalidDocumentOperation',
  DefaultVersionInUse: 'InvalidDocumentOperation',
  UnchangedContent: 'DuplicateDocumentContent',
  VersionNameTaken: 'DuplicateDocumentVersionName',
};

describe('toWireError', () => {
  it('knows every validation reason and every conflict', () => {
    expect(Object.keys(VALIDATION_ERRORS).sort()).toEqual(Object.keys(documentedValidation).sort());
    expect(Object.keys(CONFLICT_ERRORS).sort()).toEqual(Object.keys(documentedConflict).sort());
  });

  it.each(Object.entries(documentedValidation) as [ValidationReason, string][])(
    'maps ValidationError(%s) to %s with the message it was given, violations or not',
    (reason, type) => {
      const error = new ValidationError(`Refused: ${reason}.`, {
        reason,
        violations: [{ field: 'content', message: 'is wrong', value: 'x' }],
      });
      expect(toWireError(error)).toEqual({ type, httpStatus: 400, message: `Refused: ${reason}.`, isBug: false });
    },
  );

  it.each(Object.entries(documentedConflict) as [ConflictReason, string][])(
    'maps ConflictError(%s) to %s with status 400',
    (reason, type) => {
      const error = new ConflictError(`Conflict: ${reason}.`, reason);
      expect(toWireError(error)).toEqual({ type, httpStatus: 400, message: error.message, isBug: false });
    },
  );

  it('knows every resource kind that can be missing', () => {
    expect(Object.keys(NOT_FOUND_ERRORS).sort()).toEqual(Object.keys(documentedNotFound).sort());
  });

  it.each(Object.entries(documentedNotFound) as [ResourceKind, string][])(
    'maps NotFoundError(%s) to %s with status 400',
    (resource, type) => {
      const error = new NotFoundError(resource, 'some-id');
      expect(toWireError(error)).toEqual({ type, httpStatus: 400, message: error.message, isBug: false });
    },
  );

  it('keeps the message a NotFoundError was given', () => {
    const error = new NotFoundError(
      'MaintenanceWindow',
      'mw-0123456789abcdef0',
      'Maintenance window mw-0123456789abcdef0 does not exist.',
    );
    expect(toWireError(error).message).toBe('Maintenance window mw-0123456789abcdef0 does not exist.');
  });

  it.each<[string, string, unknown]>([
    ['ValidationError without a reason', 'ValidationException', new ValidationError('Bad input.')],
    ['AlreadyExistsError(Document)', 'DocumentAlreadyExists', new AlreadyExistsError('Document', 'my-doc')],
    ['AlreadyExistsError of another resource', 'ValidationException', new AlreadyExistsError('AccessKey', 'AKID')],
    ['ConflictError without a reason', 'ValidationException', new ConflictError('Wrong state.')],
    [
      'LimitExceededError(ResourceLimit)',
      'ResourceLimitExceededException',
      new LimitExceededError('Too many windows.'),
    ],
    ['LimitExceededError(TooManyTags)', 'TooManyTagsError', new LimitExceededError('Too many tags.', 'TooManyTags')],
    [
      'LimitExceededError(DocumentLimit)',
      'DocumentLimitExceeded',
      new LimitExceededError('Too many documents.', 'DocumentLimit'),
    ],
    [
      'LimitExceededError(DocumentVersionLimit)',
      'DocumentVersionLimitExceeded',
      new LimitExceededError('Too many versions.', 'DocumentVersionLimit'),
    ],
    ['IdempotencyMismatchError', 'IdempotentParameterMismatch', new IdempotencyMismatchError()],
    ['FeatureNotAvailableError', 'FeatureNotAvailableException', new FeatureNotAvailableError('No LAMBDA executor.')],
  ])('maps %s to %s with status 400', (_name, type, error) => {
    expect(toWireError(error)).toEqual({ type, httpStatus: 400, message: (error as Error).message, isBug: false });
  });

  it('reports the violations of a ValidationError in SSM format', () => {
    const error = new ValidationError('Bad.', {
      violations: [
        {
          field: 'windowId',
          value: 'abc',
          message: 'Member must satisfy regular expression pattern: ^mw-[0-9a-f]{17}$',
        },
      ],
    });
    expect(toWireError(error).message).toBe(
      "1 validation error detected: Value 'abc' at 'windowId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^mw-[0-9a-f]{17}$",
    );
  });

  it('passes a WireError through with its type, status and message', () => {
    expect(toWireError(new WireError('ServiceUnavailableException', 'Shutting down.', 503))).toEqual({
      type: 'ServiceUnavailableException',
      httpStatus: 503,
      message: 'Shutting down.',
      isBug: false,
    });
  });

  it('gives a WireError status 400 unless told otherwise', () => {
    expect(toWireError(new WireError('InvalidNextToken', 'Bad token.')).httpStatus).toBe(400);
  });

  it.each<[string, unknown]>([
    ['an Error', new Error('database is locked at /var/lib/mado/mado.db')],
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'windowId')")],
    ['a thrown string', 'secret connection string'],
    ['undefined', undefined],
    ['an object that looks like a domain error', { name: 'ValidationError', message: 'x', violations: [] }],
  ])('maps %s to InternalServerError 500 with a generic message', (_name, error) => {
    expect(toWireError(error)).toEqual({
      type: 'InternalServerError',
      httpStatus: 500,
      message: GENERIC_MESSAGE,
      isBug: true,
    });
  });
});

describe('formatViolations', () => {
  it('writes one violation in the singular', () => {
    expect(
      formatViolations([{ field: 'cutoff', value: 30, message: 'Member must have value less than or equal to 23' }]),
    ).toBe(
      "1 validation error detected: Value '30' at 'cutoff' failed to satisfy constraint: Member must have value less than or equal to 23",
    );
  });

  it('joins several violations with semicolons in the plural', () => {
    expect(
      formatViolations([
        { field: 'name', value: 'x', message: 'Member must have length greater than or equal to 3' },
        {
          field: 'targets.1.member.key',
          value: 'bad key',
          message: 'Member must satisfy regular expression pattern: ^x$',
        },
      ]),
    ).toBe(
      "2 validation errors detected: Value 'x' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 3; " +
        "Value 'bad key' at 'targets.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: ^x$",
    );
  });

  it('writes a missing value as null without quotes', () => {
    expect(formatViolations([{ field: 'windowId', message: 'Member must not be null' }])).toBe(
      "1 validation error detected: Value null at 'windowId' failed to satisfy constraint: Member must not be null",
    );
  });

  it('writes structured values as JSON in quotes', () => {
    expect(formatViolations([{ field: 'targets', value: [{ Key: 'a' }], message: 'Member is wrong' }])).toBe(
      `1 validation error detected: Value '[{"Key":"a"}]' at 'targets' failed to satisfy constraint: Member is wrong`,
    );
  });
});

describe('errorBody', () => {
  it('carries the message under both spellings for most errors', () => {
    expect(errorBody('InvalidCommandId', 'No such command.')).toEqual({
      __type: 'InvalidCommandId',
      message: 'No such command.',
      Message: 'No such command.',
    });
  });

  it('carries only lower-case message for InvalidInstanceInformationFilterValue, as its model does', () => {
    expect(errorBody('InvalidInstanceInformationFilterValue', 'Bad value.')).toEqual({
      __type: 'InvalidInstanceInformationFilterValue',
      message: 'Bad value.',
    });
  });
});

describe('transport and framework errors', () => {
  it.each<[TransportFailure, string, number]>([
    ['BodyTooLarge', 'ValidationException', 413],
    ['HeadersTooLarge', 'ValidationException', 400],
    ['RequestTimeout', 'RequestTimeoutException', 408],
    ['MalformedRequest', 'SerializationException', 400],
    ['ServerFault', 'InternalServerError', 500],
  ])('answers %s with %s and status %i', (failure, type, httpStatus) => {
    expect(transportError(failure, 'What happened.')).toEqual({ type, httpStatus, message: 'What happened.' });
  });

  it.each<[number, string, number]>([
    [413, 'ValidationException', 413],
    [400, 'SerializationException', 400],
    [415, 'SerializationException', 400],
    [499, 'SerializationException', 400],
    [500, 'InternalServerError', 500],
    [503, 'InternalServerError', 500],
  ])('maps the framework status %i to %s with status %i', (status, type, httpStatus) => {
    expect(frameworkError(status, 'Framework said so.')).toEqual({ type, httpStatus, message: 'Framework said so.' });
  });
});
