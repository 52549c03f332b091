/**
 * Checks a request body against its operation's wire shape and reports violations the way
 * SSM does: model-constraint failures are one ValidationException listing every violated
 * member (lower-camel paths such as `targets.1.member.key`); a member of the wrong JSON type
 * is a SerializationException. `null` members count as absent (spec §1.2).
 */
import type { z } from 'zod';
import { ValidationError, type FieldViolation } from '../../domain/errors.js';
import { formatViolations, WireError } from '../errors.js';

/** Removes `null` members recursively: the protocol treats them as absent. */
export function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(dropNulls);
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      if (member !== null) {
        out[key] = dropNulls(member);
      }
    }
    return out;
  }
  return value;
}

function lowerFirst(segment: string): string {
  return segment.charAt(0).toLowerCase() + segment.slice(1);
}

/** `['Targets', 0, 'Key']` → `targets.1.member.key`, as SSM prints member paths. */
export function memberPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment) => (typeof segment === 'number' ? `${segment + 1}.member` : lowerFirst(String(segment))))
    .join('.');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') {
      return undefined;
    }
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

const JSON_TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'a boolean',
  array: 'a list',
  object: 'a structure',
  record: 'a map',
};

/**
 * Parses `body` with `schema`.
 * @throws WireError(SerializationException) for a member of the wrong type;
 * @throws ValidationError for constraint violations (all of them, in one message).
 */
export function parseRequest<T>(schema: z.ZodType<T>, body: unknown): T {
  const input = dropNulls(body);
  const result = schema.safeParse(input);
  if (result.success) {
    return result.data;
  }
  const violations: FieldViolation[] = [];
  for (const issue of result.error.issues) {
    if (issue.code === 'invalid_key') {
      // A map key breaks its constraint: report it at the map, with the key as the value.
      const key = issue.path[issue.path.length - 1];
      violations.push({
        field: memberPath(issue.path.slice(0, -1)),
        value: key,
        message: `Map keys must satisfy constraint: [${issue.issues.map((inner) => inner.message).join(', ')}]`,
      });
      continue;
    }
    const value = valueAt(input, issue.path);
    const field = memberPath(issue.path);
    if (value === undefined) {
      violations.push({ field, message: 'Member must not be null' });
      continue;
    }
    if (issue.code === 'invalid_type') {
      const expected = JSON_TYPE_NAMES[issue.expected] ?? issue.expected;
      throw new WireError(
        'SerializationException',
        `${field === '' ? 'The request body' : `Member '${field}'`} must be ${expected}; got ${JSON.stringify(value)}.`,
      );
    }
    if (issue.code === 'invalid_union') {
      throw new WireError('SerializationException', `Member '${field}' has an unexpected type or shape.`);
    }
    violations.push({ field, value, message: issue.message });
  }
  throw new ValidationError(formatViolations(violations), { violations });
}
