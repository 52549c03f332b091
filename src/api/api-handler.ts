/**
 * The SSM wire endpoint, independent of the HTTP server: one signed POST in, one JSON answer
 * out. Order of checks (spec §1.3): authentication → operation lookup → role → JSON parse and
 * member types → model constraints → the operation (existence, quotas, business rules).
 * Every failure is answered in SSM's error shape; nothing reaches the store before the input
 * has passed every check that does not need the store.
 *
 * Audit (services/audit-log.ts): every refusal (authentication → `refused`, with the access key
 * id the request claimed; role → `denied`), and every call of a non-read operation (`allowed`,
 * or `failed` with the error type, validation included) is recorded with the peer address, the
 * X-Amz-Target and the request id. Calls of read operations are not.
 */
import { roleAllows, type AccessKeyInfo } from '../domain/access-key.js';
import type { Clock } from '../shared/clock.js';
import { newUuid } from '../shared/ids.js';
import { normaliseAddress, type AuditOutcome, type AuditRecorder } from '../shared/audit-recorder.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from '../store/store.js';
import type { KeyRing } from '../services/access-key-service.js';
import { errorBody, toWireError, WireError } from './errors.js';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from './wire/json-depth.js';
import type { Operation, Services } from './operation.js';
import { MADO_OPERATIONS, SSM_OPERATIONS } from './operations/index.js';
import type { PageTokens } from './page-tokens.js';
import type { IncomingSignedRequest, SigV4Verifier } from './sigv4-verifier.js';
import { parseRequest } from './wire/validate.js';

export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';

/** One API request as the HTTP server received it. */
export interface ApiRequest extends IncomingSignedRequest {
  /** The client's IP address (IPv4 without the `::ffff:` prefix). */
  readonly remoteAddress: string;
}

export interface ApiResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** What became of the signature: absent when none was checked (authentication disabled). */
  readonly authentication?: 'verified' | 'failed';
}

export interface ApiHandlerOptions {
  readonly services: Services;
  readonly pageTokens: PageTokens;
  readonly keyRing: KeyRing;
  /** Absent when authentication is disabled (development only). */
  readonly verifier: SigV4Verifier | undefined;
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly accountId: string;
  readonly defaultRegion: string;
  /** Where audited decisions go. */
  readonly audit: AuditRecorder;
}

/** One API request as the HTTP server received it. */
export interface ApiRequest extends IncomingSignedRequest {
  /** The peer address of the connection (for the audit log and throttling). */
  readonly remoteAddress: string;
}

/** The access key id in an `Authorization` header's Credential, if it looks like one. */
function claimedAccessKeyId(request: IncomingSignedRequest): string | undefined {
  const match = /Credential=([A-Za-z0-9]{1,128})\//.exec(header(request.headers, 'authorization') ?? '');
  return match?.[1];
}

const OPERATIONS = new Map<string, Operation<never>>([
  ...SSM_OPERATIONS.map((op) => [`AmazonSSM.${op.name}`, op] as const),
  ...MADO_OPERATIONS.map((op) => [`Mado.${op.name}`, op] as const),
]);

/** The request body as a JSON object; an empty body is `{}` (botocore always sends at least that). */
function parseBody(body: Buffer): unknown {
  if (body.length === 0) {
    return {};
  }
  if (exceedsJsonDepth(body)) {
    throw new WireError('ValidationException', `The request body is nested deeper than ${MAX_JSON_DEPTH} levels.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new WireError('SerializationException', 'The request body is not valid JSON.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new WireError('SerializationException', 'The request body must be a JSON object.');
  }
  return parsed;
}

/** The access key id an Authorization header's Credential names (unverified). */
const CREDENTIAL_KEY_PATTERN = /Credential=([A-Za-z0-9]+)\//;

/** A header as the signature covers it: repeated copies joined with `,` (never just the first). */
function header(headers: IncomingSignedRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

export class ApiHandler {
  constructor(private readonly options: ApiHandlerOptions) {}

  /**
   * Whether the headers claim a caller that may call the operation X-Amz-Target names: one
   * Authorization header whose Credential is a known access key with a role that allows it.
   * Only a claim (the signature covers the body, which has not been read): the HTTP server
   * uses it to decide whether an upload operation's larger body limit applies.
   */
  claimsPermittedCaller(headers: IncomingSignedRequest['headers']): boolean {
    const claim = this.claimedCaller(headers);
    if (claim === undefined) {
      return false;
    }
    return (
      this.options.verifier === undefined ||
      (claim.key !== undefined && roleAllows(claim.key.role, claim.operation.access))
    );
  }

  /**
   * The AccessDeniedException message for a request whose Authorization header names a known
   * access key whose role may not call the operation (answered before the body is read, so a
   * read-only key learns why its upload is refused instead of hitting the small body limit).
   */
  claimedRoleRefusal(headers: IncomingSignedRequest['headers']): string | undefined {
    const claim = this.claimedCaller(headers);
    if (
      this.options.verifier === undefined ||
      claim?.key === undefined ||
      roleAllows(claim.key.role, claim.operation.access)
    ) {
      return undefined;
    }
    return `Access key ${claim.key.accessKeyId} (role ${claim.key.role}) is not allowed to call ${claim.operation.name}.`;
  }

  /** The operation X-Amz-Target names and the access key one Authorization header claims (unverified). */
  private claimedCaller(
    headers: IncomingSignedRequest['headers'],
  ): { operation: Operation<never>; key: AccessKeyInfo | undefined } | undefined {
    const operation = OPERATIONS.get(header(headers, 'x-amz-target') ?? '');
    if (operation === undefined) {
      return undefined;
    }
    const authorization = headers['authorization'];
    const values = Array.isArray(authorization) ? authorization : authorization === undefined ? [] : [authorization];
    const accessKeyId = values.length === 1 ? CREDENTIAL_KEY_PATTERN.exec(values[0]!)?.[1] : undefined;
    return { operation, key: accessKeyId === undefined ? undefined : this.options.keyRing.get(accessKeyId) };
  }

  /** Answers one API request. Never throws. */
  async handle(request: ApiRequest): Promise<ApiResponse> {
    const requestId = newUuid();
    let caller: AccessKeyInfo | undefined;
    let operation: Operation<never> | undefined;
    let authentication: ApiResponse['authentication'];
    const target = header(request.headers, 'x-amz-target');
    // Refusals are recorded where they happen; `audited` keeps the catch below from adding a second row.
    let audited = false;
    const audit = (outcome: Exclude<AuditOutcome, 'suppressed'>, detail?: string) => {
      audited = true;
      return this.options.audit.record({
        accessKeyId: caller?.accessKeyId ?? claimedAccessKeyId(request),
        operation: operation?.name ?? (target?.slice(target.indexOf('.') + 1, 256) || '-'),
        outcome,
        detail,
        sourceIp: normaliseAddress(request.remoteAddress),
        target: target?.slice(0, 256),
        requestId,
      });
    };
    try {
      let region = this.options.defaultRegion;
      if (this.options.verifier !== undefined) {
        const verdict = await this.options.verifier.verify(request);
        authentication = verdict.ok ? 'verified' : 'failed';
        if (!verdict.ok) {
          operation = target === undefined ? undefined : OPERATIONS.get(target);
          await audit('refused', verdict.code);
          throw new WireError(verdict.code, verdict.message);
        }
        caller = this.options.keyRing.get(verdict.accessKeyId);
        region = verdict.region;
      }
      if (target === undefined || target === '') {
        await audit('refused', 'UnknownOperationException');
        throw new WireError('UnknownOperationException', 'Missing X-Amz-Target');
      }
      operation = OPERATIONS.get(target);
      if (operation === undefined) {
        await audit('refused', 'UnknownOperationException');
        throw new WireError('UnknownOperationException', `Operation ${target} is not supported by this server.`);
      }
      if (caller !== undefined && !roleAllows(caller.role, operation.access)) {
        await audit('denied', `role ${caller.role}`);
        throw new WireError(
          'AccessDeniedException',
          `Access key ${caller.accessKeyId} (role ${caller.role}) is not allowed to call ${operation.name}.`,
        );
      }
      const input = parseRequest(operation.input, parseBody(request.body));
      const output = await operation.handle(input as never, {
        services: this.options.services,
        pageTokens: this.options.pageTokens,
        region,
        accountId: this.options.accountId,
        caller,
      });
      if (operation.access !== 'read') {
        await audit('allowed');
      }
      return {
        status: 200,
        headers: { 'content-type': JSON_CONTENT_TYPE, 'x-amzn-requestid': requestId },
        body: JSON.stringify(output),
        authentication,
      };
    } catch (error) {
      const wire = toWireError(error);
      if (wire.isBug) {
        this.options.logger.error({ err: error, requestId, operation: operation?.name }, 'request failed');
      } else if (!audited && operation !== undefined && operation.access !== 'read') {
        await audit('failed', wire.type);
      }
      return {
        status: wire.httpStatus,
        headers: {
          'content-type': JSON_CONTENT_TYPE,
          'x-amzn-requestid': requestId,
          'x-amzn-errortype': wire.type,
        },
        body: JSON.stringify(errorBody(wire.type, wire.message)),
        authentication,
      };
    }
  }
}
