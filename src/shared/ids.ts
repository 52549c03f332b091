/** Identifier generation (CSPRNG-backed). Formats follow SSM: see spec §2.1. */
import { randomBytes, randomUUID } from 'node:crypto';

/** `count` lower-case hex digits from a CSPRNG. */
export function randomHex(count: number): string {
  return randomBytes(Math.ceil(count / 2))
    .toString('hex')
    .slice(0, count);
}

/** Lower-case UUID v4. */
export function newUuid(): string {
  return randomUUID();
}

/** `mw-` + 17 hex digits. */
export function newWindowId(): string {
  return `mw-${randomHex(17)}`;
}

/** `mi-` + 17 hex digits. */
export function newManagedInstanceId(): string {
  return `mi-${randomHex(17)}`;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random string over `alphabet` without modulo bias. */
export function randomString(length: number, alphabet: string = ALPHANUMERIC): string {
  const out: string[] = [];
  const limit = 256 - (256 % alphabet.length);
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit && out.length < length) {
        out.push(alphabet[byte % alphabet.length]!);
      }
    }
  }
  return out.join('');
}
