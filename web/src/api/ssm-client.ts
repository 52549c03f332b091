/**
 * The console's SSM client: JSON 1.1 over `POST /` with `X-Amz-Target: AmazonSSM.<Op>`, signed
 * with SigV4 (service `ssm`, the server's region from console-settings.ts) in the browser, exactly
 * as the AWS SDKs call the server. Nothing private: the console can do only what any SSM client can.
 *
 * Signed headers: host, x-amz-date, x-amz-target and content-type. The browser sets `Host`
 * itself (from the page's address, which is also the API's), so the signature covers it without
 * the code setting it.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { consoleSettings } from './console-settings.js';
import type { Credentials } from './session.js';

/** An error answered by the API: its SSM `__type` and its own message. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly type: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export class SsmClient {
  private signerInstance: Promise<SignatureV4> | undefined;
  private readonly endpoint: URL;

  /** `endpoint`: the API's base URL; by default the server that served the console. */
  constructor(
    readonly credentials: Credentials,
    endpoint: string = new URL('/', window.location.href).href,
  ) {
    this.endpoint = new URL(endpoint);
  }

  /** The signer, once the server has told the region its signatures must name. */
  private signer(): Promise<SignatureV4> {
    this.signerInstance ??= consoleSettings(this.endpoint.href).then(
      ({ region }) =>
        new SignatureV4({
          credentials: { accessKeyId: this.credentials.accessKeyId, secretAccessKey: this.credentials.secretAccessKey },
          region,
          service: 'ssm',
          sha256: Sha256,
        }),
      (error: unknown) => {
        this.signerInstance = undefined;
        throw new ApiError('NetworkError', `The server's settings could not be read: ${String(error)}`, 0);
      },
    );
    return this.signerInstance;
  }

  /**
   * Calls `operation` (e.g. `DescribeMaintenanceWindows`, or `Mado.ListPackages` for Mado's own).
   * @throws ApiError with the API's `__type` and message when it refuses.
   */
  async call<T>(operation: string, input: object = {}): Promise<T> {
    const body = JSON.stringify(input);
    const target = operation.includes('.') ? operation : `AmazonSSM.${operation}`;
    const signer = await this.signer();
    const signed = await signer.sign({
      method: 'POST',
      protocol: this.endpoint.protocol,
      hostname: this.endpoint.hostname,
      port: this.endpoint.port === '' ? undefined : Number(this.endpoint.port),
      path: this.endpoint.pathname,
      query: {},
      headers: {
        host: this.endpoint.host,
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': target,
      },
      body,
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(signed.headers)) {
      // The browser sets Host itself and refuses to be told.
      if (name.toLowerCase() !== 'host') {
        headers.set(name, value);
      }
    }
    let response: Response;
    try {
      response = await fetch(this.endpoint, { method: 'POST', headers, body });
    } catch (error) {
      throw new ApiError('NetworkError', `The server could not be reached: ${String(error)}`, 0);
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? {} : JSON.parse(text);
    } catch {
      throw new ApiError(
        'InternalServerError',
        `The server answered ${response.status} with a body that is not JSON.`,
        response.status,
      );
    }
    if (!response.ok) {
      const error = parsed as { __type?: string; message?: string; Message?: string };
      const type = (response.headers.get('x-amzn-errortype') ?? error.__type ?? 'UnknownError').split(':')[0]!;
      throw new ApiError(
        type.split('#').pop()!,
        error.message ?? error.Message ?? `HTTP ${response.status}`,
        response.status,
      );
    }
    return parsed as T;
  }

  /** Every page of a paginated List/Describe call, concatenated (`NextToken` paging). */
  async callAll<T, K extends keyof T>(operation: string, input: object, member: K): Promise<T[K]> {
    const items: unknown[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.call<T & { NextToken?: string }>(operation, {
        ...input,
        ...(nextToken === undefined ? {} : { NextToken: nextToken }),
      });
      items.push(...((page[member] as unknown[] | undefined) ?? []));
      nextToken = page.NextToken;
    } while (nextToken !== undefined && nextToken !== '');
    return items as T[K];
  }
}

/** The message to show for any failure: the API's own words when it answered. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    return `${error.type}: ${error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}
