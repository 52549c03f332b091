/**
 * The limits that hold before a request or an agent is authenticated (issue #10): HTTP timeouts
 * and per-IP limits (enforced by connection-guard.ts and http-limits.ts) and the agent gateway's
 * limits (src/dispatcher/gateway-limits.ts), read from MADO_* variables.
 */
import { DEFAULT_GATEWAY_LIMITS, type GatewayLimits } from '../dispatcher/gateway-limits.js';
import { MAX_FRAME_BYTES } from '../protocol/agent-protocol.js';
import { ConfigError, type EnvReader } from './config-values.js';

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

/** The HTTP limits from MADO_* variables. */
export function loadHttpLimits(env: EnvReader): HttpLimits {
  const headersTimeoutMs = env.milliseconds('MADO_HEADERS_TIMEOUT_SECONDS', 10, 1, 3600);
  const requestTimeoutMs = env.milliseconds('MADO_REQUEST_TIMEOUT_SECONDS', 300, 1, 86_400);
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError('MADO_HEADERS_TIMEOUT_SECONDS must not exceed MADO_REQUEST_TIMEOUT_SECONDS.');
  }
  return Object.freeze({
    headersTimeoutMs,
    requestTimeoutMs,
    bodyTimeoutMs: env.milliseconds('MADO_BODY_TIMEOUT_SECONDS', 30, 1, 3600),
    minBodyBytesPerSecond: env.integer('MADO_MIN_BODY_BYTES_PER_SECOND', 1024, 1, 1024 ** 3),
    idleTimeoutMs: env.milliseconds('MADO_IDLE_TIMEOUT_SECONDS', 120, 1, 86_400),
    maxHeaderBytes: 16 * 1024,
    maxUnauthenticatedConnectionsPerIp: env.integer('MADO_MAX_UNAUTHENTICATED_CONNECTIONS_PER_IP', 64, 1, 1_000_000),
    maxAuthFailuresPerMinute: env.integer('MADO_MAX_AUTH_FAILURES_PER_MINUTE', 20, 1, 1_000_000),
  });
}

/** The agent gateway's limits from MADO_GATEWAY_* (defaults: DEFAULT_GATEWAY_LIMITS). */
export function loadGatewayLimits(env: EnvReader): GatewayLimits {
  const d = DEFAULT_GATEWAY_LIMITS;
  const limits: GatewayLimits = {
    preAuthBytes: env.integer('MADO_GATEWAY_PREAUTH_BYTES', d.preAuthBytes, 4096, 1024 * 1024),
    maxPendingPerIp: env.integer('MADO_GATEWAY_MAX_PENDING_PER_IP', d.maxPendingPerIp, 1, 100_000),
    maxPending: env.integer('MADO_GATEWAY_MAX_PENDING', d.maxPending, 1, 1_000_000),
    sendHighWaterBytes: env.integer('MADO_GATEWAY_SEND_HIGH_WATER_BYTES', d.sendHighWaterBytes, 64 * 1024, 1024 ** 3),
    sendMaxBytes: env.integer('MADO_GATEWAY_SEND_MAX_BYTES', d.sendMaxBytes, 1024 * 1024, 4 * 1024 ** 3),
    sendStallMs: env.milliseconds('MADO_GATEWAY_SEND_STALL_SECONDS', d.sendStallMs / 1000, 1, 3600),
    maxRequestsPerNode: env.integer('MADO_GATEWAY_MAX_REQUESTS_PER_NODE', d.maxRequestsPerNode, 1, 1000),
  };
  // An answer is queued once at most the high-water mark is; the largest frame must then fit.
  if (limits.sendMaxBytes < limits.sendHighWaterBytes + MAX_FRAME_BYTES) {
    throw new ConfigError(
      `MADO_GATEWAY_SEND_MAX_BYTES (${limits.sendMaxBytes}) must be at least MADO_GATEWAY_SEND_HIGH_WATER_BYTES (${limits.sendHighWaterBytes}) plus the largest frame (${MAX_FRAME_BYTES}).`,
    );
  }
  return Object.freeze(limits);
}
