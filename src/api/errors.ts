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
  type FieldViolation,
  type ResourceKind,
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

const CONFLICT_ERRORS: Record<ConflictError['code'], string> = {
  TargetInUse: 'TargetInUseException',
  TooManyUpdates: 'TooManyUpdates',
  InvalidState: 'ValidationException',
  InvalidDocumentOperation: 'InvalidDocumentOperation',
  DuplicateDocumentContent: 'DuplicateDocumentContent',
  DuplicateDocumentVersionName: 'DuplicateDocumentVersionName',
};

const LIMIT_ERRORS: Record<LimitExceededError['code'], string> = {
  ResourceLimit: 'ResourceLimitExceededException',
  TooManyTags: 'TooManyTagsError',
  DocumentLimit: 'DocumentLimitExceeded',
  DocumentVersionLimit: 'DocumentVersionLimitExceeded',
};

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
    // Field violations are reported in SSM's format, which names each member at fault.
    // (Errors with a specific name carry a message written for it, e.g. InvalidParameters.)
    const message =
      error.code === undefined && error.violations.length > 0 ? formatViolations(error.violations) : error.message;
    return { type: error.code ?? 'ValidationException', httpStatus: 400, message, isBug: false };
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
    return { type: CONFLICT_ERRORS[error.code], httpStatus: 400, message: error.message, isBug: false };
  }
  if (error instanceof LimitExceededError) {
    return { type: LIMIT_ERRORS[error.code], httpStatus: 400, message: error.message, isBug: false };
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
