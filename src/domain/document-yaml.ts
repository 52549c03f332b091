/**
 * YAML document content (DocumentFormat YAML, spec §8.1): reading it into the same plain value
 * JSON.parse gives, and writing a value back as YAML for GetDocument's format conversion.
 *
 * YAML 1.2 with the core schema, as the `yaml` package reads it by default: `yes`/`no` stay
 * strings, `2.2` is a number (the document parser accepts a numeric schemaVersion), there are
 * no timestamps and no merge keys. A key defined twice in one mapping is refused with its path,
 * as `findDuplicateJsonKey` refuses it in JSON. Aliases are expanded, at most 100 of them, so a
 * "billion laughs" document cannot exhaust memory.
 *
 * Nesting is bounded too: `yaml` composes nodes recursively, so `[[[[…]]]]` a few thousand deep
 * overflows the stack (and comes back as a confusing "Maximum call stack size exceeded").
 * Before composing, the text is read into `yaml`'s concrete syntax tree (its Parser keeps an
 * explicit stack, no recursion) and that tree is measured iteratively; more than
 * MAX_YAML_DEPTH nested collections (block or flow, mappings and sequences alike) is refused.
 */
import { isAlias, isMap, isScalar, isSeq, Lexer, Parser, parseDocument, stringify, type Node } from 'yaml';
import { MAX_JSON_DEPTH } from './json-depth.js';

/** At most this many alias expansions when turning a YAML document into a value. */
const MAX_ALIAS_COUNT = 100;

/** The deepest nesting of collections YAML content may have: the same as for JSON. */
export const MAX_YAML_DEPTH = MAX_JSON_DEPTH;

/** The parts of a `yaml` CST token the depth walk looks at. */
interface CstToken {
  readonly type?: string;
  readonly value?: unknown;
  readonly items?: readonly { readonly key?: unknown; readonly value?: unknown }[];
}

const COLLECTIONS = new Set(['block-map', 'block-seq', 'flow-collection']);

/**
 * Whether the flow collections (`[`, `{`) of YAML text nest deeper than `limit`: over the lexer's
 * tokens (quoted and block scalars are single tokens, so brackets inside them do not count),
 * stopping at the first bracket past the limit, so `[[[[…` costs `limit` tokens.
 */
function exceedsFlowDepth(text: string, limit: number): boolean {
  let depth = 0;
  for (const token of new Lexer().lex(text)) {
    if (token === '[' || token === '{') {
      depth += 1;
      if (depth > limit) {
        return true;
      }
    } else if ((token === ']' || token === '}') && depth > 0) {
      depth -= 1;
    }
  }
  return false;
}

/**
 * Whether YAML text nests collections deeper than `limit`: first the flow collections alone (a
 * cheap early exit), then block and flow together over the CST, iteratively; every token is
 * visited at most once.
 */
export function exceedsYamlDepth(text: string, limit: number = MAX_YAML_DEPTH): boolean {
  if (exceedsFlowDepth(text, limit)) {
    return true;
  }
  for (const root of new Parser().parse(text)) {
    const pending: [unknown, number][] = [[root, 0]];
    while (pending.length > 0) {
      const [candidate, depth] = pending.pop()!;
      if (candidate === null || typeof candidate !== 'object') {
        continue;
      }
      const token = candidate as CstToken;
      const inner = token.type !== undefined && COLLECTIONS.has(token.type) ? depth + 1 : depth;
      if (inner > limit) {
        return true;
      }
      if (token.type === 'document') {
        pending.push([token.value, inner]);
      }
      for (const item of token.items ?? []) {
        pending.push([item.key, inner], [item.value, inner]);
      }
    }
  }
  return false;
}

export type YamlReading =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly message: string; readonly field?: string };

function keyText(key: unknown): string {
  if (isScalar(key)) {
    return String(key.value);
  }
  return String(key);
}

/** The path of the first key that occurs twice in one mapping, or undefined. */
function findDuplicateYamlKey(node: Node | null | undefined, path: string): string | undefined {
  if (node === null || node === undefined || isAlias(node)) {
    return undefined;
  }
  if (isMap(node)) {
    const seen = new Set<string>();
    for (const pair of node.items) {
      const key = keyText(pair.key);
      const here = path === '' ? key : `${path}.${key}`;
      if (seen.has(key)) {
        return here;
      }
      seen.add(key);
      const inner = findDuplicateYamlKey(pair.value as Node | null, here);
      if (inner !== undefined) {
        return inner;
      }
    }
    return undefined;
  }
  if (isSeq(node)) {
    for (const [index, item] of node.items.entries()) {
      const inner = findDuplicateYamlKey(item as Node | null, `${path}[${index}]`);
      if (inner !== undefined) {
        return inner;
      }
    }
  }
  return undefined;
}

/** The first line of a `yaml` error ("… at line 2, column 1"), without the source excerpt. */
function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/:\s*$/, '');
}

/**
 * Reads YAML text into a plain value (objects, arrays, strings, numbers, booleans, null).
 * Never throws: a syntax error, several documents in one text, nesting deeper than
 * MAX_YAML_DEPTH, a duplicate key or too many aliases come back as `ok: false` with a message
 * (and, for a duplicate key, its path).
 */
export function readYaml(text: string): YamlReading {
  if (exceedsYamlDepth(text)) {
    return { ok: false, message: `Document content is nested deeper than ${MAX_YAML_DEPTH} levels.` };
  }
  const document = parseDocument(text, { uniqueKeys: false, version: '1.2' });
  const error = document.errors[0];
  if (error !== undefined) {
    return { ok: false, message: `Document content is not valid YAML: ${firstLine(error.message)}` };
  }
  const duplicate = findDuplicateYamlKey(document.contents, '');
  if (duplicate !== undefined) {
    return { ok: false, message: `${duplicate}: is defined twice`, field: duplicate };
  }
  try {
    return { ok: true, value: document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown };
  } catch (cause) {
    // `yaml` throws a ReferenceError when the alias count is exceeded (or an alias is unresolved).
    const reason = cause instanceof Error ? cause.message : String(cause);
    return { ok: false, message: `Document content is not usable YAML: ${firstLine(reason)}` };
  }
}

/** A plain value as YAML text (block style, strings quoted where YAML would misread them). */
export function writeYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0 });
}
