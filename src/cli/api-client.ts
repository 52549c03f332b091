/**
 * A minimal signed client of Mado's API for the CLI: JSON 1.1 over HTTP (and the binary form of
 * the upload operations, see docs/packages.md), SigV4 with the caller's access key, SSM's error shape turned into an ApiError. The CLI reaches the server
 * only through this, as any SSM client does.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export interface ClientSettings {
  readonly endpoint: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly type: string,
    message: string,
    readonly httpStatus: number,
  ) {
    super(`${type}: ${message}`);
  }
}

/**
 * Settings from the environment: MADO_ENDPOINT_URL (default http://127.0.0.1:8080),
 * MADO_ACCESS_KEY_ID / MADO_SECRET_ACCESS_KEY or the AWS_* equivalents, AWS_REGION.
 */
export function clientSettingsFrom(options: { endpointUrl?: string }, env: NodeJS.ProcessEnv): ClientSettings {
  const accessKeyId = env.MADO_ACCESS_KEY_ID ?? env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.MADO_SECRET_ACCESS_KEY ?? env.AWS_SECRET_ACCESS_KEY;
  if (accessKeyId === undefined || secretAccessKey === undefined) {
    throw new Error(
      'No credentials: set MADO_ACCESS_KEY_ID and MADO_SECRET_ACCESS_KEY (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY).',
    );
  }
  return {
    endpoint: options.endpointUrl ?? env.MADO_ENDPOINT_URL ?? 'http://127.0.0.1:8080',
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    accessKeyId,
    secretAccessKey,
  };
}

export class ApiClient {
  private readonly signer: SignatureV4;
  private readonly url: URL;

  constructor(private readonly settings: ClientSettings) {
    this.url = new URL(settings.endpoint);
    this.signer = new SignatureV4({
      service: 'ssm',
      region: settings.region,
      credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
      sha256: Hash.bind(null, 'sha256'),
    });
  }

  /** Calls `target` (e.g. `Mado.ListAccessKeys`, `AmazonSSM.GetMaintenanceWindow`). */
  async call<T = Record<string, unknown>>(target: string, input: Record<string, unknown> = {}): Promise<T> {
    const body = JSON.stringify(input);
    return this.send<T>({ 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target }, body, body);
  }

  /**
   * Calls an upload operation (`Mado.PublishPackage`, `Mado.PublishAgentRelease`) in the binary
   * form: the file at `path` is the body, streamed from disk (read once before, to hash it), and
   * `parameters` (the other members) travel in the signed `x-mado-parameters` header.
   */
  async upload<T = Record<string, unknown>>(
    target: string,
    parameters: Record<string, unknown>,
    path: string,
  ): Promise<T> {
    const { size } = await stat(path);
    const sha256 = await sha256OfFile(path);
    const headers = {
      'content-type': 'application/octet-stream',
      'content-length': String(size),
      'x-amz-target': target,
      // The signer takes the payload hash from this header; the server checks the body against it.
      'x-amz-content-sha256': sha256,
      'x-mado-parameters': Buffer.from(JSON.stringify(parameters), 'utf8').toString('base64url'),
    };
    return this.send<T>(headers, undefined, createReadStream(path, { highWaterMark: 256 * 1024 }));
  }

  /** Signs (over `signedBody` when given, else over the declared hash) and sends one request. */
  private async send<T>(
    extraHeaders: Record<string, string>,
    signedBody: string | undefined,
    body: string | Readable,
  ): Promise<T> {
    const path = this.url.pathname === '' ? '/' : this.url.pathname;
    const signed = await this.signer.sign(
      new HttpRequest({
        method: 'POST',
        protocol: this.url.protocol,
        hostname: this.url.hostname,
        port: this.url.port === '' ? undefined : Number(this.url.port),
        path,
        headers: { host: this.url.host, ...extraHeaders },
        body: signedBody,
      }),
    );
    const { host: _host, ...headers } = signed.headers;
    let response: Response;
    try {
      response = await fetch(new URL(path, this.url), {
        method: 'POST',
        headers,
        body: body as unknown as string,
        ...(typeof body === 'string' ? {} : { duplex: 'half' }),
      } as RequestInit);
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      throw new Error(
        `Cannot reach the Mado server at ${this.settings.endpoint} (${cause}); is it running? Set --endpoint-url or MADO_ENDPOINT_URL.`,
        { cause: error },
      );
    }
    const text = await response.text();
    const parsed = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
    if (!response.ok) {
      throw new ApiError(String(parsed.__type ?? 'Error'), String(parsed.message ?? text), response.status);
    }
    return parsed as T;
  }
}

/** Lower-case hex SHA-256 of a file, read as a stream. */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 })) {
    hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}
