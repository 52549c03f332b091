import { describe, expect, it } from 'vitest';
import type { Clock } from '../shared/clock.js';
import { WireError } from './errors.js';
import { PageTokens, queryHash } from './page-tokens.js';

const KEY = Buffer.from('0123456789abcdef0123456789abcdef');
const ISSUED_AT = new Date('2024-01-15T12:00:00Z');
const DAY_MS = 24 * 60 * 60 * 1000;
const OPERATION = 'DescribeMaintenanceWindowTargets';
const QUERY = { windowId: 'mw-0123456789abcdef0', resourceTypes: ['INSTANCE'] };
const CURSOR = [1_705_320_000_000, '8f7c1b9e-3a52-4d6f-9b0e-2c4d6e8fa0b1'] as const;

/** A clock that stands still until the test moves it. */
function settableClock(at: Date): Clock & { set(next: Date): void } {
  let current = at.getTime();
  return {
    now: () => new Date(current),
    sleep: () => Promise.resolve(),
    set: (next) => {
      current = next.getTime();
    },
  };
}

function wireErrorOf(fn: () => unknown): WireError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(WireError);
    return error as WireError;
  }
  throw new Error('expected a WireError, but nothing was thrown');
}

/** Base64url payload of a token, decoded. */
function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('PageTokens', () => {
  it('gives back the cursor a token was issued for', () => {
    const tokens = new PageTokens(KEY, settableClock(ISSUED_AT));
    const token = tokens.issue(OPERATION, QUERY, CURSOR);
    expect(tokens.read(OPERATION, QUERY, token, 'ValidationException')).toEqual(CURSOR);
  });

  it('accepts a token read by another instance holding the same key', () => {
    const token = new PageTokens(KEY, settableClock(ISSUED_AT)).issue(OPERATION, QUERY, CURSOR);
    const other = new PageTokens(Buffer.from(KEY), settableClock(ISSUED_AT));
    expect(other.read(OPERATION, QUERY, token, 'ValidationException')).toEqual(CURSOR);
  });

  it('issues different tokens for different cursors of one listing', () => {
    const tokens = new PageTokens(KEY, settableClock(ISSUED_AT));
    expect(tokens.issue(OPERATION, QUERY, [1, 'a'])).not.toBe(tokens.issue(OPERATION, QUERY, [1, 'b']));
  });

  it('produces a token that needs no URL escaping', () => {
    const token = new PageTokens(KEY, settableClock(ISSUED_AT)).issue(OPERATION, QUERY, CURSOR);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it('refuses a token whose seal was altered', () => {
    const tokens = new PageTokens(KEY, settableClock(ISSUED_AT));
    const token = tokens.issue(OPERATION, QUERY, CURSOR);
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    const error = wireErrorOf(() => tokens.read(OPERATION, QUERY, `${token.slice(0, -1)}${last}`, 'InvalidNextToken'));
    expect(error.type).toBe('InvalidNextToken');
    expect(error.httpStatus).toBe(400);
  });

  it('refuses a token whose payload was rewritten to another cursor', () => {
    const tokens = new PageTokens(KEY, settableClock(ISSUED_AT));
    const token = tokens.issue(OPERATION, QUERY, CURSOR);
    const forged = Buffer.from(JSON.stringify({ ...payloadOf(token), c: [0, ''] })).toString('base64url');
    const error = wireErrorOf(() =>
      tokens.read(OPERATION, QUERY, `${forged}.${token.split('.')[1]}`, 'ValidationException'),
    );
    expect(error.type).toBe('ValidationException');
  });

  it('refuses a token sealed with another key', () => {
    const token = new PageTokens(Buffer.from('another key of 32 bytes length!!'), settableClock(ISSUED_AT)).issue(
      OPERATION,
      QUERY,
      CURSOR,
    );
    const tokens = new PageTokens(KEY, settableClock(ISSUED_AT));
    expect(wireErrorOf(() => tokens.read(OPERATION, QUERY, token, 'InvalidNextToken')).type).toBe('InvalidNextToken');
  });

  it('refuses a token issued for another operation', () => {
    const tokens = new PageTokens(KEY, settableClock(ISSUED_AT));
    const token = tokens.issue('DescribeMaintenanceWindowTasks', QUERY, CURSOR);
    const error = wireErrorOf(() => tokens.read(OPERATION, QUERY, token, 'ValidationException'));
    expect(error.type).toBe('ValidationException');
    expect(error.message).toContain('different request');
  });

  it('refuses a token issued for the same operation with other filters', () => {
    const tokens = new PageTokens(KEY, settableClock(ISSUED_AT));
    const token = tokens.issue(OPERATION, QUERY, CURSOR);
    const error = wireErrorOf(() =>
      tokens.read(OPERATION, { ...QUERY, resourceTypes: ['RESOURCE_GROUP'] }, token, 'ValidationException'),
    );
    expect(error.message).toContain('different request');
  });

  it('refuses a token issued for another window', () => {
    const tokens = new PageTokens(KEY, settableClock(ISSUED_AT));
    const token = tokens.issue(OPERATION, QUERY, CURSOR);
    expect(() =>
      tokens.read(OPERATION, { ...QUERY, windowId: 'mw-0123456789abcdef1' }, token, 'ValidationException'),
    ).toThrow(WireError);
  });

  it('accepts a token exactly 24 hours old', () => {
    const clock = settableClock(ISSUED_AT);
    const tokens = new PageTokens(KEY, clock);
    const token = tokens.issue(OPERATION, QUERY, CURSOR);
    clock.set(new Date(ISSUED_AT.getTime() + DAY_MS));
    expect(tokens.read(OPERATION, QUERY, token, 'ValidationException')).toEqual(CURSOR);
  });

  it('refuses a token older than 24 hours', () => {
    const clock = settableClock(ISSUED_AT);
    const tokens = new PageTokens(KEY, clock);
    const token = tokens.issue(OPERATION, QUERY, CURSOR);
    clock.set(new Date(ISSUED_AT.getTime() + DAY_MS + 1));
    const error = wireErrorOf(() => tokens.read(OPERATION, QUERY, token, 'InvalidNextToken'));
    expect(error.type).toBe('InvalidNextToken');
    expect(error.message).toContain('expired');
  });

  it.each([
    ['an empty string', ''],
    ['a word', 'garbage'],
    ['two dotted parts', 'abc.def'],
    ['three dotted parts', 'a.b.c'],
    ['base64 of a JSON object', `${Buffer.from('{"o":"x"}').toString('base64url')}.`],
    ['non-ASCII text', 'päge.tökén'],
  ])('refuses %s with the given error type', (_name, token) => {
    const tokens = new PageTokens(KEY, settableClock(ISSUED_AT));
    const error = wireErrorOf(() => tokens.read(OPERATION, QUERY, token, 'InvalidNextToken'));
    expect(error.type).toBe('InvalidNextToken');
    expect(error.message).toMatch(/^The specified NextToken is not valid: /);
  });
});

describe('queryHash', () => {
  it('gives equal hashes for equal queries', () => {
    expect(queryHash({ a: 1, b: ['x'] })).toBe(queryHash({ a: 1, b: ['x'] }));
  });

  it('tells apart queries that differ in one filter value', () => {
    expect(queryHash({ a: 1, b: ['x'] })).not.toBe(queryHash({ a: 1, b: ['y'] }));
  });

  it('treats an absent query like null', () => {
    expect(queryHash(undefined)).toBe(queryHash(null));
  });
});
