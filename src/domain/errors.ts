/**
 * Domain errors: the small closed set of expected failures. They know nothing about HTTP;
 * `api/errors.ts` maps each to its SSM wire error in one table.
 */

/** One violated constraint: the field (lower-camel path as SSM prints it) and what was wrong. */
export interface FieldViolation {
  /** Member path, e.g. `cutoff`, `targets.1.member.values`. */
  readonly field: string;
  /** Human-readable constraint text, e.g. `Member must have value less than or equal to 24`. */
  readonly message: string;
  /** The offending value, when there is one to show. */
  readonly value?: unknown;
}

abstract class DomainError extends Error {
  abstract override readonly name: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * Bad input. `code` overrides the wire error name where SSM uses a specific one
 * (e.g. `InvalidDocumentContent`, `InvalidParameters`); default `ValidationException`.
 */
export class ValidationError extends DomainError {
  override readonly name = 'ValidationError';
  readonly violations: readonly FieldViolation[];
  readonly code: string | undefined;
  constructor(
    message: string,
    options: { violations?: readonly FieldViolation[]; code?: string; cause?: unknown } = {},
  ) {
    super(message, options);
    this.violations = options.violations ?? [];
    this.code = options.code;
  }

  /** A single-field violation with a message that names the field. */
  static field(field: string, message: string, value?: unknown): ValidationError {
    return new ValidationError(message, { violations: [{ field, message, value }] });
  }
}

/** The resource kinds that can be missing; the API maps each to SSM's error name. */
export type ResourceKind =
  | 'MaintenanceWindow'
  | 'WindowTarget'
  | 'WindowTask'
  | 'WindowExecution'
  | 'WindowExecutionTask'
  | 'WindowExecutionTaskInvocation'
  | 'TaggableResource'
  | 'Document'
  | 'DocumentVersion'
  | 'Instance'
  | 'Command'
  | 'CommandInvocation'
  | 'Activation'
  | 'ResourceGroup'
  | 'AccessKey'
  | 'Package'
  | 'PackageVersion';

export class NotFoundError extends DomainError {
  override readonly name = 'NotFoundError';
  constructor(
    readonly resource: ResourceKind,
    readonly id: string,
    message?: string,
  ) {
    super(message ?? `${resource} ${id} does not exist.`);
  }
}

export class AlreadyExistsError extends DomainError {
  override readonly name = 'AlreadyExistsError';
  constructor(
    readonly resource: ResourceKind,
    readonly id: string,
    message?: string,
  ) {
    super(message ?? `${resource} ${id} already exists.`);
  }
}

/**
 * A state conflict, e.g. deregistering a target that a task still uses with `Safe=true`.
 * Document codes: `InvalidDocumentOperation` (changing an Amazon-owned document, deleting the
 * default version), `DuplicateDocumentContent`, `DuplicateDocumentVersionName`.
 */
export class ConflictError extends DomainError {
  override readonly name = 'ConflictError';
  constructor(
    message: string,
    readonly code:
      | 'TargetInUse'
      | 'TooManyUpdates'
      | 'InvalidState'
      | 'InvalidDocumentOperation'
      | 'DuplicateDocumentContent'
      | 'DuplicateDocumentVersionName' = 'InvalidState',
  ) {
    super(message);
  }
}

/** A quota would be exceeded. `code` selects SSM's name where it has a specific one. */
export class LimitExceededError extends DomainError {
  override readonly name = 'LimitExceededError';
  constructor(
    message: string,
    readonly code: 'ResourceLimit' | 'TooManyTags' | 'DocumentLimit' | 'DocumentVersionLimit' = 'ResourceLimit',
  ) {
    super(message);
  }
}

/** The same idempotency token was reused with a different request. */
export class IdempotencyMismatchError extends DomainError {
  override readonly name = 'IdempotencyMismatchError';
  constructor(
    message = 'Error occurred during operation: the ClientToken was already used with different parameters.',
  ) {
    super(message);
  }
}

/** A feature the server does not provide (e.g. LAMBDA tasks without an executor). */
export class FeatureNotAvailableError extends DomainError {
  override readonly name = 'FeatureNotAvailableError';
}
