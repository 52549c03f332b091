/**
 * The SSM wire endpoint, independent of the HTTP server: one signed POST in, one JSON answer
 * out. Order of checks (spec §1.3): authentication → operation lookup → role → JSON parse and
 * member types → model constraints → the operation (existence, quotas, business rules).
 * Every failure is answered in SSM's error shape; nothing reaches the store before the input
 * has passed every check that does not need the store.
 */
import { roleAllows, type AccessKey } from '../domain/access-key.js';
import type { Clock } from '../shared/clock.js';
import { newUuid } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from '../store/store.js';
import type { KeyRing } from '../services/access-key-service.js';
import { errorBody, toWireError, WireError } from './errors.js';
import type { Operation, Services } from './operation.js';
import { MADO_OPERATIONS, SSM_OPERATIONS } from './operations/index.js';
import type { PageTokens } from './page-tokens.js';
import type { IncomingSignedRequest, SigV4Verifier } from './sigv4-verifier.js';
import { parseRequest } from './wire/validate.js';

export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';

export interface ApiResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
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

/** A header as the signature covers it: repeated copies joined with `,` (never just the first). */
function header(request: IncomingSignedRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

export class ApiHandler {
  constructor(private readonly options: ApiHandlerOptions) {}

  /** Answers one API request. Never throws. */
  async handle(request: IncomingSignedRequest): Promise<ApiResponse> {
    const requestId = newUuid();
    let caller: AccessKey | undefined;
    let operation: Operation<never> | undefined;
    try {
      let region = this.options.defaultRegion;
      if (this.options.verifier !== undefined) {
        const verdict = await this.options.verifier.verify(request);
        if (!verdict.ok) {
          throw new WireError(verdict.code, verdict.message);
        }
        caller = this.options.keyRing.get(verdict.accessKeyId);
        region = verdict.region;
      }
      const target = header(request, 'x-amz-target');
      if (target === undefined || target === '') {
        throw new WireError('UnknownOperationException', 'Missing X-Amz-Target');
      }
      operation = OPERATIONS.get(target);
      if (operation === undefined) {
        throw new WireError('UnknownOperationException', `Operation ${target} is not supported by this server.`);
      }
      if (caller !== undefined && !roleAllows(caller.role, operation.access)) {
        await this.audit(caller, operation, 'denied', `role ${caller.role}`);
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
        await this.audit(caller, operation, 'allowed');
      }
      return {
        status: 200,
        headers: { 'content-type': JSON_CONTENT_TYPE, 'x-amzn-requestid': requestId },
        body: JSON.stringify(output),
      };
    } catch (error) {
      const wire = toWireError(error);
      if (wire.isBug) {
        this.options.logger.error({ err: error, requestId, operation: operation?.name }, 'request failed');
      } else if (operation !== undefined && operation.access !== 'read' && wire.type !== 'AccessDeniedException') {
        await this.audit(caller, operation, 'failed', wire.type);
      }
      return {
        status: wire.httpStatus,
        headers: {
          'content-type': JSON_CONTENT_TYPE,
          'x-amzn-requestid': requestId,
          'x-amzn-errortype': wire.type,
        },
        body: JSON.stringify(errorBody(wire.type, wire.message)),
      };
    }
  }

  private async audit(
    caller: AccessKey | undefined,
    operation: Operation<never>,
    outcome: 'allowed' | 'denied' | 'failed',
    detail?: string,
  ): Promise<void> {
    try {
      await this.options.store.appendAudit({
        auditId: newUuid(),
        at: this.options.clock.now().getTime(),
        accessKeyId: caller?.accessKeyId,
        operation: operation.name,
        outcome,
        detail,
      });
    } catch (error) {
      // The audit trail must not turn a completed request into a failure; it is logged instead.
      this.options.logger.error({ err: error, operation: operation.name }, 'could not write the audit log');
    }
  }
}
