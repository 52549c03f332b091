/**
 * Sends exactly the bytes a test wants to the API, signed (or not) as a real client would, and
 * returns the raw answer: for requests that the SDK would refuse to build or would reshape.
 * Over HTTPS it trusts the endpoint's certificate (`Endpoint.caPem`) and nothing else.
 * A body is JSON (text or an object) or, with `fileBody`, a file streamed in the binary form.
 */
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { ADMIN, type Credentials, type Endpoint } from './server-process.js';

export interface RawResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

export interface RawRequestOptions {
  readonly credentials?: Credentials | 'unsigned';
  readonly signingDate?: Date;
  readonly service?: string;
  /** Extra headers (signed). */
  readonly headers?: Record<string, string>;
}

/** A file sent as the body itself (application/octet-stream), as `mado` uploads one. */
export class FileBody {
  constructor(
    readonly path: string,
    /** The x-amz-content-sha256 to sign; the file's own SHA-256 unless given. */
    readonly declaredSha256?: string,
  ) {}
}

export function fileBody(path: string, declaredSha256?: string): FileBody {
  return new FileBody(path, declaredSha256);
}

function sha256OfFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/**
 * The headers of a `POST /` to `url` (host added) signed with SigV4 as `options` say. Without a
 * `text` body, the payload hash signed is the x-amz-content-sha256 header's.
 */
export async function signedHeaders(
  url: string | URL,
  headers: Record<string, string>,
  options: RawRequestOptions = {},
  text?: string,
): Promise<Record<string, string>> {
  const endpoint = new URL(url);
  const unsigned = { host: endpoint.host, ...headers };
  if (options.credentials === 'unsigned') {
    return unsigned;
  }
  const signer = new SignatureV4({
    service: options.service ?? 'ssm',
    region: 'us-east-1',
    credentials: options.credentials ?? ADMIN,
    sha256: Hash.bind(null, 'sha256'),
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: 'POST',
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      port: Number(endpoint.port),
      path: '/',
      headers: unsigned,
      ...(text === undefined ? {} : { body: text }),
    }),
    { signingDate: options.signingDate },
  );
  return signed.headers;
}

/** POST over HTTPS trusting `caPem` only (fetch cannot be given a CA). */
function postTrusting(
  url: URL,
  caPem: string,
  headers: Record<string, string>,
  body: string | Readable,
): Promise<Response> {
  const length = typeof body === 'string' ? { 'content-length': String(Buffer.byteLength(body)) } : {};
  return new Promise((resolve, reject) => {
    const sent = httpsRequest(url, { method: 'POST', ca: caPem, headers: { ...headers, ...length } }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('error', reject);
      answer.on('end', () => {
        const received = new Headers();
        for (const [name, value] of Object.entries(answer.headers)) {
          for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
            received.append(name, one);
          }
        }
        resolve(new Response(Buffer.concat(chunks), { status: answer.statusCode ?? 0, headers: received }));
      });
    });
    sent.setTimeout(30_000, () => sent.destroy(new Error(`no answer from ${url.href} in 30 s`)));
    sent.on('error', reject);
    if (typeof body === 'string') {
      sent.end(body);
    } else {
      body.on('error', (error) => sent.destroy(error)).pipe(sent);
    }
  });
}

export async function callRaw(
  to: string | Endpoint,
  target: string | undefined,
  body: string | Record<string, unknown> | FileBody,
  options: RawRequestOptions = {},
): Promise<RawResponse> {
  const { url, caPem } = typeof to === 'string' ? { url: to, caPem: undefined } : to;
  const endpoint = new URL(url);
  const text = body instanceof FileBody ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const binary: Record<string, string> =
    body instanceof FileBody
      ? {
          'content-type': 'application/octet-stream',
          'content-length': String(statSync(body.path).size),
          'x-amz-content-sha256': body.declaredSha256 ?? (await sha256OfFile(body.path)),
        }
      : { 'content-type': 'application/x-amz-json-1.1' };
  const headers: Record<string, string> = {
    ...binary,
    ...(target === undefined ? {} : { 'x-amz-target': target }),
    ...options.headers,
  };
  const { host: _host, ...fetchHeaders } = await signedHeaders(endpoint, headers, options, text);
  const sent = body instanceof FileBody ? () => createReadStream(body.path) : undefined;
  const response =
    caPem === undefined
      ? await fetch(new URL('/', endpoint), {
          method: 'POST',
          headers: fetchHeaders,
          ...(sent === undefined ? { body: text } : { body: sent(), duplex: 'half' }),
        } as RequestInit)
      : await postTrusting(new URL('/', endpoint), caPem, fetchHeaders, sent?.() ?? text!);
  const raw = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>),
  };
}
