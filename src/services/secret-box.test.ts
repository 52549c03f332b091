import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox, SecretBoxError } from './secret-box.js';

const KEY = Buffer.alloc(32, 7);
const SECRET = 'wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY01';
const KEY_ID = 'AKIAMADO000000000001';

function withPart(sealed: string, index: number, change: (part: Buffer) => void): string {
  const parts = sealed.split(':');
  const bytes = Buffer.from(parts[index]!, 'base64');
  change(bytes);
  parts[index] = bytes.toString('base64');
  return parts.join(':');
}

describe('SecretBox', () => {
  it('opens what it sealed, with the same associated data', () => {
    const box = new SecretBox(KEY);
    const sealed = box.seal(SECRET, KEY_ID);
    expect(sealed).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(sealed).not.toContain(SECRET);
    expect(box.open(sealed, KEY_ID)).toBe(SECRET);
  });

  it('seals the same secret differently each time (random IV)', () => {
    const box = new SecretBox(KEY);
    expect(box.seal(SECRET, KEY_ID)).not.toBe(box.seal(SECRET, KEY_ID));
  });

  it('refuses to open with another master key', () => {
    const sealed = new SecretBox(KEY).seal(SECRET, KEY_ID);
    expect(() => new SecretBox(randomBytes(32)).open(sealed, KEY_ID)).toThrow(SecretBoxError);
  });

  it('refuses to open under another access key id (the secret is bound to its row)', () => {
    const box = new SecretBox(KEY);
    expect(() => box.open(box.seal(SECRET, KEY_ID), 'AKIAMADO000000000002')).toThrow(SecretBoxError);
  });

  it('detects a changed ciphertext, tag or IV', () => {
    const box = new SecretBox(KEY);
    const sealed = box.seal(SECRET, KEY_ID);
    for (const index of [1, 2, 3]) {
      const tampered = withPart(sealed, index, (bytes) => {
        bytes[0] = bytes[0]! ^ 1;
      });
      expect(() => box.open(tampered, KEY_ID), `part ${index}`).toThrow(SecretBoxError);
    }
  });

  it('refuses a secret in clear, a truncated envelope and an unknown version', () => {
    const box = new SecretBox(KEY);
    const sealed = box.seal(SECRET, KEY_ID);
    for (const bad of [SECRET, sealed.split(':').slice(0, 3).join(':'), sealed.replace(/^v1:/, 'v2:'), 'v1:%%:%%:%%']) {
      expect(() => box.open(bad, KEY_ID)).toThrow(SecretBoxError);
    }
  });

  it('refuses a master key that is not 32 bytes', () => {
    expect(() => new SecretBox(Buffer.alloc(31))).toThrow('a master key is 32 bytes; got 31');
    expect(() => new SecretBox(Buffer.alloc(33))).toThrow('a master key is 32 bytes; got 33');
  });

  it('gives a check value and derived keys that tell keys apart without revealing them', () => {
    const box = new SecretBox(KEY);
    const other = new SecretBox(randomBytes(32));
    expect(box.checkValue()).toBe(new SecretBox(KEY).checkValue());
    expect(box.checkValue()).not.toBe(other.checkValue());
    expect(box.checkValue()).not.toContain(KEY.toString('base64'));
    const derived = box.deriveKey('page tokens');
    expect(derived).toHaveLength(32);
    expect(derived.equals(KEY)).toBe(false);
    expect(derived.equals(box.deriveKey('something else'))).toBe(false);
    expect(derived.equals(new SecretBox(KEY).deriveKey('page tokens'))).toBe(true);
  });
});
