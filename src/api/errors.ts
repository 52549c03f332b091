/**
 * The one place where failures become SSM wire errors (spec §1.3). Domain errors map through
 * the table below; errors that only exist on the wire (authentication, parsing, routing,
 * pagination tokens) are `WireError`s raised by the api layer itself. Anything else is a bug
 * and reaches the client as InternalServerError (500) with a generic message.
 */
import {
  AlreadyExistsError,
  ConflictError,
  FeatureNotAvailableError,
  IdempotencyMismatchError,
  LimitExceededError,
  NotFoundError,
  ValidationError,
  type ConflictReason,
  type FieldViolation,
  type LimitReason,
  type ResourceKind,
  type ValidationReason,
} from '../domain/errors.js';

/** An error defined by the wire protocol rather than the domain. */
export class WireError extends Error {
  override readonly name = 'WireError';
  constructor(
    readonly type: string,
    message: string,
    readonly httpStatus = 400,
  ) {
    super(message);
  }
}

export interface WireErrorBody {
  readonly type: string;
  readonly httpStatus: number;
  readonly message: string;
}

/** SSM's error name for a missing resource of each kind. */
export const NOT_FOUND_ERRORS: Record<ResourceKind, string> = {
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
  Activation: 'InvalidActivationId',
  ResourceGroup: 'ValidationException',
  AccessKey: 'DoesNotExistException',
  Package: 'DoesNotExistException',
  PackageVersion: 'DoesNotExistException',
};

export const ALREADY_EXISTS_ERRORS: Partial<Record<ResourceKind, string>> = {
  Document: 'DocumentAlreadyExists',
  PackageVersion: 'AlreadyExistsException',
};

/** SSM's error name for each reason input is refused with; no reason is `ValidationException`. */
export const VALIDATION_ERRORS: Record<ValidationReason, string> = {
  DocumentContent: 'InvalidDocumentContent',
  DocumentSchemaVersion: 'InvalidDocumentSchemaVersion',
  DocumentTooLarge: 'MaxDocumentSizeExceeded',
  DocumentHashMismatch: 'InvalidDocument',
  DocumentVersionNotLatest: 'InvalidDocumentVersion',
  DocumentParameters: 'InvalidParameters',
  UnknownStep: 'InvalidPluginName',
  UnsupportedPlatform: 'UnsupportedPlatformType',
  DuplicateNode: 'DuplicateInstanceId',
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

export const CONFLICT_ERRORS: Record<ConflictReason, string> = {
  TargetInUse: 'TargetInUseException',
  ConcurrentUpdate: 'TooManyUpdates',
  InvalidState: 'ValidationException',
  BuiltinDocument: 'InvalidDocumentOperation',
  DefaultVersionInUse: 'InvalidDocumentOperation',
  UnchangedContent: 'DuplicateDocumentContent',
  VersionNameTaken: 'DuplicateDocumentVersionName',
};

export const LIMIT_ERRORS: Record<LimitReason, string> = {
  ResourceLimit: 'ResourceLimitExceededException',
  TooManyTags: 'TooManyTagsError',
  DocumentLimit: 'DocumentLimitExceeded',
  DocumentVersionLimit: 'DocumentVersionLimitExceeded',
};

/**
 * Failures of the HTTP layer under the API, answered before any operation is read: what Node
 * or Fastify refuse on their own.
 */
export type TransportFailure =
  /** A body over the size limit (the connection is closed: the rest is not read). */
  | 'BodyTooLarge'
  /** Request headers over the size limit. */
  | 'HeadersTooLarge'
  /** Headers, the whole request or the body did not arrive in time. */
  | 'RequestTimeout'
  /** Bytes that are not a request the framework can read. */
  | 'MalformedRequest'
  /** A fault of the framework itself. */
  | 'ServerFault';

const TRANSPORT_ERRORS: Record<TransportFailure, { readonly type: string; readonly httpStatus: number }> = {
  BodyTooLarge: { type: 'ValidationException', httpStatus: 413 },
  HeadersTooLarge: { type: 'ValidationException', httpStatus: 400 },
  RequestTimeout: { type: 'RequestTimeoutException', httpStatus: 408 },
  MalformedRequest: { type: 'SerializationException', httpStatus: 400 },
  ServerFault: { type: 'InternalServerError', httpStatus: 500 },
};

/** The wire error for a failure of the HTTP layer. */
export function transportError(failure: TransportFailure, message: string): WireErrorBody {
  return { ...TRANSPORT_ERRORS[failure], message };
}

/**
 * The wire error for what reaches Fastify's error handler, by the status Fastify gave it:
 * 413 is a body over the limit, another 4xx a request it could not read, the rest its fault.
 */
export function frameworkError(status: number, message: string): WireErrorBody {
  return transportError(status === 413 ? 'BodyTooLarge' : status < 500 ? 'MalformedRequest' : 'ServerFault', message);
}

/** Error shapes whose model member is lower-case `message` only (spec §1.3). */
const LOWER_CASE_MESSAGE_ONLY: ReadonlySet<string> = new Set(['InvalidInstanceInformationFilterValue']);

/**
 * The JSON body of an error answer: `__type` and the message under `message` and `Message`
 * (botocore reads one, the model names the other), or under `message` alone where the model
 * says so.
 */
export function errorBody(type: string, message: string): Record<string, string> {
  return LOWER_CASE_MESSAGE_ONLY.has(type) ? { __type: type, message } : { __type: type, message, Message: message };
}

function renderValue(value: unknown): string {
  if (value === undefined || value === null) {
    return 'null';
  }
  return `'${typeof value === 'string' ? value : JSON.stringify(value)}'`;
}

/**
 * SSM's ValidationException text: "1 validation error detected: Value 'x' at 'windowId' failed
 * to satisfy constraint: Member must …".
 */
export function formatViolations(violations: readonly FieldViolation[]): string {
  const count = violations.length;
  const parts = violations.map(
    (violation) =>
      `Value ${renderValue(violation.value)} at '${violation.field}' failed to satisfy constraint: ${violation.message}`,
  );
  return `${count} validation error${count === 1 ? '' : 's'} detected: ${parts.join('; ')}`;
}

/** Maps any thrown value to the wire error the client receives. */
export function toWireError(error: unknown): WireErrorBody & { readonly isBug: boolean } {
  if (error instanceof WireError) {
    return { type: error.type, httpStatus: error.httpStatus, message: error.message, isBug: false };
  }
  if (error instanceof ValidationError) {
    if (error.reason !== undefined) {
      // A specific error name carries the message written for it, e.g. InvalidParameters.
      return { type: VALIDATION_ERRORS[error.reason], httpStatus: 400, message: error.message, isBug: false };
    }
    // Field violations are reported in SSM's format, which names each member at fault.
    const message = error.violations.length > 0 ? formatViolations(error.violations) : error.message;
    return { type: 'ValidationException', httpStatus: 400, message, isBug: false };
  }
  if (error instanceof NotFoundError) {
    return { type: NOT_FOUND_ERRORS[error.resource], httpStatus: 400, message: error.message, isBug: false };
  }
  if (error instanceof AlreadyExistsError) {
    return {
      type: ALREADY_EXISTS_ERRORS[error.resource] ?? 'ValidationException',
      httpStatus: 400,
      message: error.message,
      isBug: false,
    };
  }
  if (error instanceof ConflictError) {
    return { type: CONFLICT_ERRORS[error.reason], httpStatus: 400, message: error.message, isBug: false };
  }
  if (error instanceof LimitExceededError) {
    return { type: LIMIT_ERRORS[error.reason], httpStatus: 400, message: error.message, isBug: false };
  }
  if (error instanceof IdempotencyMismatchError) {
    return { type: 'IdempotentParameterMismatch', httpStatus: 400, message: error.message, isBug: false };
  }
  if (error instanceof FeatureNotAvailableError) {
    return { type: 'FeatureNotAvailableException', httpStatus: 400, message: error.message, isBug: false };
  }
  return {
    type: 'InternalServerError',
    httpStatus: 500,
    message: 'An internal error occurred; the server log has the details.',
    isBug: true,
  };
}
