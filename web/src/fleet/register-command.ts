/**
 * The commands the Activations page prints after CreateActivation, to paste on a node:
 * `npx mado agent register …` (the flags of `mado agent register`, see
 * src/cli/agent-commands.ts) and then `npx mado agent run` on the same state directory.
 * Values are quoted for a POSIX shell only when they need it.
 */
import type { Tag } from '../api/types.js';

export const DEFAULT_AGENT_STATE_DIR = '/var/lib/mado-agent';

export interface RegisterCommandInput {
  /** The server's URL as nodes reach it (the console's own origin). */
  readonly serverUrl: string;
  readonly activationId: string;
  readonly activationCode: string;
  /** Extra tags for the node (the activation's own tags apply anyway). */
  readonly tags?: readonly Tag[];
  readonly stateDir?: string;
  /** The server certificate's `SHA256:…` fingerprint (Mado.GetServerInfo), pinned by the node. */
  readonly serverFingerprint?: string;
}

export interface RegisterCommands {
  readonly register: string;
  readonly run: string;
  /** Both, one per line. */
  readonly script: string;
}

/** `value` as one POSIX shell word: as is when safe, else in single quotes. */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_\-.,:/=@+%]+$/.test(value)) {
    return value;
  }
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

export function buildRegisterCommands(input: RegisterCommandInput): RegisterCommands {
  const stateDir = shellQuote(input.stateDir ?? DEFAULT_AGENT_STATE_DIR);
  const words = [
    'npx mado agent register',
    `--server ${shellQuote(input.serverUrl.replace(/\/+$/, ''))}`,
    `--activation-id ${shellQuote(input.activationId)}`,
    `--activation-code ${shellQuote(input.activationCode)}`,
    ...(input.serverFingerprint === undefined ? [] : [`--server-fingerprint ${shellQuote(input.serverFingerprint)}`]),
    ...(input.tags ?? []).map((tag) => `--tag ${shellQuote(`${tag.Key}=${tag.Value}`)}`),
    `--state-dir ${stateDir}`,
  ];
  const register = words.join(' ');
  const run = `npx mado agent run --state-dir ${stateDir}`;
  return { register, run, script: `${register}\n${run}` };
}

/** The console's own origin (scheme, host and port), which is also the API's address. */
export function serverUrlOf(location: { readonly origin: string }): string {
  return location.origin;
}

export interface ParsedTags {
  readonly tags: Tag[];
  /** Human messages for the lines that are not `Key=Value`. */
  readonly errors: string[];
}

/**
 * Tags typed as `Key=Value`, separated by new lines or commas (`Key` alone: an empty value).
 * Keys are trimmed; a repeated key keeps its last value.
 */
export function parseTagList(text: string): ParsedTags {
  const tags = new Map<string, string>();
  const errors: string[] = [];
  for (const raw of text.split(/[\n,]/)) {
    const item = raw.trim();
    if (item === '') {
      continue;
    }
    const equals = item.indexOf('=');
    const key = (equals === -1 ? item : item.slice(0, equals)).trim();
    const value = equals === -1 ? '' : item.slice(equals + 1).trim();
    if (key === '') {
      errors.push(`"${item}" has no key: write Key=Value.`);
    } else if (key.length > 128) {
      errors.push(`The key "${key.slice(0, 20)}…" is longer than 128 characters.`);
    } else if (value.length > 256) {
      errors.push(`The value of ${key} is longer than 256 characters.`);
    } else if (key.toLowerCase().startsWith('aws:')) {
      errors.push(`The key ${key} starts with the reserved prefix aws:.`);
    } else {
      tags.set(key, value);
    }
  }
  return { tags: [...tags].map(([Key, Value]) => ({ Key, Value })), errors };
}
