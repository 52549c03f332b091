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
  // Agent gateway limits (before and after hello; see src/dispatcher/gateway-limits.ts).
  /** How long a new agent connection may take to send a valid hello (MADO_GATEWAY_HELLO_TIMEOUT_SECONDS). */
  readonly gatewayHelloTimeoutMs: number;
  readonly gatewayLimits: GatewayLimits;
}

/** Flags as parsed by the CLI (all optional strings/booleans). */
export interface ServerFlags {
  readonly host?: string;
  readonly port?: string;
  readonly dataDir?: string;
  readonly logLevel?: string;
  readonly basePath?: string;
  readonly insecureDisableAuth?: boolean;
  readonly maxClockSkewSeconds?: string;
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
  const quota = (name: string, fallback: number) =>
    env[name] === undefined ? fallback : integer(env[name]!, name, 1, 10_000_000);
  return Object.freeze({
    host: flags.host ?? env.MADO_HOST ?? DEFAULTS.host,
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
    defaultRegion: env.MADO_REGION ?? DEFAULTS.defaultRegion,
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
