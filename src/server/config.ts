/**
 * Server configuration, read once from flags and environment, validated, and frozen. Nothing
 * else in the server reads `process.env`.
 *
 * Precedence: command-line flag > environment variable > default.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GatewayLimits } from '../dispatcher/gateway-limits.js';
import { DEFAULT_QUOTAS, type Quotas } from '../services/service-context.js';
import { parsePostgresUrl } from '../store/postgres/postgres-store.js';
import { SQLITE_SYNCHRONOUS_MODES, type SqliteSynchronous } from '../store/sqlite/sqlite-store.js';
import { loadGatewayLimits, loadHttpLimits, type HttpLimits } from './config-limits.js';
import { loadTlsConfig, type ServerTlsConfig, type TlsFlags } from './config-tls.js';
import { loadSecretsConfig, type SecretsConfig, type SecretsFlags } from './config-secrets.js';
import { loadUploadLimits, type UploadLimits } from './config-uploads.js';
import { ConfigError, EnvReader, integer } from './config-values.js';

export { ConfigError } from './config-values.js';
export type { HttpLimits } from './config-limits.js';
export { loadTlsConfig, type ServerTlsConfig } from './config-tls.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /**
   * The PostgreSQL store (`--database-url` / MADO_DATABASE_URL, `postgres://…`); when absent,
   * the embedded SQLite store in the data directory.
   */
  readonly databaseUrl?: string;
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
  /** Upload limits: file size, archive entries, unpacked size, decompression ratio (config-uploads.ts). */
  readonly uploads: UploadLimits;
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
  // Secrets at rest (issue #10): the master key file and the admin credentials file.
  readonly secrets: SecretsConfig;
}

/** Flags as parsed by the CLI (all optional strings/booleans). */
export interface ServerFlags extends TlsFlags, SecretsFlags {
  readonly host?: string;
  readonly port?: string;
  readonly dataDir?: string;
  readonly databaseUrl?: string;
  readonly logLevel?: string;
  readonly basePath?: string;
  readonly insecureDisableAuth?: boolean;
  readonly maxClockSkewSeconds?: string;
  readonly allowAnyRegion?: boolean;
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

/** @throws ConfigError naming the flag or variable at fault. */
export function loadServerConfig(flags: ServerFlags, environment: NodeJS.ProcessEnv): ServerConfig {
  const env = new EnvReader(environment);
  const port = integer(
    flags.port ?? environment.MADO_PORT ?? DEFAULTS.port,
    flags.port ? '--port' : 'MADO_PORT',
    0,
    65535,
  );
  const logLevel = (flags.logLevel ?? environment.MADO_LOG_LEVEL ?? DEFAULTS.logLevel) as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`--log-level / MADO_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; got "${logLevel}".`);
  }
  const basePath = flags.basePath ?? environment.MADO_BASE_PATH ?? DEFAULTS.basePath;
  if (!basePath.startsWith('/')) {
    throw new ConfigError(`--base-path / MADO_BASE_PATH must start with "/"; got "${basePath}".`);
  }
  const skewSeconds = integer(
    flags.maxClockSkewSeconds ?? environment.MADO_MAX_CLOCK_SKEW_SECONDS ?? DEFAULTS.maxClockSkewSeconds,
    '--max-clock-skew-seconds / MADO_MAX_CLOCK_SKEW_SECONDS',
    1,
    86_400,
  );
  // SigV4 credential scope region.
  const defaultRegion = environment.MADO_REGION ?? DEFAULTS.defaultRegion;
  if (!/^[a-z0-9-]+$/.test(defaultRegion)) {
    throw new ConfigError(`MADO_REGION must be a region name such as us-east-1; got "${defaultRegion}".`);
  }
  const quota = (name: string, fallback: number) => env.integer(name, fallback, 1, 10_000_000);
  const host = flags.host ?? environment.MADO_HOST ?? DEFAULTS.host;
  const agentBundle = env.text('MADO_AGENT_BUNDLE');
  const dataDir = resolve(flags.dataDir ?? environment.MADO_DATA_DIR ?? DEFAULTS.dataDir);
  const databaseUrl = loadDatabaseUrl(flags.databaseUrl ?? env.text('MADO_DATABASE_URL'));
  return Object.freeze({
    host,
    port,
    dataDir,
    ...(databaseUrl === undefined ? {} : { databaseUrl }),
    logLevel,
    basePath: basePath.replace(/\/+$/, '') || '/',
    authEnabled: !(flags.insecureDisableAuth ?? false),
    maxClockSkewMs: skewSeconds * 1000,
    adminKey: loadAdminKey(environment),
    quotas: Object.freeze({
      maintenanceWindows: quota('MADO_QUOTA_MAINTENANCE_WINDOWS', DEFAULT_QUOTAS.maintenanceWindows),
      targetsPerWindow: quota('MADO_QUOTA_TARGETS_PER_WINDOW', DEFAULT_QUOTAS.targetsPerWindow),
      tasksPerWindow: quota('MADO_QUOTA_TASKS_PER_WINDOW', DEFAULT_QUOTAS.tasksPerWindow),
      documents: quota('MADO_QUOTA_DOCUMENTS', DEFAULT_QUOTAS.documents),
      versionsPerDocument: quota('MADO_QUOTA_VERSIONS_PER_DOCUMENT', DEFAULT_QUOTAS.versionsPerDocument),
    }),
    accountId: environment.MADO_ACCOUNT_ID ?? DEFAULTS.accountId,
    defaultRegion,
    maxBodyBytes: 1024 * 1024,
    uploads: loadUploadLimits(env),
    agentBundlePath: agentBundle === undefined ? defaultAgentBundlePath() : resolve(agentBundle),
    agentHeartbeatMs: env.milliseconds('MADO_AGENT_HEARTBEAT_SECONDS', 30, 1, 3600),
    outputCapBytes: env.integer('MADO_OUTPUT_CAP_BYTES', 1024 * 1024, 24_000, 64 * 1024 * 1024),
    historyRetentionMs: env.days('MADO_HISTORY_RETENTION_DAYS', 30, 3650),
    maxConcurrentExecutions: env.integer('MADO_MAX_CONCURRENT_EXECUTIONS', 5, 1, 10_000),
    sqliteSynchronous: sqliteSynchronous(environment.MADO_SQLITE_SYNCHRONOUS),
    tls: loadTlsConfig(flags, environment, host),
    allowAnyRegion: (flags.allowAnyRegion ?? false) || env.flag('MADO_ALLOW_ANY_REGION'),
    httpLimits: loadHttpLimits(env),
    auditRetentionMs: env.days('MADO_AUDIT_RETENTION_DAYS', 90, 3650),
    gatewayHelloTimeoutMs: env.milliseconds('MADO_GATEWAY_HELLO_TIMEOUT_SECONDS', 10, 1, 600),
    gatewayLimits: loadGatewayLimits(env),
    secrets: loadSecretsConfig(flags, environment, dataDir),
  });
}

/** A PostgreSQL URL checked now, so that a typo stops the server before it listens. */
function loadDatabaseUrl(url: string | undefined): string | undefined {
  if (url === undefined) {
    return undefined;
  }
  try {
    parsePostgresUrl(url);
  } catch (error) {
    throw new ConfigError(
      `--database-url / MADO_DATABASE_URL: ${(error as Error).message.replace(/^database URL: /, '')}`,
    );
  }
  return url;
}

/** The bootstrap admin key given in MADO_ADMIN_ACCESS_KEY_ID / MADO_ADMIN_SECRET_ACCESS_KEY, if any. */
function loadAdminKey(env: NodeJS.ProcessEnv): ServerConfig['adminKey'] {
  const accessKeyId = env.MADO_ADMIN_ACCESS_KEY_ID;
  const secretAccessKey = env.MADO_ADMIN_SECRET_ACCESS_KEY;
  if (accessKeyId === undefined && secretAccessKey === undefined) {
    return undefined;
  }
  if (accessKeyId === undefined || secretAccessKey === undefined) {
    throw new ConfigError('Set both MADO_ADMIN_ACCESS_KEY_ID and MADO_ADMIN_SECRET_ACCESS_KEY, or neither.');
  }
  if (!/^[A-Za-z0-9]{16,128}$/.test(accessKeyId)) {
    throw new ConfigError('MADO_ADMIN_ACCESS_KEY_ID must be 16 to 128 letters and digits.');
  }
  if (secretAccessKey.length < 16) {
    throw new ConfigError('MADO_ADMIN_SECRET_ACCESS_KEY must be at least 16 characters.');
  }
  return { accessKeyId, secretAccessKey };
}
