/**
 * Server configuration, read once from flags and environment, validated, and frozen. Nothing
 * else in the server reads `process.env`.
 *
 * Precedence: command-line flag > environment variable > default.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_QUOTAS, type Quotas } from '../services/service-context.js';
import { SQLITE_SYNCHRONOUS_MODES, type SqliteSynchronous } from '../store/sqlite/sqlite-store.js';
import { isLoopbackHost } from '../shared/fingerprint.js';
import { DEFAULT_GATEWAY_LIMITS, type GatewayLimits } from '../dispatcher/gateway-limits.js';
import { MAX_FRAME_BYTES } from '../protocol/agent-protocol.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly logLevel: LogLevel;
  /** Extra path prefix the API also answers under (e.g. '/ssm'); '/' always works. */
  readonly basePath: string;
  /** When false, requests are not authenticated (development only; loudly warned). */
  readonly authEnabled: boolean;
  readonly maxClockSkewMs: number;
  readonly adminKey?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly quotas: Quotas;
  readonly accountId: string;
  readonly defaultRegion: string;
  readonly maxBodyBytes: number;
  /**
   * Body limit of the operations that upload files (Mado.PublishAgentRelease, Mado.PublishPackage):
   * base64 of 32 MiB.
   */
  readonly maxUploadBodyBytes: number;
  /**
   * The agent bundle this server publishes as a release at start (MADO_AGENT_BUNDLE; default
   * `mado-agent.cjs` next to the compiled server, i.e. dist/mado-agent.cjs); none when absent.
   */
  readonly agentBundlePath: string | undefined;
  /** How often agents send heartbeats; a node is Online within twice this. */
  readonly agentHeartbeatMs: number;
  /** Output kept per stream per step of an invocation. */
  readonly outputCapBytes: number;
  /** Window executions and commands are kept this long after they end (spec §6.11). */
  readonly historyRetentionMs: number;
  /** Window executions IN_PROGRESS at once; more wait as PENDING (spec §6.10). */
  readonly maxConcurrentExecutions: number;
  /** Durability of SQLite commits (MADO_SQLITE_SYNCHRONOUS; default FULL). */
  readonly sqliteSynchronous: SqliteSynchronous;
  // TLS (issue #10): how the API, console and agent gateway are served.
  readonly tls: ServerTlsConfig;
  // SigV4 credential scope: a signature must name `defaultRegion` unless any region is allowed.
  /** Accept a credential scope naming any region (--allow-any-region / MADO_ALLOW_ANY_REGION). */
  readonly allowAnyRegion: boolean;
  /** HTTP limits that apply before a request is authenticated (timeouts, per-IP limits). */
  readonly httpLimits: HttpLimits;
  // Audit log (issue #10, item 11)
  /** Audit entries are kept this long (MADO_AUDIT_RETENTION_DAYS, default 90). */
  readonly auditRetentionMs: number;
  // Agent gateway limits (before and after hello; see src/dispatcher/gateway-limits.ts).
  /** How long a new agent connection may take to send a valid hello (MADO_GATEWAY_HELLO_TIMEOUT_SECONDS). */
  readonly gatewayHelloTimeoutMs: number;
  readonly gatewayLimits: GatewayLimits;
}

/** HTTP limits before authentication: timeouts and per-IP limits (see connection-guard.ts). */
export interface HttpLimits {
  /** MADO_HEADERS_TIMEOUT_SECONDS: a request's headers must arrive within this (Node `headersTimeout`). */
  readonly headersTimeoutMs: number;
  /** MADO_REQUEST_TIMEOUT_SECONDS: a whole request must arrive within this (Node `requestTimeout`). */
  readonly requestTimeoutMs: number;
  /** MADO_BODY_TIMEOUT_SECONDS: a body still arriving must bring `minBodyBytesPerSecond` per such period. */
  readonly bodyTimeoutMs: number;
  /** MADO_MIN_BODY_BYTES_PER_SECOND. */
  readonly minBodyBytesPerSecond: number;
  /** MADO_IDLE_TIMEOUT_SECONDS: a connection with no traffic for this long is closed. */
  readonly idleTimeoutMs: number;
  /** Request headers larger than this are refused (Node `maxHeaderSize`). */
  readonly maxHeaderBytes: number;
  /** MADO_MAX_UNAUTHENTICATED_CONNECTIONS_PER_IP: open connections per IP without a verified request. */
  readonly maxUnauthenticatedConnectionsPerIp: number;
  /** MADO_MAX_AUTH_FAILURES_PER_MINUTE: failed signatures per IP before ThrottlingException. */
  readonly maxAuthFailuresPerMinute: number;
}

/** The HTTP limits from the environment (issue #10: limits before authentication). */
function loadHttpLimits(env: NodeJS.ProcessEnv): HttpLimits {
  const seconds = (name: string, fallback: number, max: number) =>
    integer(env[name] ?? String(fallback), name, 1, max) * 1000;
  const headersTimeoutMs = seconds('MADO_HEADERS_TIMEOUT_SECONDS', 10, 3600);
  const requestTimeoutMs = seconds('MADO_REQUEST_TIMEOUT_SECONDS', 300, 86_400);
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError('MADO_HEADERS_TIMEOUT_SECONDS must not exceed MADO_REQUEST_TIMEOUT_SECONDS.');
  }
  return Object.freeze({
    headersTimeoutMs,
    requestTimeoutMs,
    bodyTimeoutMs: seconds('MADO_BODY_TIMEOUT_SECONDS', 30, 3600),
    minBodyBytesPerSecond: integer(
      env.MADO_MIN_BODY_BYTES_PER_SECOND ?? '1024',
      'MADO_MIN_BODY_BYTES_PER_SECOND',
      1,
      1024 * 1024 * 1024,
    ),
    idleTimeoutMs: seconds('MADO_IDLE_TIMEOUT_SECONDS', 120, 86_400),
    maxHeaderBytes: 16 * 1024,
    maxUnauthenticatedConnectionsPerIp: integer(
      env.MADO_MAX_UNAUTHENTICATED_CONNECTIONS_PER_IP ?? '64',
      'MADO_MAX_UNAUTHENTICATED_CONNECTIONS_PER_IP',
      1,
      1_000_000,
    ),
    maxAuthFailuresPerMinute: integer(
      env.MADO_MAX_AUTH_FAILURES_PER_MINUTE ?? '20',
      'MADO_MAX_AUTH_FAILURES_PER_MINUTE',
      1,
      1_000_000,
    ),
  });
}

/**
 * `off`: plain HTTP. `files`: the operator's certificate and key. `self-signed`: one the server
 * makes in its data directory. `nextCertPath`: the certificate announced to agents for rotation.
 */
export type ServerTlsConfig =
  | { readonly mode: 'off'; readonly insecureHttp: boolean }
  | { readonly mode: 'files'; readonly certPath: string; readonly keyPath: string; readonly nextCertPath?: string }
  | { readonly mode: 'self-signed'; readonly sans: readonly string[]; readonly nextCertPath?: string };

/** Flags as parsed by the CLI (all optional strings/booleans). */
export interface ServerFlags {
  readonly host?: string;
  readonly port?: string;
  readonly dataDir?: string;
  readonly logLevel?: string;
  readonly basePath?: string;
  readonly insecureDisableAuth?: boolean;
  readonly maxClockSkewSeconds?: string;
  // TLS (issue #10)
  readonly tls?: boolean;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly tlsSan?: readonly string[];
  readonly tlsNextCert?: string;
  readonly insecureHttp?: boolean;
  readonly allowAnyRegion?: boolean;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function integer(value: string, name: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}; got "${value}".`);
  }
  return Number(value);
}

const DEFAULTS = {
  host: '127.0.0.1',
  port: '8080',
  dataDir: './data',
  logLevel: 'info',
  basePath: '/',
  maxClockSkewSeconds: '300',
  accountId: '123456789012',
  defaultRegion: 'us-east-1',
} as const;

/** dist/mado-agent.cjs when this module runs compiled from dist/server/. */
function defaultAgentBundlePath(): string | undefined {
  const path = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'mado-agent.cjs');
  return existsSync(path) ? path : undefined;
}

function sqliteSynchronous(value: string | undefined): SqliteSynchronous {
  const mode = (value ?? 'FULL').toUpperCase();
  if (!(SQLITE_SYNCHRONOUS_MODES as readonly string[]).includes(mode)) {
    throw new ConfigError(
      `MADO_SQLITE_SYNCHRONOUS must be one of ${SQLITE_SYNCHRONOUS_MODES.join(', ')}; got "${value}".`,
    );
  }
  return mode as SqliteSynchronous;
}

/**
 * TLS (issue #10): on a loopback host plain HTTP unless `--tls` or a certificate is given; on any
 * other host TLS (given or self-signed) unless `--insecure-http`.
 */
export function loadTlsConfig(flags: ServerFlags, env: NodeJS.ProcessEnv, host: string): ServerTlsConfig {
  const certPath = flags.tlsCert ?? (env.MADO_TLS_CERT || undefined);
  const keyPath = flags.tlsKey ?? (env.MADO_TLS_KEY || undefined);
  const nextCert = flags.tlsNextCert ?? (env.MADO_TLS_NEXT_CERT || undefined);
  const nextCertPath = nextCert === undefined ? {} : { nextCertPath: resolve(nextCert) };
  const insecureHttp = flags.insecureHttp ?? env.MADO_INSECURE_HTTP === 'true';
  if ((certPath === undefined) !== (keyPath === undefined)) {
    throw new ConfigError('Give both --tls-cert / MADO_TLS_CERT and --tls-key / MADO_TLS_KEY, or neither.');
  }
  if (insecureHttp && (certPath !== undefined || flags.tls === true)) {
    throw new ConfigError('--insecure-http / MADO_INSECURE_HTTP cannot be combined with --tls or --tls-cert.');
  }
  if (certPath !== undefined && keyPath !== undefined) {
    return { mode: 'files', certPath: resolve(certPath), keyPath: resolve(keyPath), ...nextCertPath };
  }
  if (flags.tls === true || env.MADO_TLS === 'true' || (!isLoopbackHost(host) && !insecureHttp)) {
    const sans = [...(flags.tlsSan ?? []), ...(env.MADO_TLS_SANS ?? '').split(',')]
      .map((name) => name.trim())
      .filter((name) => name !== '');
    return { mode: 'self-signed', sans, ...nextCertPath };
  }
  return { mode: 'off', insecureHttp };
}

/** @throws ConfigError naming the flag or variable at fault. */
export function loadServerConfig(flags: ServerFlags, env: NodeJS.ProcessEnv): ServerConfig {
  const port = integer(flags.port ?? env.MADO_PORT ?? DEFAULTS.port, flags.port ? '--port' : 'MADO_PORT', 0, 65535);
  const logLevel = (flags.logLevel ?? env.MADO_LOG_LEVEL ?? DEFAULTS.logLevel) as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`--log-level / MADO_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; got "${logLevel}".`);
  }
  const basePath = flags.basePath ?? env.MADO_BASE_PATH ?? DEFAULTS.basePath;
  if (!basePath.startsWith('/')) {
    throw new ConfigError(`--base-path / MADO_BASE_PATH must start with "/"; got "${basePath}".`);
  }
  const accessKeyId = env.MADO_ADMIN_ACCESS_KEY_ID;
  const secretAccessKey = env.MADO_ADMIN_SECRET_ACCESS_KEY;
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw new ConfigError('Set both MADO_ADMIN_ACCESS_KEY_ID and MADO_ADMIN_SECRET_ACCESS_KEY, or neither.');
  }
  if (accessKeyId !== undefined && !/^[A-Za-z0-9]{16,128}$/.test(accessKeyId)) {
    throw new ConfigError('MADO_ADMIN_ACCESS_KEY_ID must be 16 to 128 letters and digits.');
  }
  if (secretAccessKey !== undefined && secretAccessKey.length < 16) {
    throw new ConfigError('MADO_ADMIN_SECRET_ACCESS_KEY must be at least 16 characters.');
  }
  const skewSeconds = integer(
    flags.maxClockSkewSeconds ?? env.MADO_MAX_CLOCK_SKEW_SECONDS ?? DEFAULTS.maxClockSkewSeconds,
    '--max-clock-skew-seconds / MADO_MAX_CLOCK_SKEW_SECONDS',
    1,
    86_400,
  );
  // SigV4 credential scope region.
  const defaultRegion = env.MADO_REGION ?? DEFAULTS.defaultRegion;
  if (!/^[a-z0-9-]+$/.test(defaultRegion)) {
    throw new ConfigError(`MADO_REGION must be a region name such as us-east-1; got "${defaultRegion}".`);
  }
  const allowAnyRegionEnv = env.MADO_ALLOW_ANY_REGION ?? 'false';
  if (allowAnyRegionEnv !== 'true' && allowAnyRegionEnv !== 'false') {
    throw new ConfigError(`MADO_ALLOW_ANY_REGION must be true or false; got "${allowAnyRegionEnv}".`);
  }
  const allowAnyRegion = (flags.allowAnyRegion ?? false) || allowAnyRegionEnv === 'true';
  const quota = (name: string, fallback: number) =>
    env[name] === undefined ? fallback : integer(env[name]!, name, 1, 10_000_000);
  const host = flags.host ?? env.MADO_HOST ?? DEFAULTS.host;
  return Object.freeze({
    host,
    port,
    dataDir: resolve(flags.dataDir ?? env.MADO_DATA_DIR ?? DEFAULTS.dataDir),
    logLevel,
    basePath: basePath.replace(/\/+$/, '') || '/',
    authEnabled: !(flags.insecureDisableAuth ?? false),
    maxClockSkewMs: skewSeconds * 1000,
    adminKey: accessKeyId === undefined ? undefined : { accessKeyId, secretAccessKey: secretAccessKey! },
    quotas: Object.freeze({
      maintenanceWindows: quota('MADO_QUOTA_MAINTENANCE_WINDOWS', DEFAULT_QUOTAS.maintenanceWindows),
      targetsPerWindow: quota('MADO_QUOTA_TARGETS_PER_WINDOW', DEFAULT_QUOTAS.targetsPerWindow),
      tasksPerWindow: quota('MADO_QUOTA_TASKS_PER_WINDOW', DEFAULT_QUOTAS.tasksPerWindow),
      documents: quota('MADO_QUOTA_DOCUMENTS', DEFAULT_QUOTAS.documents),
      versionsPerDocument: quota('MADO_QUOTA_VERSIONS_PER_DOCUMENT', DEFAULT_QUOTAS.versionsPerDocument),
    }),
    accountId: env.MADO_ACCOUNT_ID ?? DEFAULTS.accountId,
    defaultRegion,
    maxBodyBytes: 1024 * 1024,
    maxUploadBodyBytes: Math.ceil((32 * 1024 * 1024) / 3) * 4 + 64 * 1024,
    agentBundlePath:
      env.MADO_AGENT_BUNDLE === undefined || env.MADO_AGENT_BUNDLE === ''
        ? defaultAgentBundlePath()
        : resolve(env.MADO_AGENT_BUNDLE),
    agentHeartbeatMs: integer(env.MADO_AGENT_HEARTBEAT_SECONDS ?? '30', 'MADO_AGENT_HEARTBEAT_SECONDS', 1, 3600) * 1000,
    outputCapBytes: integer(
      env.MADO_OUTPUT_CAP_BYTES ?? String(1024 * 1024),
      'MADO_OUTPUT_CAP_BYTES',
      24_000,
      64 * 1024 * 1024,
    ),
    historyRetentionMs:
      integer(env.MADO_HISTORY_RETENTION_DAYS ?? '30', 'MADO_HISTORY_RETENTION_DAYS', 1, 3650) * 24 * 60 * 60 * 1000,
    maxConcurrentExecutions: integer(
      env.MADO_MAX_CONCURRENT_EXECUTIONS ?? '5',
      'MADO_MAX_CONCURRENT_EXECUTIONS',
      1,
      1000,
    ),
    sqliteSynchronous: sqliteSynchronous(env.MADO_SQLITE_SYNCHRONOUS),
    tls: loadTlsConfig(flags, env, host),
    allowAnyRegion,
    httpLimits: loadHttpLimits(env),
    // Audit log (issue #10, item 11)
    auditRetentionMs:
      integer(env.MADO_AUDIT_RETENTION_DAYS ?? '90', 'MADO_AUDIT_RETENTION_DAYS', 1, 3650) * 24 * 60 * 60 * 1000,
    // Agent gateway limits.
    gatewayHelloTimeoutMs:
      integer(env.MADO_GATEWAY_HELLO_TIMEOUT_SECONDS ?? '10', 'MADO_GATEWAY_HELLO_TIMEOUT_SECONDS', 1, 600) * 1000,
    gatewayLimits: readGatewayLimits(env),
  });
}

/** The agent gateway's limits from MADO_GATEWAY_* (defaults: DEFAULT_GATEWAY_LIMITS). */
function readGatewayLimits(env: NodeJS.ProcessEnv): GatewayLimits {
  const read = (name: string, fallback: number, min: number, max: number) =>
    env[name] === undefined ? fallback : integer(env[name]!, name, min, max);
  const d = DEFAULT_GATEWAY_LIMITS;
  const limits: GatewayLimits = {
    preAuthBytes: read('MADO_GATEWAY_PREAUTH_BYTES', d.preAuthBytes, 4096, 1024 * 1024),
    maxPendingPerIp: read('MADO_GATEWAY_MAX_PENDING_PER_IP', d.maxPendingPerIp, 1, 100_000),
    maxPending: read('MADO_GATEWAY_MAX_PENDING', d.maxPending, 1, 1_000_000),
    sendHighWaterBytes: read('MADO_GATEWAY_SEND_HIGH_WATER_BYTES', d.sendHighWaterBytes, 64 * 1024, 1024 ** 3),
    sendMaxBytes: read('MADO_GATEWAY_SEND_MAX_BYTES', d.sendMaxBytes, 1024 * 1024, 4 * 1024 ** 3),
    sendStallMs: read('MADO_GATEWAY_SEND_STALL_SECONDS', d.sendStallMs / 1000, 1, 3600) * 1000,
    maxRequestsPerNode: read('MADO_GATEWAY_MAX_REQUESTS_PER_NODE', d.maxRequestsPerNode, 1, 1000),
  };
  // An answer is queued once at most the high-water mark is; the largest frame must then fit.
  if (limits.sendMaxBytes < limits.sendHighWaterBytes + MAX_FRAME_BYTES) {
    throw new ConfigError(
      `MADO_GATEWAY_SEND_MAX_BYTES (${limits.sendMaxBytes}) must be at least MADO_GATEWAY_SEND_HIGH_WATER_BYTES (${limits.sendHighWaterBytes}) plus the largest frame (${MAX_FRAME_BYTES}).`,
    );
  }
  return Object.freeze(limits);
}
