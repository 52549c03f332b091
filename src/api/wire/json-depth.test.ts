import { describe, expect, it } from 'vitest';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from './json-depth.js';

const nested = (depth: number, open = '[', close = ']') => open.repeat(depth) + close.repeat(depth);

describe('exceedsJsonDepth', () => {
  it('accepts flat and shallow documents', () => {
    expect(exceedsJsonDepth('')).toBe(false);
    expect(exceedsJsonDepth('{}')).toBe(false);
    expect(exceedsJsonDepth('{"Name":"x","Tags":[{"Key":"a","Value":"b"}]}')).toBe(false);
  });

  it('accepts exactly the limit and refuses one level more', () => {
    expect(MAX_JSON_DEPTH).toBe(64);
    expect(exceedsJsonDepth(nested(64))).toBe(false);
    expect(exceedsJsonDepth(nested(65))).toBe(true);
    expect(exceedsJsonDepth(`{"Name":${nested(63)}}`)).toBe(false);
    expect(exceedsJsonDepth(`{"Name":${nested(64)}}`)).toBe(true);
  });

  it('counts objects and arrays together', () => {
    let text = '';
    for (let i = 0; i < 70; i++) {
      text += i % 2 === 0 ? '{"a":' : '[';
    }
    expect(exceedsJsonDepth(text)).toBe(true);
    expect(exceedsJsonDepth(nested(65, '{"a":', '}'))).toBe(true);
  });

  it('honours a custom limit', () => {
    expect(exceedsJsonDepth('[[[]]]', 3)).toBe(false);
    expect(exceedsJsonDepth('[[[[]]]]', 3)).toBe(true);
  });

  it('ignores brackets inside strings', () => {
    expect(exceedsJsonDepth(JSON.stringify({ Content: '['.repeat(5000) }))).toBe(false);
    expect(exceedsJsonDepth(JSON.stringify({ Content: '{'.repeat(5000) }))).toBe(false);
  });

  it('honours backslash escapes inside strings', () => {
    // An escaped quote does not end the string, so the brackets after it are still inside it.
    expect(exceedsJsonDepth(JSON.stringify({ Content: `\\"${'['.repeat(100)}` }))).toBe(false);
    expect(exceedsJsonDepth(JSON.stringify({ Content: `"${'['.repeat(100)}` }))).toBe(false);
    // An escaped backslash does end before the closing quote, so brackets after the string count.
    expect(exceedsJsonDepth(`{"a":"\\\\",${'['.repeat(100)}`)).toBe(true);
    expect(exceedsJsonDepth(`["\\\\"${nested(63)}]`)).toBe(false);
  });

  it('does not let stray closers lower the depth below zero', () => {
    expect(exceedsJsonDepth(']]]]' + nested(65))).toBe(true);
    expect(exceedsJsonDepth(']]]]' + nested(64))).toBe(false);
  });

  it('gives the same answer for a Buffer with multi-byte text', () => {
    const text = `{"Name":"日本語 ☃ 🎉",${'['.repeat(65)}`;
    expect(exceedsJsonDepth(Buffer.from(text, 'utf8'))).toBe(true);
    expect(exceedsJsonDepth(Buffer.from(`{"Name":"日本語 🎉","x":${nested(63)}}`, 'utf8'))).toBe(false);
  });

  it('scans a very deep body without recursion', () => {
    expect(exceedsJsonDepth(`{"Name":${nested(1_000_000)}}`)).toBe(true);
    expect(exceedsJsonDepth(`{"Name":${nested(5000)}}`, 10_000)).toBe(false);
  });
});
