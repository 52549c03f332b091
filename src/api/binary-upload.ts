/**
 * The binary wire form of the upload operations (Mado.PublishPackage, Mado.PublishAgentRelease):
 * the raw file is the body (`Content-Type: application/octet-stream`), the other members are
 * JSON in the signed `x-mado-parameters` header (as JSON, or base64url of JSON), and
 * `x-amz-content-sha256` declares the body's SHA-256, which the signature covers. The API checks
 * the signature over the headers with that hash before the body is read; the HTTP layer then
 * streams the body to a private file, counting and hashing it (`UploadSource`), and a body whose
 * hash differs from the declared one is refused as a bad signature. See docs/packages.md.
 */
import type { UploadReceipt } from '../services/uploaded-file.js';
import { WireError } from './errors.js';
import type { Operation } from './operation.js';
import { SIGNATURE_MISMATCH, type IncomingSignedRequest } from './sigv4-verifier.js';
import { parseJsonObject } from './wire/json-body.js';

export const BINARY_CONTENT_TYPE = 'application/octet-stream';
export const PARAMETERS_HEADER = 'x-mado-parameters';
/** Longest `x-mado-parameters` accepted (the members besides the file are short). */
export const MAX_PARAMETERS_CHARS = 8 * 1024;

const SHA256_HEX = /^[0-9a-f]{64}$/;
const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;

/** The body of a binary upload, not read yet: the API reads it only once its headers are verified. */
export interface UploadSource {
  /**
   * Streams the body to a private file while counting it against the upload limit and hashing
   * it; the receipt says why not when it was refused (the file is then already removed).
   */
  receive(expectedSha256: string): Promise<UploadReceipt>;
}

function single(headers: IncomingSignedRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/**
 * The body's SHA-256 as `x-amz-content-sha256` declares it.
 * @throws WireError(ValidationException) unless it is 64 lower-case hex digits.
 */
export function declaredPayloadSha256(headers: IncomingSignedRequest['headers']): string {
  const declared = single(headers, 'x-amz-content-sha256');
  if (declared === undefined || !SHA256_HEX.test(declared)) {
    throw new WireError(
      'ValidationException',
      `A binary upload (Content-Type: ${BINARY_CONTENT_TYPE}) must declare the SHA-256 of its body in x-amz-content-sha256, as 64 lower-case hex digits${declared === undefined ? '' : `; got "${declared.slice(0, 80)}"`}.`,
    );
  }
  return declared;
}

/**
 * The operation's members besides the file, from `x-mado-parameters` (`{}` when absent).
 * @throws WireError for an operation that uploads nothing, a header too long, not base64url,
 *   not JSON or not an object.
 */
export function uploadParameters(headers: IncomingSignedRequest['headers'], operation: Operation<never>): unknown {
  if (operation.upload === undefined) {
    throw new WireError(
      'ValidationException',
      `${operation.name} takes a JSON body (application/x-amz-json-1.1), not ${BINARY_CONTENT_TYPE}.`,
    );
  }
  const value = single(headers, PARAMETERS_HEADER)?.trim();
  if (value === undefined || value === '') {
    return {};
  }
  if (value.length > MAX_PARAMETERS_CHARS) {
    throw new WireError(
      'ValidationException',
      `${PARAMETERS_HEADER} has ${value.length} characters; at most ${MAX_PARAMETERS_CHARS} are accepted.`,
    );
  }
  if (value.startsWith('{')) {
    return parseJsonObject(Buffer.from(value, 'utf8'), PARAMETERS_HEADER);
  }
  if (!BASE64URL.test(value)) {
    throw new WireError('SerializationException', `${PARAMETERS_HEADER} must be a JSON object or base64url of one.`);
  }
  return parseJsonObject(Buffer.from(value, 'base64url'), PARAMETERS_HEADER);
}

/** The wire error for a refused body; a hash that differs from the signed one is a bad signature. */
export function receiptError(receipt: Exclude<UploadReceipt, { ok: true }>): WireError {
  switch (receipt.problem) {
    case 'too-large':
      return new WireError(
        'ValidationException',
        `The upload is larger than ${receipt.maxBytes} bytes (limit MADO_MAX_UPLOAD_BYTES=${receipt.maxBytes}).`,
      );
    case 'hash-mismatch':
      return new WireError('InvalidSignatureException', SIGNATURE_MISMATCH);
    case 'incomplete':
      return new WireError('SerializationException', `The request body did not arrive whole (${receipt.detail}).`);
  }
}
