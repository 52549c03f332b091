/**
 * The SSM wire endpoint, independent of the HTTP server: one signed POST in, one JSON answer
 * out. Order of checks (spec §1.3): authentication → operation lookup → role → JSON parse and
 * member types → model constraints → the operation (existence, quotas, business rules).
 * A binary upload (binary-upload.ts) follows the same order with its parameters taken from a
 * header, and its body is streamed to a file only after all of them have passed; the file's hash
 * is then checked against the signed one before the operation runs.
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
import type { AuditOutcome, AuditRecorder } from '../shared/audit-recorder.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from '../store/store.js';
import type { KeyRing } from '../services/access-key-service.js';
import type { UploadedFile } from '../services/uploaded-file.js';
import { declaredPayloadSha256, receiptError, uploadParameters, type UploadSource } from './binary-upload.js';
import { errorBody, toWireError, WireError } from './errors.js';
import { parseJsonObject } from './wire/json-body.js';
import type { Operation, Services } from './operation.js';
import { MADO_OPERATIONS, SSM_OPERATIONS } from './operations/index.js';
import type { PageTokens } from './page-tokens.js';
import { claimedAccessKeyId, type IncomingSignedRequest, type SigV4Verifier } from './sigv4-verifier.js';
import { parseRequest } from './wire/validate.js';

export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';

/** One API request as the HTTP server received it. */
export interface ApiRequest extends IncomingSignedRequest {
  /**
   * The peer address of the connection, already normalised (IPv4 without the `::ffff:` prefix,
   * `normaliseAddress`); empty when unknown.
   */
  readonly remoteAddress: string;
  /**
   * The body of a binary upload (application/octet-stream), not read yet: `body` is then empty,
   * and the body is read only after the signature over the headers and the role are checked.
   */
  readonly upload?: UploadSource;
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

/** What a request's headers claim about an upload (`ApiHandler.uploadClaim`). */
export type UploadClaim =
  { readonly kind: 'none' | 'permitted' | 'unproven' } | { readonly kind: 'denied'; readonly message: string };

function deniedMessage(key: AccessKeyInfo, operation: Operation<never>): string {
  return `Access key ${key.accessKeyId} (role ${key.role}) is not allowed to call ${operation.name}.`;
}

const OPERATIONS = new Map<string, Operation<never>>([
  ...SSM_OPERATIONS.map((op) => [`AmazonSSM.${op.name}`, op] as const),
  ...MADO_OPERATIONS.map((op) => [`Mado.${op.name}`, op] as const),
]);

/** A header as the signature covers it: repeated copies joined with `,` (never just the first). */
function header(headers: IncomingSignedRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

export class ApiHandler {
  constructor(private readonly options: ApiHandlerOptions) {}

  /**
   * What the headers of a request claim about an upload, decided before its body is read (the
   * signature covers the body, so this is only a claim): `none` when X-Amz-Target names no
   * upload operation; `permitted` when authentication is disabled or one Authorization header
   * names a known access key whose role may call it (the larger upload body limit applies);
   * `denied` with the AccessDeniedException message when that key's role may not (answered at
   * once, so a read-only key learns why instead of hitting the small body limit); `unproven`
   * otherwise (no or an unknown key: the small limit applies and the signature check refuses it).
   */
  uploadClaim(headers: IncomingSignedRequest['headers']): UploadClaim {
    const operation = OPERATIONS.get(header(headers, 'x-amz-target') ?? '');
    if (operation?.upload === undefined) {
      return { kind: 'none' };
    }
    if (this.options.verifier === undefined) {
      return { kind: 'permitted' };
    }
    const accessKeyId = claimedAccessKeyId(headers);
    const key = accessKeyId === undefined ? undefined : this.options.keyRing.get(accessKeyId);
    if (key === undefined) {
      return { kind: 'unproven' };
    }
    return roleAllows(key.role, operation.access)
      ? { kind: 'permitted' }
      : { kind: 'denied', message: deniedMessage(key, operation) };
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
        accessKeyId: caller?.accessKeyId ?? claimedAccessKeyId(request.headers),
        operation: operation?.name ?? (target?.slice(target.indexOf('.') + 1, 256) || '-'),
        outcome,
        detail,
        sourceIp: request.remoteAddress === '' ? undefined : request.remoteAddress,
        target: target?.slice(0, 256),
        requestId,
      });
    };
    try {
      let region = this.options.defaultRegion;
      // A binary upload is verified with the hash its headers declare; the body is checked later.
      const payloadSha256 = request.upload === undefined ? undefined : declaredPayloadSha256(request.headers);
      if (this.options.verifier !== undefined) {
        const verdict = await this.options.verifier.verify({ ...request, payloadSha256 });
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
        throw new WireError('AccessDeniedException', deniedMessage(caller, operation));
      }
      const input = parseRequest(
        operation.input,
        request.upload === undefined ? parseJsonObject(request.body) : uploadParameters(request.headers, operation),
      );
      let upload: UploadedFile | undefined;
      if (request.upload !== undefined) {
        const receipt = await request.upload.receive(payloadSha256!);
        if (!receipt.ok) {
          if (receipt.problem === 'hash-mismatch') {
            authentication = 'failed';
            await audit('refused', 'InvalidSignatureException');
          }
          throw receiptError(receipt);
        }
        upload = receipt.file;
      }
      const output = await operation.handle(input as never, {
        services: this.options.services,
        pageTokens: this.options.pageTokens,
        region,
        accountId: this.options.accountId,
        caller,
        upload,
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
