/**
 * A cheap guard before JSON.parse: the greatest nesting depth of `[` and `{` in a JSON text,
 * counted in one iterative pass over the bytes (no recursion, no allocation), skipping string
 * contents and honouring backslash escapes inside them. Not a validator: malformed JSON is left
 * to JSON.parse, which runs only when the depth is within the limit.
 *
 * Used for request bodies (api-handler.ts, agent registration) and for JSON met inside them or
 * beside them: document content given as a string, package manifests, agent frames.
 */

/** The deepest nesting a JSON text may have (arrays and objects alike). */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * Whether `text` nests `[`/`{` deeper than `limit` outside JSON strings. Stops at the first
 * byte past the limit. Multi-byte UTF-8 never contains these ASCII bytes, so a Buffer and its
 * decoded string give the same answer.
 */
export function exceedsJsonDepth(text: Uint8Array | string, limit: number = MAX_JSON_DEPTH): boolean {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (inString) {
      if (byte === BACKSLASH) {
        i++; // the escaped byte, whatever it is, does not end the string
      } else if (byte === QUOTE) {
        inString = false;
      }
      continue;
    }
    if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_BRACKET || byte === OPEN_BRACE) {
      depth++;
      if (depth > limit) {
        return true;
      }
    } else if ((byte === CLOSE_BRACKET || byte === CLOSE_BRACE) && depth > 0) {
      depth--;
    }
  }
  return false;
}
