/**
 * What the Activations page needs around the register commands (built in
 * src/shared/register-command.ts, shared with `mado activations create`): the server's URL as
 * nodes reach it and the tags typed in the form.
 */
import type { Tag } from '../api/types.js';

export {
  buildRegisterCommands,
  DEFAULT_AGENT_STATE_DIR,
  shellQuote,
  type RegisterCommandInput,
  type RegisterCommands,
} from '../../../src/shared/register-command.js';

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
