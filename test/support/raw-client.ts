/**
 * Sends exactly the bytes a test wants to the API, signed (or not) as a real client would, and
 * returns the raw answer: for requests that the SDK would refuse to build or would reshape.
 */
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { ADMIN, type Credentials } from './server-process.js';

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

export async function callRaw(
  url: string,
  target: string | undefined,
  body: string | Record<string, unknown>,
  options: RawRequestOptions = {},
): Promise<RawResponse> {
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
  const response = await fetch(new URL('/', endpoint), { method: 'POST', headers: fetchHeaders, body: text });
  const raw = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>),
  };
}
