/**
 * Every error name the API answers with, its HTTP status and when it is raised. `docs/errors.md`
 * is generated from this list (`npm run docs:errors`); a unit test fails when they drift apart.
 */
export interface CatalogueEntry {
  readonly type: string;
  readonly httpStatus: number;
  readonly raisedFor: string;
}

export const ERROR_CATALOGUE: readonly CatalogueEntry[] = [
  {
    type: 'ValidationException',
    httpStatus: 400,
    raisedFor:
      'A member breaks a model constraint (required, length, pattern, range, enum, list size) or a rule across members (Cutoff < Duration, schedule grammar, target keys, …). The message names every member at fault. Also request headers over 16 KiB, and (HTTP 413) a body over the size limit (1 MiB; an upload operation gets its larger limit only from a known key whose role may call it), an uploaded file over MADO_MAX_UPLOAD_BYTES, or a binary upload without x-amz-content-sha256.',
  },
  {
    type: 'SerializationException',
    httpStatus: 400,
    raisedFor:
      'The body is not a JSON object, or a member has the wrong JSON type (a string for an integer, a fraction for an integer).',
  },
  {
    type: 'UnknownOperationException',
    httpStatus: 400,
    raisedFor: 'X-Amz-Target is missing or names an operation this server does not answer.',
  },
  {
    type: 'MissingAuthenticationTokenException',
    httpStatus: 400,
    raisedFor: 'The request carries no Authorization header.',
  },
  {
    type: 'IncompleteSignatureException',
    httpStatus: 400,
    raisedFor: 'The Authorization header or X-Amz-Date is malformed or incomplete.',
  },
  {
    type: 'InvalidSignatureException',
    httpStatus: 400,
    raisedFor:
      'The signature does not match, is scoped to another service or date, or is older or newer than the allowed clock skew; or the body of a binary upload does not have the SHA-256 its signed x-amz-content-sha256 declares.',
  },
  {
    type: 'UnrecognizedClientException',
    httpStatus: 400,
    raisedFor: 'The access key is unknown or deleted, or a session token was sent.',
  },
  {
    type: 'ThrottlingException',
    httpStatus: 400,
    raisedFor:
      'Too many failed signatures from one IP address (`MADO_MAX_AUTH_FAILURES_PER_MINUTE`, 20 by default): its requests are refused without being verified until the minute that began with the first failure is over.',
  },
  {
    type: 'RequestTimeoutException',
    httpStatus: 408,
    raisedFor:
      'The request headers did not arrive within `MADO_HEADERS_TIMEOUT_SECONDS`, the whole request within `MADO_REQUEST_TIMEOUT_SECONDS`, or the body arrived slower than `MADO_MIN_BODY_BYTES_PER_SECOND` over a period of `MADO_BODY_TIMEOUT_SECONDS`. The connection is closed.',
  },
  {
    type: 'AccessDeniedException',
    httpStatus: 400,
    raisedFor:
      "The access key's role does not allow the operation (read-only keys only read; only admin keys manage keys).",
  },
  {
    type: 'DoesNotExistException',
    httpStatus: 400,
    raisedFor:
      'An unknown maintenance window, window target, window task, window execution, task execution or invocation; an unknown access key; an unknown package or package version (Mado.ListPackageVersions, Mado.GetPackageVersion, Mado.DeletePackageVersion).',
  },
  {
    type: 'IdempotentParameterMismatch',
    httpStatus: 400,
    raisedFor: 'A ClientToken already used with a different request.',
  },
  {
    type: 'ResourceLimitExceededException',
    httpStatus: 400,
    raisedFor: 'A quota would be exceeded: windows per server, targets per window, tasks per window.',
  },
  {
    type: 'TargetInUseException',
    httpStatus: 400,
    raisedFor: 'DeregisterTargetFromMaintenanceWindow with Safe=true while a task uses the target.',
  },
  { type: 'FeatureNotAvailableException', httpStatus: 400, raisedFor: 'A feature this server does not provide.' },
  { type: 'TooManyUpdates', httpStatus: 400, raisedFor: 'A concurrent conflicting update of one resource.' },
  { type: 'InvalidResourceType', httpStatus: 400, raisedFor: 'Tagging a resource type this server does not tag.' },
  { type: 'InvalidResourceId', httpStatus: 400, raisedFor: 'Tagging a resource that does not exist.' },
  { type: 'TooManyTagsError', httpStatus: 400, raisedFor: 'A resource would have more than 50 tags.' },
  {
    type: 'InvalidDocument',
    httpStatus: 400,
    raisedFor:
      'An unknown document (or a document ARN of another account), or a DocumentHash that does not match the document version.',
  },
  {
    type: 'InvalidDocumentVersion',
    httpStatus: 400,
    raisedFor:
      'An unknown document version or version name (or a DocumentVersion and VersionName naming different versions); UpdateDocument with a DocumentVersion other than the latest or $LATEST.',
  },
  { type: 'DocumentAlreadyExists', httpStatus: 400, raisedFor: 'CreateDocument with a document name already in use.' },
  {
    type: 'InvalidDocumentContent',
    httpStatus: 400,
    raisedFor:
      'Document content that does not parse as JSON or YAML or breaks the Command document format (each problem named by step and field, e.g. `mainSteps[0] (run).inputs.runCommand`); DocumentFormat TEXT for a Command document.',
  },
  {
    type: 'InvalidDocumentSchemaVersion',
    httpStatus: 400,
    raisedFor: 'Document content whose schemaVersion is not one this server runs (2.2, or 1.2).',
  },
  {
    type: 'InvalidDocumentOperation',
    httpStatus: 400,
    raisedFor:
      'UpdateDocument, UpdateDocumentDefaultVersion or DeleteDocument of an Amazon-owned document; DeleteDocument of the default version while other versions exist.',
  },
  {
    type: 'DuplicateDocumentContent',
    httpStatus: 400,
    raisedFor: 'UpdateDocument with content identical to an existing version of the document.',
  },
  {
    type: 'DuplicateDocumentVersionName',
    httpStatus: 400,
    raisedFor: 'UpdateDocument with a VersionName another version of the document already has.',
  },
  {
    type: 'DocumentLimitExceeded',
    httpStatus: 400,
    raisedFor: 'CreateDocument beyond the documents quota (500 by default, `MADO_QUOTA_DOCUMENTS`).',
  },
  {
    type: 'DocumentVersionLimitExceeded',
    httpStatus: 400,
    raisedFor:
      'UpdateDocument of a document that has as many versions as the quota allows (1,000 by default, `MADO_QUOTA_VERSIONS_PER_DOCUMENT`).',
  },
  {
    type: 'InvalidInstanceId',
    httpStatus: 400,
    raisedFor: 'An unknown or deregistered managed node, or (CancelCommand) a node the command does not target.',
  },
  {
    type: 'DuplicateInstanceId',
    httpStatus: 400,
    raisedFor: 'The same node id listed twice in SendCommand or CancelCommand.',
  },
  {
    type: 'UnsupportedPlatformType',
    httpStatus: 400,
    raisedFor: 'SendCommand lists a node whose platform the document does not support.',
  },
  {
    type: 'InvalidParameters',
    httpStatus: 400,
    raisedFor:
      'SendCommand parameters that do not fit the document (unknown name, missing required, wrong type or value), naming each; CreateActivation with an ExpirationDate not in the next 30 days.',
  },
  {
    type: 'MaxDocumentSizeExceeded',
    httpStatus: 400,
    raisedFor:
      'Document content over 64 KB (CreateDocument, UpdateDocument), or a document and the SendCommand parameters together over 64 KB.',
  },
  { type: 'InvalidCommandId', httpStatus: 400, raisedFor: 'An unknown command.' },
  { type: 'InvocationDoesNotExist', httpStatus: 400, raisedFor: 'No invocation for the command and node.' },
  {
    type: 'InvalidPluginName',
    httpStatus: 400,
    raisedFor:
      'GetCommandInvocation names a step the document does not have, or names none for a document of several steps.',
  },
  {
    type: 'InvalidFilterKey',
    httpStatus: 400,
    raisedFor:
      'An unknown filter key in ListCommands, ListCommandInvocations, ListDocuments or DescribeInstanceInformation.',
  },
  {
    type: 'InvalidFilter',
    httpStatus: 400,
    raisedFor:
      'A DescribeActivations filter with an unknown key or without values; a ListInventoryEntries filter on an attribute AWS:Application does not have.',
  },
  {
    type: 'InvalidInstanceInformationFilterValue',
    httpStatus: 400,
    raisedFor:
      'A DescribeInstanceInformation filter value outside its set (PingStatus, PlatformTypes, ResourceType, AssociationStatus, SourceTypes). The body carries the text under lower-case `message` only.',
  },
  {
    type: 'InvalidNextToken',
    httpStatus: 400,
    raisedFor:
      'A NextToken this server did not issue, issued for another request, or older than 24 hours, for the operations that model the error (ListCommands, ListCommandInvocations, ListDocuments, ListDocumentVersions, DescribeInstanceInformation, DescribeActivations, ListInventoryEntries); the others answer ValidationException.',
  },
  {
    type: 'InvalidActivation',
    httpStatus: 400,
    raisedFor: 'An expired, exhausted or deleted activation, or a wrong activation code.',
  },
  { type: 'InvalidActivationId', httpStatus: 400, raisedFor: 'A malformed or unknown activation id.' },
  {
    type: 'InvalidTypeNameException',
    httpStatus: 400,
    raisedFor: 'ListInventoryEntries for an inventory type other than AWS:Application (the only one Mado collects).',
  },
  {
    type: 'AlreadyExistsException',
    httpStatus: 400,
    raisedFor: 'Mado.PublishPackage of a package version that is already published (versions are immutable).',
  },
  {
    type: 'InvalidPackageArchive',
    httpStatus: 400,
    raisedFor:
      'Mado.PublishPackage with an archive that is empty, over the upload limit (MADO_MAX_UPLOAD_BYTES, 32 MiB), not a gzipped tar, holds links or paths that leave the package, does not match the given Sha256, or unpacks past MADO_MAX_ARCHIVE_ENTRIES, MADO_MAX_ARCHIVE_UNPACKED_BYTES or MADO_MAX_DECOMPRESSION_RATIO (checked while it streams).',
  },
  {
    type: 'InvalidPackageManifest',
    httpStatus: 400,
    raisedFor:
      'Mado.PublishPackage with a manifest.json that is missing, not JSON, or breaks the manifest format (each problem named by field, e.g. `packages.linux._any.x86_64.install: "setup.sh" is not in the archive`).',
  },
  {
    type: 'InternalServerError',
    httpStatus: 500,
    raisedFor: 'A bug or an infrastructure failure; the message is generic and the server log has the details.',
  },
];

/** The Markdown page `docs/errors.md`. */
export function renderErrorCatalogue(): string {
  const rows = ERROR_CATALOGUE.map((entry) => `| \`${entry.type}\` | ${entry.httpStatus} | ${entry.raisedFor} |`);
  return [
    '# API errors',
    '',
    '<!-- Generated from src/api/error-catalogue.ts by `npm run docs:errors`; do not edit by hand. -->',
    '',
    "Every error is answered in SSM's shape: HTTP status, header `x-amzn-ErrorType`, and a JSON body",
    '`{"__type": name, "message": text, "Message": text}`. Clients (AWS CLI, boto3, the AWS SDKs) surface',
    '`__type` as the error name. Domain errors are mapped in one place, `src/api/errors.ts`.',
    '',
    '| `__type` | HTTP | Raised for |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
