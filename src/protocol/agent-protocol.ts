/**
 * The agent protocol, version 1: JSON text frames over one WebSocket per node, at
 * `GET /agent/v1/connect` on the server, plus one HTTP call to register.
 *
 * Registration (once): `POST /agent/v1/register` with `RegisterRequest` (activation id and code,
 * the node's Ed25519 public key, its facts) → `RegisterResponse` (node id). The private key never
 * leaves the node; it is the node's secret.
 *
 * Connection:
 *   server → challenge {nonce}                      (immediately after the upgrade)
 *   agent  → hello {nodeId, signature(nonce), facts, unfinished}
 *   server → welcome {heartbeatIntervalMs}           (or error + close)
 *   agent  ↔ heartbeat                               (every heartbeatIntervalMs)
 *   server → deliver {invocation}                    (repeats are possible: at-least-once)
 *   agent  → accepted {commandId}                    (after journaling it; never runs it twice)
 *   agent  → progress {commandId, step, stdout, stderr} (while a step runs, about once a second
 *                                                    when it has new output: the whole capped
 *                                                    output so far; best effort, never resent)
 *   agent  → result {commandId, outcome, steps}      (repeated until acknowledged)
 *   server → resultAck {commandId}
 *   server → cancel {commandId}
 *   server → pin {nextFingerprint}                   (after welcome and on reload, when the server
 *                                                    has a next certificate for a planned rotation;
 *                                                    the agent accepts it as a second pin)
 *
 * Agent releases (for `aws:updateSsmAgent`; the agent pulls, one request at a time):
 *   agent  → releaseRequest {requestId, version?}    (no version: the latest)
 *   server → release {requestId, release? | error?}  (version, sha256, sizeBytes)
 *   agent  → releaseChunkRequest {requestId, version, offset, length ≤ RELEASE_CHUNK_BYTES}
 *   server → releaseChunk {requestId, version, offset, data (base64) | error?}
 *
 * Packages (for `aws:configurePackage`; the agent pulls, one request at a time):
 *   agent  → packageRequest {requestId, name, version}   (version '': the latest)
 *   server → package {requestId, package? | error?}      (name, version, sha256, sizeBytes,
 *                                                        chunkCount, manifest)
 *   agent  → packageChunkRequest {requestId, name, version, index}
 *   server → packageChunk {requestId, name, version, index, data (base64) | error?}
 *   agent  → inventory {capturedAt, applications}        (after welcome, and after each change)
 *
 * The hello signature covers `mado-agent-hello:v1:<nodeId>:<nonce>`; the nonce is fresh per
 * connection, so a recorded hello cannot be replayed. Invocations are keyed by command id: a
 * command runs at most once per node. Every frame is validated; a malformed or oversized frame
 * closes the connection with an error frame.
 */
import { z } from 'zod';
import { AGENT_VERSION_PATTERN, MAX_AGENT_VERSION_LENGTH } from '../domain/agent-release.js';
import { PACKAGE_CHUNK_BYTES, PACKAGE_NAME_PATTERN, PACKAGE_VERSION_PATTERN } from '../domain/package.js';
import { exceedsJsonDepth } from '../domain/json-depth.js';

export const PROTOCOL_VERSION = 1;

/** Largest frame either side accepts (results carry output up to the server's cap). */
export const MAX_FRAME_BYTES = 8 * 1024 * 1024;

/**
 * Most command ids an agent lists in `unfinished` (the schema accepts more from older agents):
 * keeps the hello, the one frame read before the node is authenticated, within a few KiB.
 */
export const MAX_HELLO_UNFINISHED = 100;

export const REGISTER_PATH = '/agent/v1/register';
export const CONNECT_PATH = '/agent/v1/connect';

/** The text a node signs to prove its identity on a connection. */
export function helloSigningText(nodeId: string, nonce: string): string {
  return `mado-agent-hello:v1:${nodeId}:${nonce}`;
}

const NodeId = z.string().regex(/^mi-[0-9a-f]{17}$/);
// Command ids name journal files on the node: only UUIDs, so no path can hide in one.
const CommandId = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

export const NodeFactsSchema = z.object({
  agentVersion: z.string().max(MAX_AGENT_VERSION_LENGTH).regex(AGENT_VERSION_PATTERN),
  platformType: z.enum(['Linux', 'Windows', 'MacOS']),
  platformName: z.string().max(255),
  platformVersion: z.string().max(255),
  architecture: z.string().max(64),
  computerName: z.string().min(1).max(255),
  ipAddresses: z.array(z.string().max(46)).max(64),
});

export const RegisterRequestSchema = z.object({
  protocol: z.literal(PROTOCOL_VERSION),
  activationId: z.string(),
  activationCode: z.string(),
  /** Ed25519 public key, SPKI DER, base64. */
  publicKey: z.string().max(200),
  name: z.string().max(256).optional(),
  tags: z
    .array(z.object({ Key: z.string(), Value: z.string() }))
    .max(50)
    .optional(),
  facts: NodeFactsSchema,
});
export type RegisterRequest = z.infer<typeof RegisterRequestSchema>;

export interface RegisterResponse {
  readonly nodeId: string;
}

/** Error answer of the register endpoint (HTTP 400/403). */
export interface RegisterError {
  readonly error: string;
  readonly message: string;
}

/** A document step, parameters substituted, as the agent runs it. */
export const StepSchema = z.object({
  action: z.string(),
  name: z.string(),
  inputs: z.record(z.string(), z.unknown()),
  platformType: z.string().optional(),
});

export const InvocationSchema = z.object({
  commandId: CommandId,
  documentName: z.string(),
  steps: z.array(StepSchema).min(1).max(100),
  /** Per-step execution time limit when the step gives none. */
  defaultTimeoutSeconds: z.number().int().positive(),
});
export type DeliveredInvocation = z.infer<typeof InvocationSchema>;

/** Longest step name a `progress` frame carries. */
export const MAX_STEP_NAME_LENGTH = 1024;

export const StepResultSchema = z.object({
  name: z.string(),
  action: z.string(),
  /** Success | Failed | TimedOut | Cancelled | Skipped (skipped steps report Success with a note). */
  outcome: z.enum(['Success', 'Failed', 'TimedOut', 'Cancelled', 'Skipped']),
  responseCode: z.number().int(),
  startedAt: z.number().optional(),
  endedAt: z.number().optional(),
  stdout: z.string(),
  stderr: z.string(),
});
export type StepResult = z.infer<typeof StepResultSchema>;

/** Outcome of a whole invocation on the node. */
export const InvocationOutcomeSchema = z.enum(['Success', 'Failed', 'ExecutionTimedOut', 'Cancelled']);
export type InvocationOutcome = z.infer<typeof InvocationOutcomeSchema>;

/** Largest release chunk a `releaseChunk` frame carries (base64 makes it 4/3 larger). */
export const RELEASE_CHUNK_BYTES = 2 * 1024 * 1024;

const RequestId = z.string().regex(/^[0-9A-Za-z-]{1,64}$/);
const AgentVersion = z.string().max(MAX_AGENT_VERSION_LENGTH).regex(AGENT_VERSION_PATTERN);

export const ReleaseInfoSchema = z.object({
  version: AgentVersion,
  /** SHA-256 of the bundle, lower-case hex. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  sizeBytes: z.number().int().positive(),
});
export type ReleaseInfo = z.infer<typeof ReleaseInfoSchema>;

const PackageName = z.string().regex(new RegExp(PACKAGE_NAME_PATTERN));
const PackageVersionText = z.string().regex(new RegExp(PACKAGE_VERSION_PATTERN));

/** A package version as the server describes it to an agent that asked for it. */
export const PackageInfoSchema = z.object({
  name: PackageName,
  version: PackageVersionText,
  /** SHA-256 of the archive, lower-case hex. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  sizeBytes: z.number().int().positive(),
  /** Pieces of PACKAGE_CHUNK_BYTES (the last one shorter), fetched by index. */
  chunkCount: z.number().int().positive(),
  /** The manifest as published; the agent validates it again before using it. */
  manifest: z.record(z.string(), z.unknown()),
});
export type PackageInfo = z.infer<typeof PackageInfoSchema>;

/** One installed package in an `inventory` frame. */
export const InstalledApplicationSchema = z.object({
  name: PackageName,
  version: PackageVersionText,
  installedAt: z.number(),
  publisher: z.string().max(256).optional(),
  architecture: z.string().max(64).optional(),
  summary: z.string().max(1024).optional(),
});

export const ServerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('challenge'), protocol: z.literal(PROTOCOL_VERSION), nonce: z.string() }),
  z.object({
    type: z.literal('welcome'),
    nodeId: NodeId,
    heartbeatIntervalMs: z.number().int().positive(),
    serverTime: z.number(),
  }),
  z.object({ type: z.literal('heartbeat'), at: z.number() }),
  z.object({ type: z.literal('deliver'), invocation: InvocationSchema }),
  z.object({ type: z.literal('resultAck'), commandId: CommandId }),
  z.object({ type: z.literal('cancel'), commandId: CommandId }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
  // TLS rotation (issue #10): `SHA256:` and 32 upper-case hex pairs joined by colons.
  z.object({ type: z.literal('pin'), nextFingerprint: z.string().regex(/^SHA256:([0-9A-F]{2}:){31}[0-9A-F]{2}$/) }),
  z.object({
    type: z.literal('release'),
    requestId: RequestId,
    release: ReleaseInfoSchema.optional(),
    /** Why there is no release (unknown version, none published, server trouble). */
    error: z.string().max(1000).optional(),
  }),
  z.object({
    type: z.literal('releaseChunk'),
    requestId: RequestId,
    version: AgentVersion,
    offset: z.number().int().nonnegative(),
    data: z
      .string()
      .max(Math.ceil(RELEASE_CHUNK_BYTES / 3) * 4)
      .optional(),
    error: z.string().max(1000).optional(),
  }),
  z.object({
    type: z.literal('package'),
    requestId: RequestId,
    package: PackageInfoSchema.optional(),
    /** Why there is no such package version (unknown name or version, server trouble). */
    error: z.string().max(1000).optional(),
  }),
  z.object({
    type: z.literal('packageChunk'),
    requestId: RequestId,
    name: PackageName,
    version: PackageVersionText,
    index: z.number().int().nonnegative(),
    data: z
      .string()
      .max(Math.ceil(PACKAGE_CHUNK_BYTES / 3) * 4)
      .optional(),
    error: z.string().max(1000).optional(),
  }),
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;

export const AgentMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('hello'),
    protocol: z.literal(PROTOCOL_VERSION),
    nodeId: NodeId,
    /** Ed25519 signature of helloSigningText(nodeId, nonce), base64. */
    signature: z.string().max(200),
    facts: NodeFactsSchema,
    /** Commands the agent has accepted and not yet had a result acknowledged for. */
    unfinished: z.array(CommandId).max(10_000),
  }),
  z.object({ type: z.literal('heartbeat'), at: z.number() }),
  z.object({ type: z.literal('accepted'), commandId: CommandId }),
  z.object({
    type: z.literal('progress'),
    commandId: CommandId,
    /** The step's name (the plugin name of its output). */
    step: z.string().min(1).max(MAX_STEP_NAME_LENGTH),
    /** The step's whole output so far, as the agent keeps it (its cap applies). */
    stdout: z.string(),
    stderr: z.string(),
  }),
  z.object({
    type: z.literal('result'),
    commandId: CommandId,
    outcome: InvocationOutcomeSchema,
    steps: z.array(StepResultSchema).max(100),
  }),
  z.object({
    type: z.literal('packageRequest'),
    requestId: RequestId,
    name: PackageName,
    /** '' for the latest version. */
    version: z.union([z.literal(''), PackageVersionText]),
  }),
  z.object({
    type: z.literal('packageChunkRequest'),
    requestId: RequestId,
    name: PackageName,
    version: PackageVersionText,
    index: z.number().int().nonnegative(),
  }),
  z.object({
    type: z.literal('inventory'),
    capturedAt: z.number(),
    applications: z.array(InstalledApplicationSchema).max(10_000),
  }),
  z.object({ type: z.literal('releaseRequest'), requestId: RequestId, version: AgentVersion.optional() }),
  z.object({
    type: z.literal('releaseChunkRequest'),
    requestId: RequestId,
    version: AgentVersion,
    offset: z.number().int().nonnegative(),
    length: z.number().int().positive().max(RELEASE_CHUNK_BYTES),
  }),
]);
export type AgentMessage = z.infer<typeof AgentMessageSchema>;

/** Parses one frame from the agent; undefined when it is not a valid message (nested deeper than MAX_JSON_DEPTH included). */
export function parseAgentMessage(text: string): AgentMessage | undefined {
  if (exceedsJsonDepth(text)) {
    return undefined;
  }
  try {
    const parsed = AgentMessageSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    // Not JSON: the caller treats it as a malformed frame.
    return undefined;
  }
}

/** Parses one frame from the server; undefined when it is not a valid message (nested deeper than MAX_JSON_DEPTH included). */
export function parseServerMessage(text: string): ServerMessage | undefined {
  if (exceedsJsonDepth(text)) {
    return undefined;
  }
  try {
    const parsed = ServerMessageSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    // Not JSON: the caller treats it as a malformed frame.
    return undefined;
  }
}
