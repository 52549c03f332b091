/**
 * Starts the real `mado server` process (the built CLI) on an ephemeral port (or a fixed one, for
 * restarts that agents must find again) with its own data directory, and gives tests its URL,
 * admin credentials and an @aws-sdk/client-ssm client. With `tls: true` the server serves HTTPS
 * with its self-signed certificate: `fingerprint` and `caPem` describe it and `client()` trusts it.
 * The e2e and browser projects serve HTTPS by default (vitest.config.ts provides `serverTls`), so
 * their clients trust the certificate the way users do: the SDK and raw requests by its PEM, the
 * AWS CLI with `--ca-bundle`, the mado CLI with NODE_EXTRA_CA_CERTS, agents by its fingerprint.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent as HttpsAgent } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SSMClient } from '@aws-sdk/client-ssm';
import { inject } from 'vitest';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
export const MADO_BIN = join(REPO_ROOT, 'bin', 'mado.js');

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export const ADMIN: Credentials = {
  accessKeyId: 'AKIATESTADMIN0000001',
  secretAccessKey: 'test-admin-secret-key-0123456789abcdef',
};

declare module 'vitest' {
  export interface ProvidedContext {
    /** Servers of this project serve HTTPS unless a test says otherwise (`StartOptions.tls`). */
    readonly serverTls?: boolean;
  }
}

/** Where a client reaches the server, and what it trusts there over HTTPS. */
export interface Endpoint {
  readonly url: string;
  /** The server's self-signed certificate (PEM); undefined over plain HTTP. */
  readonly caPem?: string | undefined;
  /** A file holding `caPem` (for `--ca-bundle`, NODE_EXTRA_CA_CERTS); undefined over plain HTTP. */
  readonly caFile?: string | undefined;
}

export interface ServerProcess extends Endpoint {
  /** The banner's URL, a wildcard host (`--host 0.0.0.0`) replaced by 127.0.0.1. */
  readonly url: string;
  readonly dataDir: string;
  /** The banner's `Fingerprint:` (`SHA256:…`); undefined over plain HTTP. */
  readonly fingerprint: string | undefined;
  /** The self-signed certificate (PEM) in the data directory at start; undefined over plain HTTP. */
  readonly caPem: string | undefined;
  /** The certificate file in the data directory; undefined over plain HTTP. */
  readonly caFile: string | undefined;
  readonly process: ChildProcessWithoutNullStreams;
  /** Everything the process printed so far. */
  output(): string;
  /**
   * An SDK client signed with `credentials` (default: the admin key) in `region` (default
   * us-east-1, the server's default MADO_REGION); over HTTPS it trusts the
   * data directory's certificate as it is when called (a rotated one included).
   */
  client(credentials?: Credentials, region?: string): SSMClient;
  /**
   * The environment by which `mado` CLI commands reach this server signed with `credentials`
   * (default: the admin key), trusting its certificate over HTTPS (NODE_EXTRA_CA_CERTS).
   */
  cliEnv(credentials?: Credentials): Record<string, string>;
  /** SIGTERM and wait for exit; returns the exit code. */
  stop(): Promise<number | null>;
  /** Stops the server and removes its data directory. */
  dispose(): Promise<void>;
}

export interface StartOptions {
  /** Reuse a data directory (for restart tests); a new temporary one otherwise. */
  readonly dataDir?: string;
  readonly env?: Record<string, string>;
  readonly args?: readonly string[];
  /**
   * Listen on this port (default 0: an ephemeral one). A server restarted on the same data
   * directory must keep its port for registered agents, which know it by URL, to reconnect.
   */
  readonly port?: number;
  /** Set the admin key through the environment (default true). */
  readonly adminFromEnv?: boolean;
  /**
   * Pass `--tls`: HTTPS with the self-signed certificate of the data directory. Default: the
   * project's `serverTls` (true in the e2e and browser projects, false elsewhere).
   */
  readonly tls?: boolean;
}

/** Where `mado server` keeps its self-signed certificate in a data directory. */
export function selfSignedCertPath(dataDir: string): string {
  return join(dataDir, 'tls', 'cert.pem');
}

/** A TCP port on 127.0.0.1 that was free a moment ago (for `StartOptions.port`). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolveListen, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => resolveListen());
  });
  const address = probe.address();
  await new Promise<void>((resolveClose) => probe.close(() => resolveClose()));
  if (address === null || typeof address === 'string') {
    throw new Error('could not read the probe port');
  }
  return address.port;
}

export async function startServerProcess(options: StartOptions = {}): Promise<ServerProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'mado-test-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? tmpdir(),
    MADO_LOG_LEVEL: 'warn',
    ...(options.adminFromEnv === false
      ? {}
      : { MADO_ADMIN_ACCESS_KEY_ID: ADMIN.accessKeyId, MADO_ADMIN_SECRET_ACCESS_KEY: ADMIN.secretAccessKey }),
    ...options.env,
  };
  const child = spawn(
    process.execPath,
    [
      MADO_BIN,
      'server',
      '--port',
      String(options.port ?? 0),
      '--data-dir',
      dataDir,
      ...((options.tls ?? inject('serverTls') ?? false) ? ['--tls'] : []),
      ...(options.args ?? []),
    ],
    { env, stdio: 'pipe' },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const bannerUrl = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 20 s:\n${output}`)), 20_000);
    const check = () => {
      const match = /API: +(https?:\/\/\S+)/.exec(output);
      if (match && (!match[1]!.startsWith('https:') || /Fingerprint: +SHA256:\S+/.test(output))) {
        clearTimeout(timer);
        resolveUrl(match[1]!);
      }
    };
    child.stdout.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before starting:\n${output}`));
    });
  });
  const exited = new Promise<number | null>((resolveExit) => {
    if (child.exitCode !== null) {
      resolveExit(child.exitCode);
    }
    child.on('exit', (code) => resolveExit(code));
  });
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
    }
    return exited;
  };
  const url = bannerUrl.replace(
    /^(https?:\/\/)(?:0\.0\.0\.0|\[::\])(:\d+)$/,
    (_all, scheme: string, port: string) => `${scheme}127.0.0.1${port}`,
  );
  const fingerprint = /Fingerprint: +(SHA256:\S+)/.exec(output)?.[1];
  const certPath = selfSignedCertPath(dataDir);
  const overTls = url.startsWith('https:') && existsSync(certPath);
  const caPem = overTls ? readFileSync(certPath, 'utf8') : undefined;
  return {
    url,
    dataDir,
    fingerprint,
    caPem,
    caFile: overTls ? certPath : undefined,
    process: child,
    output: () => output,
    client: (credentials = ADMIN, region = 'us-east-1') =>
      new SSMClient({
        endpoint: url,
        region,
        credentials,
        maxAttempts: 1,
        ...(caPem === undefined
          ? {}
          : { requestHandler: { httpsAgent: new HttpsAgent({ ca: readFileSync(certPath, 'utf8') }) } }),
      }),
    cliEnv: (credentials = ADMIN) => ({
      MADO_ENDPOINT_URL: url,
      MADO_ACCESS_KEY_ID: credentials.accessKeyId,
      MADO_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      ...(overTls ? { NODE_EXTRA_CA_CERTS: certPath } : {}),
    }),
    stop,
    dispose: async () => {
      await stop();
      if (options.dataDir === undefined) {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}
