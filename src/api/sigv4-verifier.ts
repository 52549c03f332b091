/**
 * Verifies the AWS Signature Version 4 `Authorization` header on an incoming SSM API request
 * (spec §1.7). The AWS CLI, botocore and `@aws-sdk/client-ssm` sign every request this way.
 *
 * Checks, in this order; the first failure is the result:
 *  1. an `Authorization` header exists                    → MissingAuthenticationTokenException
 *  2. there is exactly one; it parses: algorithm, Credential (5-part scope), SignedHeaders
 *     (with `host` and `x-amz-date`, and with `x-amz-target` and `content-type` whenever the
 *     request carries them), Signature; `X-Amz-Date` is present and well-formed
 *                                                          → IncompleteSignatureException
 *  3. the scope date equals the `X-Amz-Date` day, the scope service is ours and the scope
 *     region is the server's (unless any region is allowed)
 *                                                          → InvalidSignatureException
 *  4. no `X-Amz-Security-Token` (we issue no temporary credentials), and the access key is known
 *                                                          → UnrecognizedClientException
 *  5. `|now - X-Amz-Date| <= maxClockSkewMs`               → InvalidSignatureException
 *  6. the signature we recompute equals the provided one (constant time)
 *                                                          → InvalidSignatureException
 * Every failure is returned as data (`{ ok: false, code, message }`); only bugs throw.
 *
 * The signature is recomputed here with node:crypto, following the SigV4 algorithm step by step
 * (canonical request → string to sign → HMAC with the derived key), as the AWS SDK v3 signer
 * (@smithy/signature-v4) computes it: the path is normalised (empty and `.`/`..` segments
 * dropped) and URI-encoded once more, as botocore and the SDK do when signing; header values are
 * trimmed with inner runs of spaces collapsed; the payload hash is the SHA-256 of the bytes
 * received, or for a streamed upload the hash its `x-amz-content-sha256` declares (`payloadSha256`:
 * the body is read only after the headers are verified, and checked against it then). We do it by hand rather than call the smithy signer because the signer rebuilds and
 * re-signs a whole request (about 100 µs, a third of a request's budget); the tests sign with
 * @smithy/signature-v4 and with the real SDK, CLI and boto3 requests, so the two cannot drift.
 * The canonical request's URI, query and header values, and the date format, are in
 * sigv4-canonical.ts.
 *
 * Choices: `x-amz-date` must be signed and a signed `date` header is refused (none of the SSM
 * clients signs one); a signed `x-amz-content-sha256` must equal the hash of the received body;
 * derived signing keys are cached per (secret, date, region, service).
 *
 * Invariant: every header that decides what the request does is covered by the signature: the
 * operation (`x-amz-target`), how the body is read (`content-type`), a binary upload's parameters
 * (`x-mado-parameters`) and the body itself (payload hash). A repeated header is checked as the `,`-joined value that was signed, never as its
 * first copy; a repeated `Authorization` is refused outright.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../shared/clock.js';
import {
  canonicalHeaderValue,
  canonicalQuery,
  canonicalUri,
  formatAmzDate,
  joinedValue,
  parseAmzDate,
} from './sigv4-canonical.js';

export interface IncomingSignedRequest {
  /** HTTP method as received, e.g. `POST`. */
  method: string;
  /** Raw request path as received (still percent-encoded), e.g. `/` or `/prefix/`. */
  path: string;
  /** Raw query string without `?`; usually empty. */
  query: string;
  /**
   * Request headers with lower-case names (Node's `IncomingHttpHeaders`). A repeated header
   * given as an array is joined with `,` as SigV4 requires; prefer `req.headersDistinct`, since
   * Node's `req.headers` has already joined repeats with `, `.
   */
  headers: Record<string, string | string[] | undefined>;
  /** The exact body bytes received (empty for a body not read yet: see `payloadSha256`). */
  body: Buffer;
  /**
   * For a body that is not read yet (a streamed upload): the lower-case hex SHA-256 the client
   * declared for it in `x-amz-content-sha256`. The signature is checked with it as the payload
   * hash instead of hashing `body`; the caller must then check the body, once read, against it
   * and refuse the request with SIGNATURE_MISMATCH when it differs.
   */
  payloadSha256?: string;
}

export type AuthFailureCode =
  | 'MissingAuthenticationTokenException'
  | 'IncompleteSignatureException'
  | 'InvalidSignatureException'
  | 'UnrecognizedClientException';

export type VerificationResult =
  | { ok: true; accessKeyId: string; region: string; service: string; signedAt: Date }
  | { ok: false; code: AuthFailureCode; message: string };

export interface SigV4VerifierOptions {
  /** Secret for an access key id, or undefined when the key is unknown/disabled. Called once per request, must be fast (an in-memory map lookup). */
  lookupSecret(accessKeyId: string): string | undefined;
  clock: Clock;
  /** Allowed |server time - X-Amz-Date|; AWS uses 5 minutes. */
  maxClockSkewMs: number;
  /** Signing service name that must appear in the credential scope ('ssm'). */
  service: string;
  /**
   * The only region a credential scope may name (the server's, MADO_REGION); undefined accepts
   * any well-formed region (MADO_ALLOW_ANY_REGION).
   */
  region: string | undefined;
}

type VerificationFailure = Extract<VerificationResult, { ok: false }>;

interface SignedHeaderList {
  readonly names: readonly string[];
  /** The same names, for membership tests. */
  readonly set: Set<string>;
}

interface ParsedAuthorization {
  readonly accessKeyId: string;
  readonly scopeDate: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: SignedHeaderList;
  readonly signature: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const SCOPE_TERMINATOR = 'aws4_request';
const SIGNATURE_PATTERN = /^[0-9a-f]{64}$/;
const REGION_PATTERN = /^[a-z0-9-]+$/i;
/** What an access key id can look like (anything else is not worth a lookup or an audit row). */
const ACCESS_KEY_ID_PATTERN = /^[A-Za-z0-9]{1,128}$/;
/** An RFC 9110 token in lower case: SignedHeaders lists lower-case header names. */
const HEADER_NAME_PATTERN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
const AUTHORIZATION_PARAM_SEPARATOR = /[\s,]+/;
/** Distinct SignedHeaders strings remembered; real clients send a handful. */
const SIGNED_HEADER_CACHE_LIMIT = 64;

/**
 * Headers that must be signed whenever the request carries them, with their names as AWS spells
 * them in its "must be a 'SignedHeader'" messages.
 */
const HEADERS_SIGNED_WHEN_PRESENT = [
  ['x-amz-target', 'X-Amz-Target'],
  ['content-type', 'Content-Type'],
  // The parameters of a binary upload (the body is the file): they decide what is published.
  ['x-mado-parameters', 'X-Mado-Parameters'],
] as const;

const MISSING_TOKEN = 'Missing Authentication Token';
const INVALID_TOKEN = 'The security token included in the request is invalid.';
export const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/** Derived signing keys remembered; one per key, day, region and service in use. */
const SIGNING_KEY_CACHE_LIMIT = 256;

export class SigV4Verifier {
  private readonly options: SigV4VerifierOptions;
  /** Derived signing keys by `secret|date|region|service`; a changed secret gets a new entry. */
  private readonly signingKeys = new Map<string, Buffer>();
  private readonly signedHeaderLists = new Map<string, SignedHeaderList>();

  constructor(options: SigV4VerifierOptions) {
    this.options = options;
  }

  async verify(request: IncomingSignedRequest): Promise<VerificationResult> {
    const authorizations = request.headers['authorization'];
    const authorization = joinedValue(authorizations);
    if (authorization === undefined || authorization === '') {
      return failure('MissingAuthenticationTokenException', MISSING_TOKEN);
    }
    if (Array.isArray(authorizations) && authorizations.length > 1) {
      // [LOCAL] AWS joins the copies with ',' and fails to parse the result; we say why.
      return incomplete(
        `The request has ${authorizations.length} 'Authorization' headers; exactly one is allowed. Authorization=${authorization}`,
      );
    }

    const parsed = this.parseAuthorization(authorization);
    if ('ok' in parsed) {
      return parsed;
    }
    for (const [name, spelling] of HEADERS_SIGNED_WHEN_PRESENT) {
      if (request.headers[name] !== undefined && !parsed.signedHeaders.set.has(name)) {
        return incomplete(`'${spelling}' must be a 'SignedHeader' in the AWS Authorization.`);
      }
    }

    const amzDate = joinedValue(request.headers['x-amz-date']);
    if (amzDate === undefined) {
      return incomplete(
        `Authorization header requires existence of a 'X-Amz-Date' header. Authorization=${authorization}`,
      );
    }
    const signedAt = parseAmzDate(amzDate);
    if (signedAt === undefined) {
      return incomplete(
        `Date must be in ISO-8601 'basic format'. Got '${amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`,
      );
    }

    if (parsed.scopeDate !== amzDate.slice(0, 8)) {
      return invalid(
        'Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: ' +
          `'${parsed.scopeDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
      );
    }
    if (parsed.service !== this.options.service) {
      return invalid(`Credential should be scoped to correct service: '${this.options.service}'.`);
    }
    if (this.options.region !== undefined && parsed.region !== this.options.region) {
      return invalid(`Credential should be scoped to a valid region, not '${parsed.region}'.`);
    }

    if (request.headers['x-amz-security-token'] !== undefined) {
      return failure('UnrecognizedClientException', INVALID_TOKEN);
    }
    const secret = this.options.lookupSecret(parsed.accessKeyId);
    if (secret === undefined) {
      return failure('UnrecognizedClientException', INVALID_TOKEN);
    }

    const skewFailure = checkSkew(amzDate, signedAt, this.options.clock.now(), this.options.maxClockSkewMs);
    if (skewFailure !== undefined) {
      return skewFailure;
    }

    // A malformed signature can never match; timingSafeEqual also needs equal lengths.
    if (!SIGNATURE_PATTERN.test(parsed.signature)) {
      return invalid(SIGNATURE_MISMATCH);
    }

    const payloadHash = request.payloadSha256 ?? createHash('sha256').update(request.body).digest('hex');
    const canonicalHeaders: string[] = [];
    for (const name of parsed.signedHeaders.names) {
      const value = canonicalHeaderValue(request.headers[name]);
      // A signed x-amz-content-sha256 must describe the body that arrived (S3 semantics otherwise).
      if (name === 'x-amz-content-sha256' && value !== payloadHash) {
        return invalid(SIGNATURE_MISMATCH);
      }
      canonicalHeaders.push(`${name}:${value}\n`);
    }
    const canonicalRequest = [
      request.method,
      canonicalUri(request.path),
      canonicalQuery(request.query),
      canonicalHeaders.join(''),
      parsed.signedHeaders.names.join(';'),
      payloadHash,
    ].join('\n');
    const scope = `${parsed.scopeDate}/${parsed.region}/${parsed.service}/${SCOPE_TERMINATOR}`;
    const stringToSign = `${ALGORITHM}\n${amzDate}\n${scope}\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
    const key = this.signingKey(secret, parsed.scopeDate, parsed.region, parsed.service);
    const expected = createHmac('sha256', key).update(stringToSign).digest();
    if (!timingSafeEqual(expected, Buffer.from(parsed.signature, 'hex'))) {
      return invalid(SIGNATURE_MISMATCH);
    }

    return {
      ok: true,
      accessKeyId: parsed.accessKeyId,
      region: parsed.region,
      service: parsed.service,
      signedAt,
    };
  }

  /** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"). */
  private signingKey(secret: string, date: string, region: string, service: string): Buffer {
    const cacheKey = `${secret}|${date}|${region}|${service}`;
    let key = this.signingKeys.get(cacheKey);
    if (key === undefined) {
      const kDate = createHmac('sha256', `AWS4${secret}`).update(date).digest();
      const kRegion = createHmac('sha256', kDate).update(region).digest();
      const kService = createHmac('sha256', kRegion).update(service).digest();
      key = createHmac('sha256', kService).update(SCOPE_TERMINATOR).digest();
      if (this.signingKeys.size >= SIGNING_KEY_CACHE_LIMIT) {
        this.signingKeys.delete(this.signingKeys.keys().next().value!);
      }
      this.signingKeys.set(cacheKey, key);
    }
    return key;
  }

  private parseAuthorization(authorization: string): ParsedAuthorization | VerificationFailure {
    const parameters = parseAuthorizationParameters(authorization);
    if ('ok' in parameters) {
      return parameters;
    }
    const headerList = this.parseSignedHeaders(parameters.signedHeaders, authorization);
    if ('ok' in headerList) {
      return headerList;
    }
    return { ...parameters, signedHeaders: headerList };
  }

  private parseSignedHeaders(value: string, authorization: string): SignedHeaderList | VerificationFailure {
    const cached = this.signedHeaderLists.get(value);
    if (cached !== undefined) {
      return cached;
    }
    const names = value.split(';');
    for (const name of names) {
      if (!HEADER_NAME_PATTERN.test(name)) {
        return incomplete(
          `SignedHeaders must be lower-case header names separated by ';', got '${value}'. Authorization=${authorization}`,
        );
      }
    }
    const set = new Set(names);
    if (!set.has('host')) {
      return incomplete("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
    }
    if (set.has('date')) {
      // [LOCAL] AWS accepts a signed Date header; the smithy signer always strips it.
      return incomplete(
        `Signing the 'Date' header is not supported; sign 'X-Amz-Date' instead. Authorization=${authorization}`,
      );
    }
    if (!set.has('x-amz-date')) {
      return incomplete("'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.");
    }
    const list: SignedHeaderList = { names, set };
    if (this.signedHeaderLists.size >= SIGNED_HEADER_CACHE_LIMIT) {
      this.signedHeaderLists.clear();
    }
    this.signedHeaderLists.set(value, list);
    return list;
  }
}

/**
 * The access key id that a request's one `Authorization` header names in its Credential, as the
 * verifier parses it; undefined when there is not exactly one such header or it does not parse.
 * Unverified: for decisions taken before the body is read and for the audit of refusals.
 */
export function claimedAccessKeyId(headers: IncomingSignedRequest['headers']): string | undefined {
  const authorization = headers['authorization'];
  const values = Array.isArray(authorization) ? authorization : authorization === undefined ? [] : [authorization];
  if (values.length !== 1) {
    return undefined;
  }
  const parameters = parseAuthorizationParameters(values[0]!);
  return 'ok' in parameters || !ACCESS_KEY_ID_PATTERN.test(parameters.accessKeyId) ? undefined : parameters.accessKeyId;
}

/** The parameters of an `Authorization` header, the signed header list still as text. */
type AuthorizationParameters = Omit<ParsedAuthorization, 'signedHeaders'> & { readonly signedHeaders: string };

/** Parses algorithm, Credential (5-part scope), SignedHeaders (as text) and Signature. */
function parseAuthorizationParameters(authorization: string): AuthorizationParameters | VerificationFailure {
  const space = authorization.indexOf(' ');
  const algorithm = space === -1 ? authorization : authorization.slice(0, space);
  if (algorithm !== ALGORITHM) {
    return incomplete(
      `Unsupported AWS 'algorithm': '${algorithm}'; only '${ALGORITHM}' is accepted. Authorization=${authorization}`,
    );
  }

  let credential: string | undefined;
  let signedHeaders: string | undefined;
  let signature: string | undefined;
  if (space !== -1) {
    for (const part of authorization.slice(space + 1).split(AUTHORIZATION_PARAM_SEPARATOR)) {
      if (part === '') {
        continue;
      }
      const equals = part.indexOf('=');
      if (equals === -1) {
        return incomplete(
          `'${part}' not a valid key=value pair (missing equal-sign) in Authorization header: '${authorization}'.`,
        );
      }
      const value = part.slice(equals + 1);
      switch (part.slice(0, equals)) {
        case 'Credential':
          credential = value;
          break;
        case 'SignedHeaders':
          signedHeaders = value;
          break;
        case 'Signature':
          signature = value;
          break;
        default:
        // Unknown parameters are ignored, as AWS does.
      }
    }
  }
  if (!credential || !signedHeaders || !signature) {
    const missing: string[] = [];
    if (!credential) {
      missing.push("Authorization header requires 'Credential' parameter.");
    }
    if (!signature) {
      missing.push("Authorization header requires 'Signature' parameter.");
    }
    if (!signedHeaders) {
      missing.push("Authorization header requires 'SignedHeaders' parameter.");
    }
    return incomplete(`${missing.join(' ')} Authorization=${authorization}`);
  }

  const scope = credential.split('/');
  const [accessKeyId, scopeDate, region, service, terminator] = scope;
  if (
    scope.length !== 5 ||
    accessKeyId === undefined ||
    scopeDate === undefined ||
    region === undefined ||
    service === undefined ||
    terminator === undefined
  ) {
    return incomplete(
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
    );
  }
  if (terminator !== SCOPE_TERMINATOR) {
    return incomplete(
      `Credential should be scoped with a valid terminator: '${SCOPE_TERMINATOR}', not '${terminator}'.`,
    );
  }
  if (!REGION_PATTERN.test(region)) {
    return incomplete(`Credential should be scoped to a valid region, not '${region}'.`);
  }

  return { accessKeyId, scopeDate, region, service, signedHeaders, signature };
}

function failure(code: AuthFailureCode, message: string): VerificationFailure {
  return { ok: false, code, message };
}

function incomplete(message: string): VerificationFailure {
  return failure('IncompleteSignatureException', message);
}

function invalid(message: string): VerificationFailure {
  return failure('InvalidSignatureException', message);
}

function checkSkew(amzDate: string, signedAt: Date, now: Date, maxSkewMs: number): VerificationFailure | undefined {
  const skewMs = signedAt.getTime() - now.getTime();
  if (skewMs < -maxSkewMs) {
    return invalid(
      `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(new Date(now.getTime() - maxSkewMs))} ` +
        `(${formatAmzDate(now)} - ${formatSkew(maxSkewMs)})`,
    );
  }
  if (skewMs > maxSkewMs) {
    return invalid(
      `Signature not yet current: ${amzDate} is still later than ${formatAmzDate(new Date(now.getTime() + maxSkewMs))} ` +
        `(${formatAmzDate(now)} + ${formatSkew(maxSkewMs)})`,
    );
  }
  return undefined;
}

function formatSkew(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min.` : `${ms / 1000} sec.`;
}
