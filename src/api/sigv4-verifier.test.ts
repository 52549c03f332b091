import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { DescribeMaintenanceWindowsCommand, SSMClient } from '@aws-sdk/client-ssm';
import { Hash } from '@smithy/hash-node';
import { HttpRequest, HttpResponse } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../shared/clock.js';
import {
  claimedAccessKeyId,
  SigV4Verifier,
  type IncomingSignedRequest,
  type VerificationResult,
} from './sigv4-verifier.js';

const ACCESS_KEY_ID = 'AKIDEXAMPLE0000001';
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const SIGNED_AT = new Date('2024-01-15T12:00:00Z');
const FIVE_MINUTES_MS = 5 * 60_000;
const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const Sha256 = Hash.bind(null, 'sha256');

function fixedClock(at: Date): Clock {
  return { now: () => new Date(at.getTime()), sleep: () => Promise.resolve() };
}

/** `region`: the server's region; by default any region is accepted (MADO_ALLOW_ANY_REGION). */
function aVerifier(
  options: { now?: Date; secrets?: Map<string, string>; maxClockSkewMs?: number; region?: string } = {},
): SigV4Verifier {
  const secrets = options.secrets ?? new Map([[ACCESS_KEY_ID, SECRET]]);
  return new SigV4Verifier({
    lookupSecret: (accessKeyId) => secrets.get(accessKeyId),
    clock: fixedClock(options.now ?? SIGNED_AT),
    maxClockSkewMs: options.maxClockSkewMs ?? FIVE_MINUTES_MS,
    service: 'ssm',
    region: options.region,
  });
}

interface SigningOptions {
  accessKeyId?: string;
  secret?: string;
  sessionToken?: string;
  signedAt?: Date;
  region?: string;
  service?: string;
  path?: string;
  query?: Record<string, string>;
  body?: string;
  extraHeaders?: Record<string, string>;
  /** The v3 SDK adds and signs x-amz-content-sha256; botocore does not. */
  applyChecksum?: boolean;
  signableHeaders?: Set<string>;
  unsignableHeaders?: Set<string>;
  /** Headers the request is built without (default: the SDK's content-type and x-amz-target). */
  omitHeaders?: readonly string[];
}

/** Signs a request with SignatureV4 the way @aws-sdk/client-ssm does, and returns it as the server receives it. */
async function aSignedRequest(options: SigningOptions = {}): Promise<IncomingSignedRequest> {
  const body = options.body ?? '{"MaxResults":10}';
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: options.accessKeyId ?? ACCESS_KEY_ID,
      secretAccessKey: options.secret ?? SECRET,
      ...(options.sessionToken === undefined ? {} : { sessionToken: options.sessionToken }),
    },
    region: options.region ?? 'us-east-1',
    service: options.service ?? 'ssm',
    sha256: Sha256,
    applyChecksum: options.applyChecksum ?? true,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: 'POST',
      protocol: 'http:',
      hostname: 'localhost',
      port: 8080,
      path: options.path ?? '/',
      query: options.query ?? {},
      headers: withoutHeaders(
        {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'AmazonSSM.DescribeMaintenanceWindows',
          'content-length': String(Buffer.byteLength(body)),
          host: 'localhost:8080',
          'user-agent': 'aws-sdk-js/3 test',
          ...options.extraHeaders,
        },
        options.omitHeaders ?? [],
      ),
      body,
    }),
    {
      signingDate: options.signedAt ?? SIGNED_AT,
      ...(options.signableHeaders === undefined ? {} : { signableHeaders: options.signableHeaders }),
      ...(options.unsignableHeaders === undefined ? {} : { unsignableHeaders: options.unsignableHeaders }),
    },
  );
  const query = new URLSearchParams(signed.query as Record<string, string>).toString().replace(/\+/g, '%20');
  return received({ method: signed.method, path: signed.path, query, headers: signed.headers, body });
}

function withoutHeaders(headers: Record<string, string>, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !names.includes(name)));
}

/** What the HTTP server hands the verifier: lower-case header names, raw body bytes. */
function received(request: {
  method: string;
  path: string;
  query?: string;
  headers: Record<string, string | undefined>;
  body: string | Uint8Array | undefined;
}): IncomingSignedRequest {
  // Typed as Node's IncomingHttpHeaders to prove that it is accepted as is.
  const headers: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(request.headers)) {
    headers[name.toLowerCase()] = value;
  }
  const body =
    request.body === undefined
      ? Buffer.alloc(0)
      : typeof request.body === 'string'
        ? Buffer.from(request.body)
        : // The SDK's body is a Uint8Array whose valueOf() is a string: copy the bytes, not the string.
          Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength);
  return { method: request.method, path: request.path, query: request.query ?? '', headers, body };
}

function withHeaders(request: IncomingSignedRequest, headers: IncomingSignedRequest['headers']): IncomingSignedRequest {
  return { ...request, headers: { ...request.headers, ...headers } };
}

function withAuthorization(request: IncomingSignedRequest, authorization: string): IncomingSignedRequest {
  return withHeaders(request, { authorization });
}

function authorizationOf(request: IncomingSignedRequest): string {
  return String(request.headers['authorization']);
}

/** Sends one real SSMClient call to a handler that records the signed HttpRequest and answers `{}`. */
async function captureRealClientRequest(endpoint: string): Promise<HttpRequest> {
  let captured: HttpRequest | undefined;
  const client = new SSMClient({
    region: 'eu-west-1',
    endpoint,
    credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET },
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: HttpRequest) => {
        captured = request;
        return {
          response: new HttpResponse({
            statusCode: 200,
            headers: { 'content-type': 'application/x-amz-json-1.1' },
            body: Readable.from([Buffer.from('{}')]),
          }),
        };
      },
      updateHttpClientConfig: () => undefined,
      httpHandlerConfigs: () => ({}),
    },
  });
  await client.send(new DescribeMaintenanceWindowsCommand({ MaxResults: 10 }));
  client.destroy();
  if (captured === undefined) {
    throw new Error('the SSM client sent no request');
  }
  return captured;
}

function amzDateToDate(amzDate: string): Date {
  return new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T` +
      `${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
}

function expectFailure(result: VerificationResult, code: string, message?: string | RegExp): void {
  expect(result).toMatchObject({ ok: false, code });
  if (message !== undefined && !result.ok) {
    if (typeof message === 'string') {
      expect(result.message).toBe(message);
    } else {
      expect(result.message).toMatch(message);
    }
  }
}

describe('SigV4Verifier', () => {
  describe('valid signatures', () => {
    it('accepts a request signed the way @aws-sdk/client-ssm signs it', async () => {
      const request = await aSignedRequest();
      expect(authorizationOf(request)).toContain('x-amz-content-sha256');

      expect(await aVerifier().verify(request)).toEqual({
        ok: true,
        accessKeyId: ACCESS_KEY_ID,
        region: 'us-east-1',
        service: 'ssm',
        signedAt: SIGNED_AT,
      });
    });

    it('accepts a request signed without x-amz-content-sha256, as botocore signs it', async () => {
      const request = await aSignedRequest({ applyChecksum: false });
      expect(authorizationOf(request)).not.toContain('x-amz-content-sha256');

      expect(await aVerifier().verify(request)).toMatchObject({ ok: true });
    });

    it('accepts a request captured from the real SSMClient', async () => {
      const sent = await captureRealClientRequest('http://localhost:8080');
      const amzDate = String(sent.headers['x-amz-date']);

      const result = await aVerifier({ now: amzDateToDate(amzDate) }).verify(
        received({ method: sent.method, path: sent.path, headers: sent.headers, body: sent.body as Uint8Array }),
      );

      expect(result).toEqual({
        ok: true,
        accessKeyId: ACCESS_KEY_ID,
        region: 'eu-west-1',
        service: 'ssm',
        signedAt: amzDateToDate(amzDate),
      });
    });

    it('accepts a request captured from the real SSMClient with an endpoint base path', async () => {
      const sent = await captureRealClientRequest('http://localhost:8080/prefix');
      expect(sent.path).toBe('/prefix/');

      const result = await aVerifier({ now: amzDateToDate(String(sent.headers['x-amz-date'])) }).verify(
        received({ method: sent.method, path: sent.path, headers: sent.headers, body: sent.body as Uint8Array }),
      );

      expect(result).toMatchObject({ ok: true });
    });

    it('accepts an empty body', async () => {
      const request = await aSignedRequest({ body: '' });

      expect(request.body.length).toBe(0);
      expect(await aVerifier().verify(request)).toMatchObject({ ok: true });
    });

    it('accepts a percent-encoded path and a signed query string', async () => {
      const request = await aSignedRequest({ path: '/my%20prefix/', query: { b: 'x y', a: '1' } });
      expect(request.query).toBe('b=x%20y&a=1');

      expect(await aVerifier().verify(request)).toMatchObject({ ok: true });
    });

    it('accepts an Authorization header whose parameters are separated by commas without spaces', async () => {
      const request = await aSignedRequest();
      const compact = authorizationOf(request).replace(/, /g, ',');

      expect(await aVerifier().verify(withAuthorization(request, compact))).toMatchObject({ ok: true });
    });

    it('accepts a signed header that the signer would not sign by default', async () => {
      const request = await aSignedRequest({
        signableHeaders: new Set(['user-agent']),
        applyChecksum: false,
      });
      expect(authorizationOf(request)).toContain('user-agent');

      expect(await aVerifier().verify(request)).toMatchObject({ ok: true });
    });

    it('joins the values of a repeated signed header with commas', async () => {
      const request = await aSignedRequest({ extraHeaders: { 'x-mado-trace': 'a,b' } });

      const repeated = withHeaders(request, { 'x-mado-trace': ['a', ' b'] });

      expect(await aVerifier().verify(repeated)).toMatchObject({ ok: true });
    });

    it('ignores changes to headers that are not signed', async () => {
      const request = await aSignedRequest();

      const changed = withHeaders(request, { 'user-agent': 'something else', 'x-forwarded-for': '10.0.0.1' });

      expect(await aVerifier().verify(changed)).toMatchObject({ ok: true });
    });

    it('uses the new secret once an access key is given a new one', async () => {
      const secrets = new Map([[ACCESS_KEY_ID, SECRET]]);
      const verifier = aVerifier({ secrets });
      expect(await verifier.verify(await aSignedRequest())).toMatchObject({ ok: true });

      secrets.set(ACCESS_KEY_ID, 'rotated-secret');

      expectFailure(await verifier.verify(await aSignedRequest()), 'InvalidSignatureException', SIGNATURE_MISMATCH);
      expect(await verifier.verify(await aSignedRequest({ secret: 'rotated-secret' }))).toMatchObject({ ok: true });
    });
  });

  describe('missing or malformed Authorization header', () => {
    it('returns MissingAuthenticationTokenException without an Authorization header', async () => {
      const request = await aSignedRequest();
      const { authorization: _dropped, ...headers } = request.headers;

      expectFailure(
        await aVerifier().verify({ ...request, headers }),
        'MissingAuthenticationTokenException',
        'Missing Authentication Token',
      );
    });

    const credential = `Credential=${ACCESS_KEY_ID}/20240115/us-east-1/ssm/aws4_request`;
    const signedHeaders = 'SignedHeaders=content-type;host;x-amz-date;x-amz-target';
    const signature = `Signature=${'a'.repeat(64)}`;
    it.each([
      [
        'an unsupported algorithm',
        `AWS4-HMAC-SHA512 ${credential}, ${signedHeaders}, ${signature}`,
        /^Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'/,
      ],
      ['a non-SigV4 scheme', 'Bearer abc.def', /^Unsupported AWS 'algorithm': 'Bearer'/],
      [
        'the algorithm alone',
        'AWS4-HMAC-SHA256',
        /^Authorization header requires 'Credential' parameter\. Authorization header requires 'Signature' parameter\. Authorization header requires 'SignedHeaders' parameter\. Authorization=AWS4-HMAC-SHA256$/,
      ],
      [
        'no Signature',
        `AWS4-HMAC-SHA256 ${credential}, ${signedHeaders}`,
        /^Authorization header requires 'Signature' parameter\. Authorization=AWS4-HMAC-SHA256 Credential=/,
      ],
      [
        'an empty Signature',
        `AWS4-HMAC-SHA256 ${credential}, ${signedHeaders}, Signature=`,
        /^Authorization header requires 'Signature' parameter\./,
      ],
      [
        'no Credential',
        `AWS4-HMAC-SHA256 ${signedHeaders}, ${signature}`,
        /^Authorization header requires 'Credential' parameter\./,
      ],
      [
        'no SignedHeaders',
        `AWS4-HMAC-SHA256 ${credential}, ${signature}`,
        /^Authorization header requires 'SignedHeaders' parameter\./,
      ],
      [
        'a parameter without an equal sign',
        `AWS4-HMAC-SHA256 ${credential}, ${signedHeaders}, ${signature}, oops`,
        /^'oops' not a valid key=value pair \(missing equal-sign\) in Authorization header: 'AWS4-HMAC-SHA256 /,
      ],
      [
        'a credential with four elements',
        `AWS4-HMAC-SHA256 Credential=${ACCESS_KEY_ID}/20240115/us-east-1/ssm, ${signedHeaders}, ${signature}`,
        `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${ACCESS_KEY_ID}/20240115/us-east-1/ssm'`,
      ],
      [
        'a credential with six elements',
        `AWS4-HMAC-SHA256 Credential=AK/ID/20240115/us-east-1/ssm/aws4_request, ${signedHeaders}, ${signature}`,
        /^Credential must have exactly 5 slash-delimited elements/,
      ],
      [
        'a wrong scope terminator',
        `AWS4-HMAC-SHA256 Credential=${ACCESS_KEY_ID}/20240115/us-east-1/ssm/aws5_request, ${signedHeaders}, ${signature}`,
        "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'.",
      ],
      [
        'an empty region',
        `AWS4-HMAC-SHA256 Credential=${ACCESS_KEY_ID}/20240115//ssm/aws4_request, ${signedHeaders}, ${signature}`,
        "Credential should be scoped to a valid region, not ''.",
      ],
      [
        'SignedHeaders without host',
        `AWS4-HMAC-SHA256 ${credential}, SignedHeaders=content-type;x-amz-date, ${signature}`,
        "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
      ],
      [
        'SignedHeaders without a date header',
        `AWS4-HMAC-SHA256 ${credential}, SignedHeaders=content-type;host, ${signature}`,
        "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.",
      ],
      [
        'SignedHeaders with the Date header',
        `AWS4-HMAC-SHA256 ${credential}, SignedHeaders=date;host;x-amz-date, ${signature}`,
        /^Signing the 'Date' header is not supported; sign 'X-Amz-Date' instead\./,
      ],
      [
        'upper-case SignedHeaders',
        `AWS4-HMAC-SHA256 ${credential}, SignedHeaders=Host;X-Amz-Date, ${signature}`,
        /^SignedHeaders must be lower-case header names separated by ';', got 'Host;X-Amz-Date'\./,
      ],
      [
        'an empty SignedHeaders entry',
        `AWS4-HMAC-SHA256 ${credential}, SignedHeaders=host;;x-amz-date, ${signature}`,
        /^SignedHeaders must be lower-case header names/,
      ],
    ])('returns IncompleteSignatureException for %s', async (_case, authorization, message) => {
      const request = withAuthorization(await aSignedRequest(), authorization);

      expectFailure(await aVerifier().verify(request), 'IncompleteSignatureException', message);
    });

    it('returns IncompleteSignatureException when X-Amz-Date is missing', async () => {
      const request = await aSignedRequest();
      const { 'x-amz-date': _dropped, ...headers } = request.headers;

      expectFailure(
        await aVerifier().verify({ ...request, headers }),
        'IncompleteSignatureException',
        `Authorization header requires existence of a 'X-Amz-Date' header. Authorization=${authorizationOf(request)}`,
      );
    });

    it.each([
      '2024-01-15T12:00:00Z',
      '20240115T120000',
      '20240230T120000Z',
      '20240115T240000Z',
      'Mon, 15 Jan 2024 12:00:00 GMT',
    ])('returns IncompleteSignatureException for the malformed X-Amz-Date %s', async (amzDate) => {
      const request = withHeaders(await aSignedRequest(), { 'x-amz-date': amzDate });

      expectFailure(
        await aVerifier().verify(request),
        'IncompleteSignatureException',
        `Date must be in ISO-8601 'basic format'. Got '${amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`,
      );
    });
  });

  describe('credentials and scope', () => {
    it('returns InvalidSignatureException for a request signed with the wrong secret', async () => {
      const request = await aSignedRequest({ secret: 'not-the-secret' });

      expectFailure(await aVerifier().verify(request), 'InvalidSignatureException', SIGNATURE_MISMATCH);
    });

    it('returns UnrecognizedClientException for an unknown access key', async () => {
      const request = await aSignedRequest({ accessKeyId: 'AKIDUNKNOWN0000000' });

      expectFailure(
        await aVerifier().verify(request),
        'UnrecognizedClientException',
        'The security token included in the request is invalid.',
      );
    });

    it('returns UnrecognizedClientException when a security token is present', async () => {
      const request = await aSignedRequest({ sessionToken: 'FwoGZXIvYXdzEXAMPLE' });
      expect(request.headers['x-amz-security-token']).toBe('FwoGZXIvYXdzEXAMPLE');

      expectFailure(
        await aVerifier().verify(request),
        'UnrecognizedClientException',
        'The security token included in the request is invalid.',
      );
    });

    it('returns InvalidSignatureException when the scope date differs from the X-Amz-Date day', async () => {
      const request = await aSignedRequest({ signedAt: new Date('2024-01-15T23:59:59Z') });

      const nextDay = withHeaders(request, { 'x-amz-date': '20240116T000001Z' });

      expectFailure(
        await aVerifier({ now: new Date('2024-01-16T00:00:00Z') }).verify(nextDay),
        'InvalidSignatureException',
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20240115' != '20240116', from '20240116T000001Z'.",
      );
    });

    it('returns InvalidSignatureException for a credential scoped to another service', async () => {
      const request = await aSignedRequest({ service: 'ec2' });

      expectFailure(
        await aVerifier().verify(request),
        'InvalidSignatureException',
        "Credential should be scoped to correct service: 'ssm'.",
      );
    });

    it("returns InvalidSignatureException for a credential scoped to a region other than the server's", async () => {
      const request = await aSignedRequest({ region: 'eu-west-1' });

      expectFailure(
        await aVerifier({ region: 'us-east-1' }).verify(request),
        'InvalidSignatureException',
        "Credential should be scoped to a valid region, not 'eu-west-1'.",
      );
    });

    it("accepts a credential scoped to the server's region", async () => {
      const request = await aSignedRequest({ region: 'eu-west-1' });

      expect(await aVerifier({ region: 'eu-west-1' }).verify(request)).toMatchObject({ ok: true, region: 'eu-west-1' });
    });

    it('reports the region and service of the credential scope', async () => {
      const request = await aSignedRequest({ region: 'ap-southeast-2' });

      expect(await aVerifier().verify(request)).toMatchObject({ ok: true, region: 'ap-southeast-2', service: 'ssm' });
    });
  });

  describe('headers that decide what the request does', () => {
    it.each([
      ['x-amz-target', 'X-Amz-Target'],
      ['content-type', 'Content-Type'],
    ])('returns IncompleteSignatureException when %s is sent but not signed', async (name, spelling) => {
      const request = await aSignedRequest({ unsignableHeaders: new Set([name]) });
      expect(authorizationOf(request)).not.toContain(name);

      expectFailure(
        await aVerifier().verify(request),
        'IncompleteSignatureException',
        `'${spelling}' must be a 'SignedHeader' in the AWS Authorization.`,
      );
    });

    it('refuses an unsigned x-amz-target even when the signature over the other headers is valid', async () => {
      const request = await aSignedRequest({ omitHeaders: ['x-amz-target'] });
      expect(await aVerifier().verify(request)).toMatchObject({ ok: true });

      const retargeted = withHeaders(request, { 'x-amz-target': 'AmazonSSM.DeleteMaintenanceWindow' });

      expectFailure(
        await aVerifier().verify(retargeted),
        'IncompleteSignatureException',
        "'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization.",
      );
    });

    it('accepts a request that carries neither x-amz-target nor content-type', async () => {
      const request = await aSignedRequest({ omitHeaders: ['x-amz-target', 'content-type'] });

      expect(await aVerifier().verify(request)).toMatchObject({ ok: true });
    });

    it('returns IncompleteSignatureException for two Authorization headers, even two copies of a valid one', async () => {
      const request = await aSignedRequest();
      const authorization = authorizationOf(request);

      expectFailure(
        await aVerifier().verify(withHeaders(request, { authorization: [authorization, authorization] })),
        'IncompleteSignatureException',
        `The request has 2 'Authorization' headers; exactly one is allowed. Authorization=${authorization},${authorization}`,
      );
    });

    it('accepts one Authorization header given as a one-element list (Node headersDistinct)', async () => {
      const request = await aSignedRequest();

      expect(
        await aVerifier().verify(withHeaders(request, { authorization: [authorizationOf(request)] })),
      ).toMatchObject({ ok: true });
    });

    it('reads a repeated X-Amz-Date as the joined value that was signed, not its first copy', async () => {
      const request = await aSignedRequest();
      const amzDate = String(request.headers['x-amz-date']);

      expectFailure(
        await aVerifier().verify(withHeaders(request, { 'x-amz-date': [amzDate, '20990101T000000Z'] })),
        'IncompleteSignatureException',
        /^Date must be in ISO-8601 'basic format'/,
      );
    });
  });

  describe('tampering', () => {
    it('returns InvalidSignatureException for a tampered body with x-amz-content-sha256 signed', async () => {
      const request = await aSignedRequest({ applyChecksum: true });

      const tampered = { ...request, body: Buffer.from('{"MaxResults":99}') };

      expectFailure(await aVerifier().verify(tampered), 'InvalidSignatureException', SIGNATURE_MISMATCH);
    });

    it('returns InvalidSignatureException for a tampered body without x-amz-content-sha256', async () => {
      const request = await aSignedRequest({ applyChecksum: false });

      const tampered = { ...request, body: Buffer.from('{"MaxResults":99}') };

      expectFailure(await aVerifier().verify(tampered), 'InvalidSignatureException', SIGNATURE_MISMATCH);
    });

    it('returns InvalidSignatureException when x-amz-content-sha256 and body were both replaced', async () => {
      const request = await aSignedRequest({ applyChecksum: true });
      const body = Buffer.from('{"MaxResults":99}');
      const { createHash } = await import('node:crypto');

      const tampered = withHeaders(
        { ...request, body },
        { 'x-amz-content-sha256': createHash('sha256').update(body).digest('hex') },
      );

      expectFailure(await aVerifier().verify(tampered), 'InvalidSignatureException', SIGNATURE_MISMATCH);
    });

    it('returns InvalidSignatureException for a tampered signed header', async () => {
      const request = await aSignedRequest();

      const tampered = withHeaders(request, { 'x-amz-target': 'AmazonSSM.DeleteMaintenanceWindow' });

      expectFailure(await aVerifier().verify(tampered), 'InvalidSignatureException', SIGNATURE_MISMATCH);
    });

    it('returns InvalidSignatureException for a tampered path', async () => {
      const request = await aSignedRequest();

      expectFailure(
        await aVerifier().verify({ ...request, path: '/other/' }),
        'InvalidSignatureException',
        SIGNATURE_MISMATCH,
      );
    });

    it('returns InvalidSignatureException when a signed header is missing', async () => {
      const request = await aSignedRequest();
      const { 'x-amz-target': _dropped, ...headers } = request.headers;

      expectFailure(await aVerifier().verify({ ...request, headers }), 'InvalidSignatureException', SIGNATURE_MISMATCH);
    });

    it.each([
      ['upper-case hex', (signature: string) => signature.toUpperCase()],
      ['too short', (signature: string) => signature.slice(0, 63)],
      ['not hex', (signature: string) => `${signature.slice(0, 63)}g`],
    ])('returns InvalidSignatureException for a signature that is %s', async (_case, mangle) => {
      const request = await aSignedRequest();
      const authorization = authorizationOf(request).replace(
        /Signature=([0-9a-f]+)$/,
        (_m, s: string) => `Signature=${mangle(s)}`,
      );

      expectFailure(
        await aVerifier().verify(withAuthorization(request, authorization)),
        'InvalidSignatureException',
        SIGNATURE_MISMATCH,
      );
    });
  });

  describe('clock skew', () => {
    it('accepts a request signed exactly the allowed skew ago', async () => {
      const request = await aSignedRequest();

      const result = await aVerifier({ now: new Date(SIGNED_AT.getTime() + FIVE_MINUTES_MS) }).verify(request);

      expect(result).toMatchObject({ ok: true });
    });

    it('returns InvalidSignatureException for a request signed just over the allowed skew ago', async () => {
      const request = await aSignedRequest();

      const result = await aVerifier({ now: new Date(SIGNED_AT.getTime() + FIVE_MINUTES_MS + 1000) }).verify(request);

      expectFailure(
        result,
        'InvalidSignatureException',
        'Signature expired: 20240115T120000Z is now earlier than 20240115T120001Z (20240115T120501Z - 5 min.)',
      );
    });

    it('accepts a request signed exactly the allowed skew in the future', async () => {
      const request = await aSignedRequest();

      const result = await aVerifier({ now: new Date(SIGNED_AT.getTime() - FIVE_MINUTES_MS) }).verify(request);

      expect(result).toMatchObject({ ok: true });
    });

    it('returns InvalidSignatureException for a request signed just over the allowed skew in the future', async () => {
      const request = await aSignedRequest();

      const result = await aVerifier({ now: new Date(SIGNED_AT.getTime() - FIVE_MINUTES_MS - 1000) }).verify(request);

      expectFailure(
        result,
        'InvalidSignatureException',
        'Signature not yet current: 20240115T120000Z is still later than 20240115T115959Z (20240115T115459Z + 5 min.)',
      );
    });

    it('states the AWS-style expiry window in the message', async () => {
      const request = await aSignedRequest();

      const result = await aVerifier({ now: new Date('2024-01-15T12:11:00Z') }).verify(request);

      expectFailure(
        result,
        'InvalidSignatureException',
        'Signature expired: 20240115T120000Z is now earlier than 20240115T120600Z (20240115T121100Z - 5 min.)',
      );
    });

    it('uses the configured skew limit', async () => {
      const request = await aSignedRequest();

      const result = await aVerifier({ now: new Date('2024-01-15T12:01:00Z'), maxClockSkewMs: 30_000 }).verify(request);

      expectFailure(
        result,
        'InvalidSignatureException',
        'Signature expired: 20240115T120000Z is now earlier than 20240115T120030Z (20240115T120100Z - 30 sec.)',
      );
    });
  });
});

describe('SigV4Verifier: a streamed upload verified with its declared payload hash', () => {
  const file = Buffer.alloc(4096, 7);
  const sha256 = createHash('sha256').update(file).digest('hex');
  const otherSha256 = createHash('sha256').update('other').digest('hex');

  /** Signed as `mado` signs the binary form: the declared hash in x-amz-content-sha256, no body given. */
  async function anUpload(
    declared: string,
    parameters = '{"Name":"p","Version":"1.0.0"}',
  ): Promise<IncomingSignedRequest> {
    const request = await aSignedRequest({
      applyChecksum: false,
      body: file.toString('latin1'),
      extraHeaders: {
        'content-type': 'application/octet-stream',
        'x-amz-target': 'Mado.PublishPackage',
        'x-amz-content-sha256': declared,
        'x-mado-parameters': parameters,
      },
    });
    // The body is not read yet when the headers are verified.
    return { ...request, body: Buffer.alloc(0), payloadSha256: declared };
  }

  it('accepts the headers with the declared hash before the body is read', async () => {
    const result = await aVerifier().verify(await anUpload(sha256));

    expect(result).toMatchObject({ ok: true, accessKeyId: ACCESS_KEY_ID });
  });

  it('refuses another hash than the signed one (the payload hash is part of the signature)', async () => {
    const request = await anUpload(sha256);

    const swapped = withHeaders({ ...request, payloadSha256: otherSha256 }, { 'x-amz-content-sha256': otherSha256 });

    expectFailure(await aVerifier().verify(swapped), 'InvalidSignatureException', SIGNATURE_MISMATCH);
  });

  it('refuses changed parameters (x-mado-parameters is signed)', async () => {
    const request = await anUpload(sha256);

    const changed = withHeaders(request, { 'x-mado-parameters': '{"Name":"p","Version":"9.9.9"}' });

    expectFailure(await aVerifier().verify(changed), 'InvalidSignatureException', SIGNATURE_MISMATCH);
  });

  it('refuses x-mado-parameters that the signature does not cover', async () => {
    const request = await aSignedRequest({ applyChecksum: true });

    const added = withHeaders(request, { 'x-mado-parameters': '{}' });

    expectFailure(
      await aVerifier().verify(added),
      'IncompleteSignatureException',
      "'X-Mado-Parameters' must be a 'SignedHeader' in the AWS Authorization.",
    );
  });
});

describe('claimedAccessKeyId', () => {
  it('reads the key id from one parsable Authorization header', async () => {
    const request = await aSignedRequest();

    expect(claimedAccessKeyId(request.headers)).toBe(ACCESS_KEY_ID);
  });

  it('claims nothing for two headers, a malformed Credential or a key id that cannot be one', async () => {
    const authorization = authorizationOf(await aSignedRequest());

    expect(claimedAccessKeyId({ authorization: [authorization, authorization] })).toBeUndefined();
    expect(
      claimedAccessKeyId({ authorization: authorization.replace(/Credential=[^,]+/, 'Credential=AKID/x') }),
    ).toBeUndefined();
    expect(
      claimedAccessKeyId({ authorization: authorization.replace(`Credential=${ACCESS_KEY_ID}`, 'Credential=AK-ID') }),
    ).toBeUndefined();
    expect(claimedAccessKeyId({})).toBeUndefined();
  });
});
