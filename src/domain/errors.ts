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
 * Why input was refused, where SSM answers with a specific error rather than
 * `ValidationException`; `api/errors.ts` maps each reason to its wire name.
 */
export type ValidationReason =
  /** Document content that does not parse or breaks a rule of its schema. */
  | 'DocumentContent'
  /** A `schemaVersion` other than the ones Command documents have. */
  | 'DocumentSchemaVersion'
  /** Document content (or content plus parameters) over 64 KB. */
  | 'DocumentTooLarge'
  /** A DocumentHash that is not the hash of the version asked for. */
  | 'DocumentHashMismatch'
  /** An update that names a version other than the latest. */
  | 'DocumentVersionNotLatest'
  /** Parameter values a document does not accept (unknown, missing, wrong type, pattern). */
  | 'DocumentParameters'
  /** A step name the document does not have, or none where several steps need one. */
  | 'UnknownStep'
  /** A node whose platform the document does not support. */
  | 'UnsupportedPlatform'
  /** The same node listed twice. */
  | 'DuplicateNode'
  /** An activation expiry in the past or too far ahead. */
  | 'ActivationExpiry'
  /** An activation that exists but is deleted, expired, used up or given the wrong code. */
  | 'ActivationRefused'
  /** A registration naming an activation that does not exist. */
  | 'UnknownActivation'
  /** An inventory type the server does not collect. */
  | 'InventoryType'
  /** A filter key the operation does not support. */
  | 'UnknownFilterKey'
  /** A filter refused as a whole: an unknown attribute, or no values. */
  | 'BadFilter'
  /** A managed-node filter value outside the key's closed set. */
  | 'NodeFilterValue'
  /** An uploaded package archive that is not a readable archive of the expected layout. */
  | 'PackageArchive'
  /** A package manifest that is missing or breaks its schema. */
  | 'PackageManifest';

/**
 * Bad input. `reason` says why where SSM answers with a specific error; without one the wire
 * error is `ValidationException`, its message listing the field violations.
 */
export class ValidationError extends DomainError {
  override readonly name = 'ValidationError';
  readonly violations: readonly FieldViolation[];
  readonly reason: ValidationReason | undefined;
  constructor(
    message: string,
    options: { violations?: readonly FieldViolation[]; reason?: ValidationReason; cause?: unknown } = {},
  ) {
    super(message, options);
    this.violations = options.violations ?? [];
    this.reason = options.reason;
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

/** Why a change conflicts with the state it would apply to. */
export type ConflictReason =
  /** A target that a task still uses, deregistered with `Safe=true`. */
  | 'TargetInUse'
  /** A concurrent update of the same resource. */
  | 'ConcurrentUpdate'
  /** Any other state that does not allow the change. */
  | 'InvalidState'
  /** A change to an Amazon-owned (built-in) document. */
  | 'BuiltinDocument'
  /** Deleting a document's default version while other versions exist. */
  | 'DefaultVersionInUse'
  /** A new document version with the same content as an existing one. */
  | 'UnchangedContent'
  /** A version name another version of the document already has. */
  | 'VersionNameTaken';

/** A state conflict, e.g. deregistering a target that a task still uses with `Safe=true`. */
export class ConflictError extends DomainError {
  override readonly name = 'ConflictError';
  constructor(
    message: string,
    readonly reason: ConflictReason = 'InvalidState',
  ) {
    super(message);
  }
}

/** Which quota would be exceeded. */
export type LimitReason = 'ResourceLimit' | 'TooManyTags' | 'DocumentLimit' | 'DocumentVersionLimit';

/** A quota would be exceeded; `api/errors.ts` maps each `reason` to SSM's name for it. */
export class LimitExceededError extends DomainError {
  override readonly name = 'LimitExceededError';
  constructor(
    message: string,
    readonly reason: LimitReason = 'ResourceLimit',
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
