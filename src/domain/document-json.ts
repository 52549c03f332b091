/**
 * `JSON.parse` keeps the last of two equal keys without a word, but a document that declares
 * the parameter `commands` twice is a mistake we want to name (spec §8.2: parameter names are
 * unique). This scan finds such a key in text that `JSON.parse` has already accepted, so it
 * only needs to tell keys from values and track where it is.
 */

interface Frame {
  readonly kind: 'object' | 'array';
  readonly keys: Set<string>;
  /** Object: the key whose value is being read. */
  key: string;
  /** Array: the index of the element being read. */
  index: number;
  /** Object: the next string is a key (after `{` or `,`). */
  expectsKey: boolean;
}

function pathOf(stack: readonly Frame[], lastKey: string): string {
  let path = '';
  stack.forEach((frame, depth) => {
    const isLast = depth === stack.length - 1;
    if (frame.kind === 'array') {
      path += `[${frame.index}]`;
    } else {
      const key = isLast ? lastKey : frame.key;
      path += path === '' ? key : `.${key}`;
    }
  });
  return path;
}

/**
 * The path of the first key that occurs twice in one object (`parameters.commands`,
 * `mainSteps[0].inputs.runCommand`), or `undefined` when every object's keys are unique.
 * Precondition: `text` is valid JSON.
 */
export function findDuplicateJsonKey(text: string): string | undefined {
  const stack: Frame[] = [];
  let position = 0;
  while (position < text.length) {
    const char = text[position];
    if (char === '"') {
      let end = position + 1;
      while (end < text.length && text[end] !== '"') {
        end += text[end] === '\\' ? 2 : 1;
      }
      const top = stack.at(-1);
      if (top?.kind === 'object' && top.expectsKey) {
        const key = JSON.parse(text.slice(position, end + 1)) as string;
        if (top.keys.has(key)) {
          return pathOf(stack, key);
        }
        top.keys.add(key);
        top.key = key;
        top.expectsKey = false;
      }
      position = end + 1;
      continue;
    }
    const top = stack.at(-1);
    switch (char) {
      case '{':
        stack.push({ kind: 'object', keys: new Set(), key: '', index: 0, expectsKey: true });
        break;
      case '[':
        stack.push({ kind: 'array', keys: new Set(), key: '', index: 0, expectsKey: false });
        break;
      case '}':
      case ']':
        stack.pop();
        break;
      case ',':
        if (top?.kind === 'object') {
          top.expectsKey = true;
        } else if (top !== undefined) {
          top.index += 1;
        }
        break;
      default:
        break;
    }
    position += 1;
  }
  return undefined;
}
