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
 *   agent  → result {commandId, outcome, steps}      (repeated until acknowledged)
 *   server → resultAck {commandId}
 *   server → cancel {commandId}
 *
 * The hello signature covers `mado-agent-hello:v1:<nodeId>:<nonce>`; the nonce is fresh per
 * connection, so a recorded hello cannot be replayed. Invocations are keyed by command id: a
 * command runs at most once per node. Every frame is validated; a malformed or oversized frame
 * closes the connection with an error frame.
 */
import { z } from 'zod';

export const PROTOCOL_VERSION = 1;

/** Largest frame either side accepts (results carry output up to the server's cap). */
export const MAX_FRAME_BYTES = 8 * 1024 * 1024;

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
  agentVersion: z.string().regex(/^[0-9]{1,6}(\.[0-9]{1,6}){2,3}$/),
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
    type: z.literal('result'),
    commandId: CommandId,
    outcome: InvocationOutcomeSchema,
    steps: z.array(StepResultSchema).max(100),
  }),
]);
export type AgentMessage = z.infer<typeof AgentMessageSchema>;

/** Parses one frame from the agent; undefined when it is not a valid message. */
export function parseAgentMessage(text: string): AgentMessage | undefined {
  try {
    const parsed = AgentMessageSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    // Not JSON: the caller treats it as a malformed frame.
    return undefined;
  }
}

/** Parses one frame from the server; undefined when it is not a valid message. */
export function parseServerMessage(text: string): ServerMessage | undefined {
  try {
    const parsed = ServerMessageSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    // Not JSON: the caller treats it as a malformed frame.
    return undefined;
  }
}
