/**
 * `mado agent register`: exchanges an activation (id + code) for a node id, once.
 *
 * Order matters: validate every input first (nothing is written on bad input), refuse to replace
 * an existing registration unless forced, generate the key pair, ask the server, and only after
 * a 200 write the key, the server trust and then the identity. A failed attempt leaves the
 * directory as it was. With `--server-fingerprint` the request goes only to a server whose
 * certificate has that fingerprint (server-trust.ts): the activation code reaches no other.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { LimitExceededError, ValidationError } from '../domain/errors.js';
import type { NodeFacts } from '../domain/managed-node.js';
import { validateNewTags, type Tag } from '../domain/tags.js';
import {
  PROTOCOL_VERSION,
  REGISTER_PATH,
  type RegisterRequest,
  type RegisterResponse,
} from '../protocol/agent-protocol.js';
import { parseFingerprint } from '../shared/fingerprint.js';
import { wireFacts } from './node-facts.js';
import type { NodeKeyPair } from './node-key.js';
import { fetchThrough, insecureUrlProblem, PinnedAgent, saveTrust } from './server-trust.js';
import { hasRegistration, JOURNAL_DIR, saveRegistration, WORK_DIR } from './state-directory.js';

export interface RegisterOptions {
  /** Server base URL, e.g. `https://mado.example.com:8080`. */
  readonly server: string;
  readonly activationId: string;
  readonly activationCode: string;
  readonly stateDir: string;
  /** `KEY=VALUE` strings as typed on the command line. */
  readonly tags: readonly string[];
  readonly name?: string;
  /** Replace an existing registration (and drop its journal). */
  readonly force: boolean;
  // TLS (issue #10)
  /** `SHA256:…` of the server's certificate: pinned instead of trusting CAs. */
  readonly serverFingerprint?: string;
  /** Accept a non-loopback `http://` server. */
  readonly insecureHttp?: boolean;
}

export interface RegisterDependencies {
  readonly fetch: typeof fetch;
  readonly collectFacts: () => NodeFacts;
  readonly generateKeyPair: () => NodeKeyPair;
  readonly now: () => Date;
  /** How long to wait for the server's answer. */
  readonly timeoutMs: number;
}

export type RegisterOutcome =
  | { readonly kind: 'registered'; readonly nodeId: string; readonly stateDir: string }
  | { readonly kind: 'invalid-input'; readonly message: string }
  | { readonly kind: 'already-registered'; readonly message: string }
  /** The server answered 4xx with its `{error, message}`. */
  | { readonly kind: 'refused'; readonly status: number; readonly error: string; readonly message: string }
  | { readonly kind: 'server-error'; readonly status: number; readonly message: string }
  | { readonly kind: 'unreachable'; readonly message: string };

/** A validated server URL: `http(s)://host[:port][/base]` without a trailing slash. */
export type ParsedServerUrl =
  { readonly ok: true; readonly url: string } | { readonly ok: false; readonly message: string };

export function parseServerUrl(text: string): ParsedServerUrl {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, message: `--server must be an absolute http:// or https:// URL; got "${text}".` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, message: `--server must use http:// or https://; got "${url.protocol}" in "${text}".` };
  }
  if (url.username !== '' || url.password !== '') {
    return { ok: false, message: '--server must not contain a user name or password.' };
  }
  if (url.search !== '' || url.hash !== '') {
    return { ok: false, message: `--server must not contain a query string or fragment; got "${text}".` };
  }
  return { ok: true, url: `${url.origin}${url.pathname.replace(/\/+$/, '')}` };
}

// SSM's tag constraints (spec §10): key 1-128, value 0-256, letters, digits, spaces and _.:/=+-@.
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export type ParsedTags = { readonly ok: true; readonly tags: Tag[] } | { readonly ok: false; readonly message: string };

/** Parses `--tag KEY=VALUE` options (split at the first `=`; the value may be empty). */
export function parseTagOptions(options: readonly string[]): ParsedTags {
  const tags: Tag[] = [];
  for (const option of options) {
    const equals = option.indexOf('=');
    if (equals < 0) {
      return { ok: false, message: `--tag "${option}" must look like KEY=VALUE (e.g. --tag Env=prod).` };
    }
    const Key = option.slice(0, equals).trim();
    const Value = option.slice(equals + 1).trim();
    if (Key.length === 0 || Key.length > 128) {
      return { ok: false, message: `--tag "${option}": the key must have 1 to 128 characters.` };
    }
    if (Value.length > 256) {
      return { ok: false, message: `--tag "${option}": the value must have at most 256 characters.` };
    }
    if (!TAG_TEXT.test(Key) || !TAG_TEXT.test(Value)) {
      return {
        ok: false,
        message: `--tag "${option}": keys and values may contain letters, digits, spaces and _ . : / = + - @ only.`,
      };
    }
    tags.push({ Key, Value });
  }
  try {
    validateNewTags(tags, 'tag');
  } catch (error) {
    if (error instanceof ValidationError || error instanceof LimitExceededError) {
      return { ok: false, message: `--tag: ${error.message}` };
    }
    throw error;
  }
  return { ok: true, tags };
}

function validateInputs(options: RegisterOptions): { message: string } | { url: string; tags: Tag[]; pins: string[] } {
  const server = parseServerUrl(options.server);
  if (!server.ok) {
    return { message: server.message };
  }
  const problem = insecureUrlProblem(server.url, options.insecureHttp ?? false);
  if (problem !== undefined) {
    return { message: problem };
  }
  const pin = options.serverFingerprint === undefined ? undefined : parseFingerprint(options.serverFingerprint);
  if (options.serverFingerprint !== undefined && pin === undefined) {
    return {
      message: `--server-fingerprint must look like SHA256: and 64 hex digits (as the server prints it); got "${options.serverFingerprint}".`,
    };
  }
  if (pin !== undefined && !server.url.startsWith('https://')) {
    return { message: '--server-fingerprint needs an https:// --server URL.' };
  }
  if (options.activationId.trim() === '') {
    return { message: '--activation-id must not be empty.' };
  }
  if (options.activationCode.trim() === '') {
    return { message: '--activation-code must not be empty.' };
  }
  if (options.name !== undefined && (options.name.length === 0 || options.name.length > 256)) {
    return { message: '--name must have 1 to 256 characters.' };
  }
  const tags = parseTagOptions(options.tags);
  if (!tags.ok) {
    return { message: tags.message };
  }
  return { url: server.url, tags: tags.tags, pins: pin === undefined ? [] : [pin] };
}

async function readErrorBody(response: Response): Promise<{ error: string; message: string }> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as Partial<Record<'error' | 'message', unknown>>;
    if (typeof body.error === 'string' && typeof body.message === 'string') {
      return { error: body.error, message: body.message };
    }
  } catch {
    // Not JSON (a proxy's error page, say): show the start of the text instead.
  }
  return { error: `HTTP ${response.status}`, message: text.slice(0, 500) || response.statusText };
}

/** Registers this node with the server; every failure is an outcome, not an exception. */
export async function registerNode(options: RegisterOptions, deps: RegisterDependencies): Promise<RegisterOutcome> {
  const inputs = validateInputs(options);
  if ('message' in inputs) {
    return { kind: 'invalid-input', message: inputs.message };
  }
  if (hasRegistration(options.stateDir) && !options.force) {
    return {
      kind: 'already-registered',
      message:
        `${options.stateDir} already holds a registration. Use --force to replace it (the old node id stops ` +
        'being used here; deregister it on the server) or choose another --state-dir.',
    };
  }
  const keys = deps.generateKeyPair();
  const request: RegisterRequest = {
    protocol: PROTOCOL_VERSION,
    activationId: options.activationId.trim(),
    activationCode: options.activationCode.trim(),
    publicKey: keys.publicKeyBase64,
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(inputs.tags.length === 0 ? {} : { tags: inputs.tags }),
    facts: wireFacts(deps.collectFacts()),
  };
  const endpoint = `${inputs.url}${REGISTER_PATH}`;
  let response: Response;
  try {
    const pinnedFetch = inputs.pins.length === 0 ? deps.fetch : fetchThrough(new PinnedAgent(() => inputs.pins));
    response = await pinnedFetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(deps.timeoutMs),
    });
  } catch (error) {
    const cause = (error as Error).cause instanceof Error ? `: ${((error as Error).cause as Error).message}` : '';
    return { kind: 'unreachable', message: `Could not reach ${endpoint} (${(error as Error).message}${cause}).` };
  }
  if (response.status >= 400 && response.status < 500) {
    const body = await readErrorBody(response);
    return { kind: 'refused', status: response.status, ...body };
  }
  if (response.status !== 200) {
    const body = await readErrorBody(response);
    return { kind: 'server-error', status: response.status, message: `${body.error}: ${body.message}` };
  }
  let nodeId: unknown;
  try {
    nodeId = ((await response.json()) as Partial<RegisterResponse>).nodeId;
  } catch {
    nodeId = undefined;
  }
  if (typeof nodeId !== 'string' || !/^mi-[0-9a-f]{17}$/.test(nodeId)) {
    return { kind: 'server-error', status: 200, message: `The server answered without a valid node id (${endpoint}).` };
  }
  if (options.force) {
    // The journal belongs to the previous identity: its commands are not this node's any more.
    rmSync(join(options.stateDir, JOURNAL_DIR), { recursive: true, force: true });
    rmSync(join(options.stateDir, WORK_DIR), { recursive: true, force: true });
  }
  saveTrust(options.stateDir, { pins: inputs.pins, insecureHttp: options.insecureHttp ?? false });
  saveRegistration(
    options.stateDir,
    { serverUrl: inputs.url, nodeId, registeredAt: deps.now().toISOString() },
    keys.privateKeyPem,
  );
  return { kind: 'registered', nodeId, stateDir: options.stateDir };
}
