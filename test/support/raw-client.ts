/**
 * Sends exactly the bytes a test wants to the API, signed (or not) as a real client would, and
 * returns the raw answer: for requests that the SDK would refuse to build or would reshape.
 * Over HTTPS it trusts the endpoint's certificate (`Endpoint.caPem`) and nothing else.
 */
import { request as httpsRequest } from 'node:https';
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

/** POST over HTTPS trusting `caPem` only (fetch cannot be given a CA). */
function postTrusting(url: URL, caPem: string, headers: Record<string, string>, text: string): Promise<Response> {
  return new Promise((resolve, reject) => {
    const sent = httpsRequest(
      url,
      { method: 'POST', ca: caPem, headers: { ...headers, 'content-length': String(Buffer.byteLength(text)) } },
      (answer) => {
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
      },
    );
    sent.setTimeout(30_000, () => sent.destroy(new Error(`no answer from ${url.href} in 30 s`)));
    sent.on('error', reject);
    sent.end(text);
  });
}

export async function callRaw(
  to: string | Endpoint,
  target: string | undefined,
  body: string | Record<string, unknown>,
  options: RawRequestOptions = {},
): Promise<RawResponse> {
  const { url, caPem } = typeof to === 'string' ? { url: to, caPem: undefined } : to;
  const endpoint = new URL(url);
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const headers: Record<string, string> = {
    host: endpoint.host,
    'content-type': 'application/x-amz-json-1.1',
    ...(target === undefined ? {} : { 'x-amz-target': target }),
    ...options.headers,
  };
  let sent = headers;
  if (options.credentials !== 'unsigned') {
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
        headers,
        body: text,
      }),
      { signingDate: options.signingDate },
    );
    sent = signed.headers;
  }
  const { host: _host, ...fetchHeaders } = sent;
  const response =
    caPem === undefined
      ? await fetch(new URL('/', endpoint), { method: 'POST', headers: fetchHeaders, body: text })
      : await postTrusting(new URL('/', endpoint), caPem, fetchHeaders, text);
  const raw = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>),
  };
}
